"""A client's record as one ZIP: the client's own copy (portal), the same
copy asked for by staff (subject access request) and a full record export for
a transfer of care. The worker writes the ZIP into the row, encrypted like
every clinical text (``EncryptedTextField``, base64), so any app process can
serve it; the sweep deletes it when it expires."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone

from alliance.accounts.models import User
from alliance.clients.models import Client
from alliance.core.fields import EncryptedTextField
from alliance.core.models import UUIDModel

# How long a finished export can be downloaded before the sweep deletes it.
KEEP_FOR = timedelta(days=7)


class RecordExport(UUIDModel):
    class Scope(models.TextChoices):
        OWN_COPY = "own_copy", "The client's own copy"
        ACCESS_REQUEST = "access_request", "Copy for a subject access request"
        TRANSFER = "transfer", "Full record for a transfer of care"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being prepared"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(max_length=20, choices=Scope.choices)
    # A transfer export includes process notes only when their author asked:
    # this is that author, and only their own notes are written.
    process_notes_of = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=300, blank=True)
    content = EncryptedTextField()
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    client_path = "client"

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def is_expired(self, now: datetime | None = None) -> bool:
        return (
            self.expires_at is not None and (now or timezone.now()) >= self.expires_at
        )

    @property
    def filename(self) -> str:
        return f"record-{self.scope.replace('_', '-')}-{self.created_at:%Y-%m-%d}.zip"

    def zip_bytes(self) -> bytes:
        return base64.b64decode(self.content) if self.content else b""
