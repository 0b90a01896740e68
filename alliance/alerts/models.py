"""Risk alerts: durable until a clinician acknowledges them with the action taken.

Nothing about an alert depends on email: it is a row, shown on the clinician's
home page and the client's chart while ``acknowledged_at`` is empty.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone

from alliance.accounts.models import User
from alliance.clients.models import Client, Episode, clients_of_q, in_caseload_q
from alliance.core.fields import EncryptedTextField
from alliance.core.models import UUIDModel
from alliance.core.urls import reverse_uuid


class RiskAlertQuerySet(models.QuerySet["RiskAlert"]):
    def open(self) -> RiskAlertQuerySet:
        return self.filter(acknowledged_at__isnull=True)

    def in_practice(self, practice_id: int) -> RiskAlertQuerySet:
        return self.filter(client__practice_id=practice_id)

    def by_urgency(self) -> RiskAlertQuerySet:
        """High first, then medium, then low; oldest first within each."""
        rank = models.Case(
            models.When(severity=RiskAlert.Severity.HIGH, then=0),
            models.When(severity=RiskAlert.Severity.MEDIUM, then=1),
            default=2,
        )
        return self.alias(rank=rank).order_by("rank", "raised_at", "pk")

    def in_caseload_of(self, user: User) -> RiskAlertQuerySet:
        return self.filter(in_caseload_q(user, "client"))

    def of_clients_of(
        self, clinician_ids: list[int], *, practice_id: int | None
    ) -> RiskAlertQuerySet:
        """Alerts of the clients whose primary clinician is one of these (the
        clinicians a colleague covers: ``permissions.covered_clinician_ids``)."""
        return self.filter(clients_of_q(clinician_ids, practice_id, "client"))


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
    # The source is encrypted; severity stays plain because the risk queue
    # sorts by it and the escalation sweep and the ending rule filter on it.
    # What a thief learns from the plain columns is explained in
    # docs/decisions/0004-risk-indicators-encrypted.md.
    severity = models.CharField(
        max_length=10, choices=Severity.choices, default=Severity.HIGH
    )
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
    # Set once, when the sweep first escalated it (docs/alerts.md); who was
    # told is in its notifications of kind "escalation".
    escalated_at = models.DateTimeField(null=True, blank=True)

    objects = RiskAlertQuerySet.as_manager()

    client_path = "client"

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} risk: {self.source}"

    def get_absolute_url(self) -> str:
        return reverse_uuid("chart:alert", self.uuid)

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def escalates(self) -> bool:
        """Only high alerts notify and escalate (docs/alerts.md)."""
        return self.severity == self.Severity.HIGH

    @property
    def escalation_due_at(self) -> object:
        """When the sweep escalates it if still open (reads the practice)."""
        hours = self.client.practice.alert_escalation_hours
        return self.raised_at + timedelta(hours=hours)


class AlertNotification(models.Model):
    """One message about one alert to one person through one channel.

    The row is created (``pending``) before anything is sent, and the unique
    constraint means the same message is never queued twice, whichever worker
    gets there first. A send claims the row (``sending``) with a conditional
    update, so two workers never both send it; a failed send is marked
    ``failed`` and tried again at the next sweep. Holds no clinical text.
    """

    class Kind(models.TextChoices):
        RAISED = "raised", "New alert"
        ESCALATION = "escalation", "Escalation"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed, will retry"
        CANCELLED = "cancelled", "Not sent: acknowledged first"

    alert = models.ForeignKey(
        RiskAlert, on_delete=models.PROTECT, related_name="notifications"
    )
    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Why this person: "clinician", "duty", "supervisor" or "admin".
    reason = models.CharField(max_length=20)
    channel = models.CharField(max_length=40, default="email")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The exception's class name only, never its message.
    last_error = models.CharField(max_length=100, blank=True)

    client_path = "alert__client"

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "recipient", "kind", "channel"],
                name="one_alert_notification_per_recipient",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} of alert {self.alert_id} to {self.recipient_id}"
        )


class DutyAccessQuerySet(models.QuerySet["DutyAccess"]):
    def active(self, now: object = None) -> DutyAccessQuerySet:
        return self.filter(expires_at__gt=now or timezone.now())


class DutyAccess(UUIDModel):
    """A duty clinician's or supervisor's time-limited access to one alert
    of a client outside their caseload, with the reason they gave ("break the
    glass"). Created by ``alliance.permissions.get_alert_for_duty`` only; the
    audit event names this row, and the reason is stored here, encrypted."""

    alert = models.ForeignKey(
        RiskAlert, on_delete=models.PROTECT, related_name="duty_accesses"
    )
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField()
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    objects = DutyAccessQuerySet.as_manager()

    client_path = "alert__client"

    class Meta:
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"Duty access to alert {self.alert_id} by {self.user_id}"
