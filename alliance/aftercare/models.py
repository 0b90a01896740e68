"""Aftercare: follow-up check-ins at the practice's months after an episode
enters aftercare, and booster-session requests.

A ``FollowUp`` is scheduled for each of the practice's months when the episode
enters aftercare (``receivers.episode_moved``). The hourly sweep
(``services.run_followups``) opens it on its due day: the client gets short
questionnaires on the portal and four questions. Once everything is answered
it is completed and compared with the end-of-treatment scores; a deterioration
raises one risk alert and offers the client a booster session
(``BoosterRequest``).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from alliance.alerts.models import RiskAlert
from alliance.clients.models import Client, Episode
from alliance.core.fields import EncryptedTextField
from alliance.core.models import UUIDModel
from alliance.measures.models import Administration

DEFAULT_INSTRUMENTS = ["phq9", "gad7"]
# An open follow-up nobody finished is marked missed this many days after it opened.
MISSED_AFTER_DAYS = 30
NOTE_MAX = 1000
WELLBEING_MIN, WELLBEING_MAX = 0, 10

WELLBEING_QUESTION = "How have things been since we finished?"
PLAN_QUESTION = "Have you been using your relapse-prevention plan or your skills?"
CONTACT_QUESTION = "Would you like to talk to your clinician?"


class UsingPlan(models.TextChoices):
    YES = "yes", "Yes"
    SOMETIMES = "sometimes", "Sometimes"
    NO = "no", "No"


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def pending(self) -> FollowUpQuerySet:
        return self.filter(status__in=FollowUp.PENDING)


class FollowUp(UUIDModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        OPEN = "open", "Waiting for the client"
        COMPLETED = "completed", "Completed"
        MISSED = "missed", "Missed"
        CANCELLED = "cancelled", "Cancelled"

    PENDING = (Status.SCHEDULED, Status.OPEN)

    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="followups"
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="followups"
    )
    months = models.PositiveSmallIntegerField()
    # When the episode entered aftercare; the months count from its local date.
    aftercare_from = models.DateTimeField()
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    # Instrument codes given at this follow-up, e.g. ["phq9", "gad7"].
    instruments = models.JSONField(default=list)
    # The portal questionnaires opened for it.
    administrations = models.ManyToManyField(
        Administration, blank=True, related_name="followups"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    # The four questions, JSON, encrypted (free text among them).
    answers = EncryptedTextField()
    answered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Per measure: end-of-treatment and follow-up scores and what they mean.
    # Numbers and rule names only; no free text.
    result = models.JSONField(default=dict, blank=True)
    deteriorated = models.BooleanField(null=True, blank=True)
    alert = models.ForeignKey(
        RiskAlert, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = FollowUpQuerySet.as_manager()

    client_path = "client"

    class Meta:
        ordering = ["due_on", "months", "id"]
        verbose_name = "follow-up"
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "aftercare_from", "months"],
                name="followup_once_per_month_of_aftercare",
            )
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.months}-month follow-up ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("aftercare:followup", args=[self.uuid])

    @property
    def label(self) -> str:
        return f"{self.months}-month follow-up"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    def answer_dict(self) -> dict[str, Any]:
        return json.loads(self.answers) if self.answers else {}

    def set_answers(self, answers: dict[str, Any]) -> None:
        self.answers = json.dumps(answers, sort_keys=True)

    @property
    def using_plan_label(self) -> str:
        value = self.answer_dict().get("using_plan", "")
        return UsingPlan(value).label if value in UsingPlan.values else ""

    def closes_at(self) -> datetime | None:
        """When an open follow-up left unanswered counts as missed."""
        if self.opened_at is None:
            return None
        return self.opened_at + timedelta(days=MISSED_AFTER_DAYS)


class BoosterQuerySet(models.QuerySet["BoosterRequest"]):
    def pending(self) -> BoosterQuerySet:
        return self.filter(status__in=BoosterRequest.PENDING)


class BoosterRequest(UUIDModel):
    """A booster session: offered after a deterioration at follow-up, or asked
    for by the client during aftercare, until the clinician responds."""

    class Status(models.TextChoices):
        OFFERED = "offered", "Offered to the client"
        REQUESTED = "requested", "Requested by the client"
        REOPENED = "reopened", "Treatment re-opened"
        NEW_EPISODE = "new_episode", "New episode opened"
        DECLINED = "declined", "Declined or arranged otherwise"

    PENDING = (Status.OFFERED, Status.REQUESTED)

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="booster_requests"
    )
    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="booster_requests"
    )
    followup = models.ForeignKey(
        FollowUp,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="booster_requests",
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    offered_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    # The client's words when asking, encrypted.
    note = EncryptedTextField()
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The clinician's recorded response, encrypted.
    response = EncryptedTextField()
    new_episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = BoosterQuerySet.as_manager()

    client_path = "client"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "booster-session request"
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(status__in=["offered", "requested"]),
                name="one_pending_booster_per_client",
            )
        ]

    def __str__(self) -> str:
        return f"Booster session ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("aftercare:client", args=[self.client.uuid])

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING
