"""Reminder emails: each client's choice of what to be reminded of, one row per
daily digest sent, and when each periodic task was last enqueued.

A digest row is claimed (``sent_at`` empty) before its email goes out and
marked sent after; the unique (client, day) constraint means two workers can
never both send a client's digest for the same day.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from alliance.clients.models import Client
from alliance.core.models import UUIDModel
from alliance.core.periodic import REMINDER_PREFERENCES


class ReminderPreference(UUIDModel):
    """Which reminders a client wants; a client without a row gets them all."""

    client = models.OneToOneField(
        Client, on_delete=models.PROTECT, related_name="reminder_preference"
    )
    appointments = models.BooleanField("appointments", default=True)
    homework = models.BooleanField("homework due", default=True)
    questionnaires = models.BooleanField("questionnaires to complete", default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    client_path = "client"

    def __str__(self) -> str:
        return f"Reminder choices of {self.client_id}"

    @property
    def kinds_on(self) -> set[str]:
        return {kind for kind in REMINDER_PREFERENCES if getattr(self, kind)}


class ReminderDigest(UUIDModel):
    """One reminder email to one client on one day of the practice's calendar.
    ``kinds`` holds counts only, e.g. {"appointments": 1, "homework": 2}."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="reminder_digests"
    )
    sent_on = models.DateField(help_text="The practice-local day it was sent.")
    claimed_at = models.DateTimeField(default=timezone.now)
    # Empty while the email is on its way; a claim whose send failed is deleted
    # so the next sweep tries again.
    sent_at = models.DateTimeField(null=True, blank=True)
    kinds = models.JSONField(default=dict)

    client_path = "client"

    class Meta:
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "sent_on"], name="one_reminder_digest_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder digest for {self.client_id} on {self.sent_on:%Y-%m-%d}"


class PeriodicRun(models.Model):
    """When ``alliance worker`` last enqueued a periodic task (by its name in
    ``alliance.core.periodic.PERIODIC``)."""

    name = models.CharField(max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
