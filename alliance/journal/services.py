"""Writing, changing and sharing journal entries: the one way to store them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from alliance.audit.services import record
from alliance.clients.models import Client
from alliance.journal.models import ENTRY_MAX, JournalEntry


def clean_body(body: Any) -> str:
    text = body.strip() if isinstance(body, str) else ""
    if not text:
        raise ValidationError("Write something before saving.")
    if len(text) > ENTRY_MAX:
        raise ValidationError(
            f"Please keep an entry under {ENTRY_MAX:,} characters; "
            "you can continue in a new one."
        )
    return text


def write_entry(
    client: Client,
    body: Any,
    *,
    share: bool = False,
    by: Any,
    request: HttpRequest | None = None,
) -> JournalEntry:
    """A new entry, private unless ``share``."""
    text = clean_body(body)
    now = timezone.now()
    entry = JournalEntry.objects.create(
        client=client,
        body=text,
        shared_at=now if share else None,
        created_at=now,
        updated_at=now,
    )
    record(by, "journalentry.create", entry, request=request, detail={"shared": share})
    return entry


def edit_entry(
    entry: JournalEntry, body: Any, *, by: Any, request: HttpRequest | None = None
) -> JournalEntry:
    entry.body = clean_body(body)
    entry.updated_at = timezone.now()
    entry.save(update_fields=["body", "updated_at"])
    record(by, "journalentry.edit", entry, request=request)
    return entry


def set_shared(
    entry: JournalEntry,
    shared: bool,
    *,
    by: Any,
    request: HttpRequest | None = None,
) -> JournalEntry:
    """Share the entry with the clinician or take it back; the same choice
    twice changes nothing."""
    if shared == entry.is_shared:
        return entry
    entry.shared_at = timezone.now() if shared else None
    entry.save(update_fields=["shared_at"])
    record(
        by,
        "journalentry.share" if shared else "journalentry.unshare",
        entry,
        request=request,
    )
    return entry
