"""Background work for record exports, run by ``alliance worker``. Tasks take
ids, never text."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from alliance.exports import services


@task()
def run_record_export(export_id: int) -> dict[str, Any]:
    """Write a record export's ZIP (``services.run``)."""
    return services.run(export_id)


@task()
def sweep_exports() -> dict[str, Any]:
    """Delete expired exports (``services.sweep``)."""
    return {"deleted": services.sweep()}
