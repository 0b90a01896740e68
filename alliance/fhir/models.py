"""Bulk export jobs (FHIR Bulk Data ``$export``) and their NDJSON files.

A job belongs to the user who asked for it: only they read its status and
download its files. The files hold client data, so each is kept encrypted in
the database (``EncryptedTextField``) rather than on disk, which also lets any
app process serve a file the worker wrote on another host.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from alliance.accounts.models import User
from alliance.core.fields import EncryptedTextField
from alliance.core.models import UUIDModel


class ExportJob(UUIDModel):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Level(models.TextChoices):
        SYSTEM = "system", "Everything the user may read"
        PATIENT = "patient", "Patient compartment"

    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=10, choices=Level.choices)
    # Resource types asked for (``_type``), in the order they are written.
    types = models.JSONField(default=list)
    since = models.DateTimeField(null=True, blank=True)
    # The kick-off request's URL, echoed in the manifest ("request").
    request_url = models.CharField(max_length=2000)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # When the export began reading (the manifest's transactionTime).
    transaction_time = models.DateTimeField(null=True, blank=True)
    progress = models.CharField(max_length=100, blank=True)
    # Our own message when it failed; never client data.
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"FHIR export {self.created_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ExportFile(UUIDModel):
    """One NDJSON file of one resource type: a resource per line."""

    job = models.ForeignKey(ExportJob, on_delete=models.CASCADE, related_name="files")
    resource_type = models.CharField(max_length=40)
    number = models.PositiveIntegerField()
    count = models.PositiveIntegerField()
    content = EncryptedTextField()
    # The clients whose data the file holds, audited when it is downloaded.
    client_uuids = models.JSONField(default=list)

    class Meta:
        ordering = ["job_id", "id"]

    def __str__(self) -> str:
        return f"{self.resource_type} file {self.number}"
