"""Risk alerts: durable until a clinician acknowledges them with the action taken.

Nothing about an alert depends on email: it is a row, shown on the clinician's
home page and the client's chart while ``acknowledged_at`` is empty.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from alliance.clients.models import Client, Episode
from alliance.core.fields import EncryptedTextField
from alliance.core.models import UUIDModel


class RiskAlertQuerySet(models.QuerySet["RiskAlert"]):
    def open(self) -> RiskAlertQuerySet:
        return self.filter(acknowledged_at__isnull=True)

    def in_caseload_of(self, user: User) -> RiskAlertQuerySet:
        return self.filter(client__in=Client.objects.in_caseload_of(user))


class RiskAlert(UUIDModel):
    class Severity(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="risk_alerts"
    )
    episode = models.ForeignKey(
        Episode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_alerts",
    )
    # Severity and source are encrypted; what stays plain (the row, its
    # client, times and the raising row's reference) is explained in
    # docs/decisions/0004-risk-indicators-encrypted.md.
    severity = EncryptedTextField(choices=Severity.choices, default=Severity.HIGH)
    # What raised it, e.g. "Session risk check" or "PHQ-9 item 9", and the row.
    source = EncryptedTextField()
    source_type = models.CharField(max_length=64, blank=True)
    source_uuid = models.UUIDField(null=True, blank=True)
    summary = EncryptedTextField()
    raised_at = models.DateTimeField(default=timezone.now)
    raised_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action_taken = EncryptedTextField()

    objects = RiskAlertQuerySet.as_manager()

    client_path = "client"

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} risk: {self.source}"

    def get_absolute_url(self) -> str:
        return reverse("alerts:detail", args=[self.uuid])

    @property
    def audit_client_uuid(self) -> object:
        return self.client.uuid

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None
