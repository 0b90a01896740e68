"""Asking for, writing, downloading and sweeping record exports. Who may ask
is decided by the views through ``alliance.permissions``; these functions
record what happened (``audit.services.record``)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.services import record
from alliance.clients.models import Client
from alliance.exports.models import KEEP_FOR, RecordExport

logger = logging.getLogger(__name__)


class ExportRefused(Exception):
    """A request we do not carry out; the message says why."""


def request_export(
    client: Client,
    *,
    by: User,
    scope: str,
    include_process_notes: bool = False,
    request: HttpRequest | None = None,
) -> RecordExport:
    """Record the request and enqueue the worker's task. Process notes go only
    into a transfer export, and only the asking author's own."""
    from alliance.exports.tasks import run_record_export

    if scope not in RecordExport.Scope.values:
        raise ExportRefused("Choose what kind of export to prepare.")
    if include_process_notes and scope != RecordExport.Scope.TRANSFER:
        raise ExportRefused(
            "Process notes can only be added to a transfer of care export."
        )
    if include_process_notes and not by.is_clinical:
        raise ExportRefused("Only the author of process notes can include them.")
    with transaction.atomic():
        export = RecordExport.objects.create(
            client=client,
            requested_by=by,
            scope=scope,
            process_notes_of=by if include_process_notes else None,
        )
        record(
            by,
            "exports.requested",
            export,
            request=request,
            client_uuid=client.uuid,
            detail={"scope": scope},
        )
        if include_process_notes:
            # Process notes leave the record only by their author's choice:
            # an event of its own, apart from the export's.
            record(
                by,
                "exports.process_notes_included",
                export,
                request=request,
                client_uuid=client.uuid,
            )
    run_record_export.enqueue(export.pk)
    export.refresh_from_db()
    return export


def run(export_id: int) -> dict[str, Any]:
    from alliance.exports.builder import build_zip, encode

    export = (
        RecordExport.objects.select_related("client__practice", "process_notes_of")
        .filter(pk=export_id)
        .first()
    )
    if export is None or export.status != RecordExport.Status.QUEUED:
        return {"skipped": 1}
    RecordExport.objects.filter(pk=export.pk).update(status=RecordExport.Status.RUNNING)

    def progress(text: str) -> None:
        RecordExport.objects.filter(pk=export.pk).update(progress=text[:100])

    try:
        data = build_zip(export, progress)
    except Exception:
        logger.exception("Record export %s failed", export.uuid)
        RecordExport.objects.filter(pk=export.pk).update(
            status=RecordExport.Status.FAILED,
            progress="",
            error="The export stopped on an internal error; please ask again.",
            finished_at=timezone.now(),
        )
        return {"failed": 1}
    now = timezone.now()
    export.content = encode(data)
    export.size = len(data)
    export.status = RecordExport.Status.DONE
    export.progress = ""
    export.finished_at = now
    export.expires_at = now + KEEP_FOR
    export.save(
        update_fields=[
            "content",
            "size",
            "status",
            "progress",
            "finished_at",
            "expires_at",
        ]
    )
    record(
        export.requested_by,
        "exports.written",
        export,
        client_uuid=export.client.uuid,
        detail={"scope": export.scope, "bytes": len(data)},
    )
    return {"bytes": len(data)}


def download(export: RecordExport, *, by: User, request: HttpRequest) -> bytes:
    """The ZIP's bytes, audited; refused once expired or not ready."""
    if export.status != RecordExport.Status.DONE:
        raise ExportRefused("This export is not ready yet.")
    if export.is_expired():
        raise ExportRefused("This download link has expired; please ask for a new one.")
    record(
        by,
        "exports.downloaded",
        export,
        request=request,
        client_uuid=export.client.uuid,
        detail={"scope": export.scope},
    )
    return export.zip_bytes()


def sweep(now: datetime | None = None) -> int:
    """Delete exports whose link has expired; returns how many."""
    deleted, _ = RecordExport.objects.filter(
        expires_at__lte=now or timezone.now()
    ).delete()
    return deleted
