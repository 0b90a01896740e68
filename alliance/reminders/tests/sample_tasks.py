"""Tasks for the worker's tests, importable by module path as the worker needs."""

from __future__ import annotations

import os
import time
from pathlib import Path

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


@task()
def record_run(path: str, n: int) -> int:
    """Appends ``n`` to the file at ``path``: one line per run."""
    with open(path, "a") as log:
        log.write(f"{n}\n")
    time.sleep(0.02)
    return n


@task()
def meet(directory: str, name: str) -> int:
    """Waits (up to a minute) until another worker holds a ``meet`` task too,
    which proves two workers run at the same time."""
    Path(directory, name).write_text(str(os.getpid()))
    deadline = time.monotonic() + 60
    while len(list(Path(directory).iterdir())) < 2:
        if time.monotonic() > deadline:
            raise RuntimeError("no other worker took a task meanwhile")
        time.sleep(0.05)
    return os.getpid()
