"""Running a bulk export (FHIR Bulk Data Access, ``$export``) for its user.

``start_export`` records the job and enqueues ``tasks.run_export``; the worker
calls ``run`` here, which writes one or more NDJSON files per resource type
with the rows the requesting user may read at that moment (``search.py``,
scoped by ``alliance.permissions``). Each client whose data is written gets one
audit event; each download audits again.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance import permissions
from alliance.accounts.models import User
from alliance.audit.services import record
from alliance.clients.models import Client
from alliance.fhir import search
from alliance.fhir.models import ExportFile, ExportJob

logger = logging.getLogger(__name__)

# Resources per NDJSON file: keeps one file's decrypted text small.
FILE_SIZE = 1000


def exportable_types(user: User, note_bodies: bool) -> list[str]:
    types = ["Organization", "Practitioner", search.QUESTIONNAIRE]
    types += [
        t for t in search.PATIENT_TYPES if note_bodies or t != "DocumentReference"
    ]
    return types


def start_export(
    user: User,
    *,
    level: str,
    types: list[str],
    since: datetime | None,
    request_url: str,
) -> ExportJob:
    from alliance.fhir.tasks import run_export

    with transaction.atomic():
        job = ExportJob.objects.create(
            requested_by=user,
            level=level,
            types=types,
            since=since,
            request_url=request_url[:2000],
        )
        record(
            user,
            "fhir.export_requested",
            job,
            detail={"level": level, "types": types, "since": str(since or "")},
        )
    run_export.enqueue(job.pk)
    job.refresh_from_db()
    return job


def cancel_export(job: ExportJob, *, by: User) -> None:
    """Stop a job (if still running) and delete what it wrote."""
    with transaction.atomic():
        job.files.all().delete()
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.CANCELLED, finished_at=timezone.now()
        )
        record(by, "fhir.export_cancelled", job)


def _fail(job: ExportJob, message: str) -> None:
    """Replace what was written with one OperationOutcome (the manifest's
    ``error``), unless the job was cancelled meanwhile."""
    with transaction.atomic():
        if _cancelled(job):
            return
        job.files.all().delete()
        outcome = {
            "resourceType": "OperationOutcome",
            "issue": [
                {"severity": "fatal", "code": "exception", "diagnostics": message}
            ],
        }
        ExportFile.objects.create(
            job=job,
            resource_type="OperationOutcome",
            number=1,
            count=1,
            content=json.dumps(outcome) + "\n",
        )
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=message, finished_at=timezone.now()
        )


def _cancelled(job: ExportJob) -> bool:
    return ExportJob.objects.filter(pk=job.pk).values_list(
        "status", flat=True
    ).first() in (None, ExportJob.Status.CANCELLED)


def run(job_id: int) -> dict[str, Any]:
    job = ExportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.status != ExportJob.Status.QUEUED:
        return {"skipped": 1}
    user = job.requested_by
    job.status = ExportJob.Status.RUNNING
    job.transaction_time = timezone.now()
    job.save(update_fields=["status", "transaction_time"])
    try:
        written = _write(job, user)
    except Exception:
        logger.exception("FHIR export %s failed", job.uuid)
        _fail(job, "The export stopped on an internal error; ask for it again.")
        return {"failed": 1}
    if written is None:
        return {"cancelled": 1}
    ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
        status=ExportJob.Status.DONE, finished_at=timezone.now(), progress=""
    )
    return {"files": written}


def _write(job: ExportJob, user: User) -> int | None:
    clients: set[Any] = set()
    written = 0
    only = None
    if job.level == ExportJob.Level.PATIENT:
        only = list(permissions.clients_readable_by(user))
    for position, kind in enumerate(job.types, start=1):
        if _cancelled(job):
            return None
        ExportJob.objects.filter(pk=job.pk).update(
            progress=f"Writing {kind} ({position} of {len(job.types)})"
        )
        written += _write_type(job, user, kind, only, clients)
    with transaction.atomic():
        for client_uuid in sorted(clients, key=str):
            record(user, "fhir.export", job, client_uuid=client_uuid)
    return written


def _write_type(
    job: ExportJob,
    user: User,
    kind: str,
    only: list[Client] | None,
    clients: set[Any],
) -> int:
    """Write one type's NDJSON files; returns how many."""
    lines: list[str] = []
    file_clients: set[str] = set()
    number = 0
    resources = _resources(user, kind, job.since, only)
    while True:
        resource = next(resources, None)
        if resource is not None:
            body, client_uuid = resource
            lines.append(json.dumps(body, separators=(",", ":"), ensure_ascii=False))
            if client_uuid is not None:
                file_clients.add(str(client_uuid))
                clients.add(client_uuid)
        if lines and (resource is None or len(lines) >= FILE_SIZE):
            number += 1
            ExportFile.objects.create(
                job=job,
                resource_type=kind,
                number=number,
                count=len(lines),
                content="\n".join(lines) + "\n",
                client_uuids=sorted(file_clients),
            )
            lines, file_clients = [], set()
        if resource is None:
            return number


def _resources(
    user: User, kind: str, since: datetime | None, only: list[Client] | None
) -> Any:
    if kind == search.QUESTIONNAIRE:
        for resource in search.questionnaires(user):
            yield resource, None
        return
    source = search.SOURCES[kind]
    if only is None or source.parts[0].client_path is None:
        yield from search.iter_resources(user, source, since=since)
        return
    for client in only:
        yield from search.iter_resources(user, source, since=since, client=client)
