"""Background work for FHIR bulk export, run by ``alliance worker``. Tasks
take ids, never text."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from alliance.fhir import bulk


@task()
def run_export(job_id: int) -> dict[str, Any]:
    """Write a bulk export's NDJSON files (``bulk.run``)."""
    return bulk.run(job_id)
