"""Tasks for the worker's tests, importable by module path as the worker needs."""

from __future__ import annotations

from django_tasks import task


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def explode() -> None:
    raise RuntimeError("boom")


@task()
def ping() -> str:
    return "pong"
