"""Homework: an assignment the clinician sets from a template, and the client's
entries, one per occurrence (the due day it answers).

A one-off assignment has one occurrence, its due date. A recurring one has an
occurrence on each due day from ``starts_on`` until today (or the day it
ended). An occurrence in the past with no submitted entry is missed.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from alliance.clients.models import Client, Episode
from alliance.core.fields import EncryptedTextField
from alliance.core.models import UUIDModel
from alliance.homework.templates_catalog import TEMPLATES, template_choices

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class HomeworkAssignment(UUIDModel):
    class Recurrence(models.TextChoices):
        NONE = "none", "Once, by the due date"
        DAILY = "daily", "Every day"
        WEEKLY = "weekly", "Once a week"
        WEEKDAYS = "weekdays", "On given days of the week"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"
        # Ended because the episode entered aftercare or closed.
        TREATMENT_ENDED = "treatment_ended", "Ended with treatment"

    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="homework"
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="homework"
    )
    template = models.CharField(max_length=40, choices=template_choices())
    # Encrypted: written by the clinician or the client ("Call the crisis line
    # when..."); never sorted or filtered by the database.
    title = EncryptedTextField()
    instructions = EncryptedTextField()
    technique = models.SlugField(max_length=100, blank=True, default="")
    starts_on = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    recurrence = models.CharField(
        max_length=10, choices=Recurrence.choices, default=Recurrence.NONE
    )
    # Monday = 0, as "0,2,4"; used when recurrence is WEEKDAYS.
    weekdays = models.CharField(max_length=20, blank=True, default="")
    # Whether the daily reminder email (alliance.reminders) mentions it.
    reminder = models.BooleanField(default=False)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    ended_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    client_path = "client"

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("chart:homework_review", args=[self.episode.uuid])

    @property
    def template_label(self) -> str:
        return TEMPLATES[self.template].label

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def weekday_numbers(self) -> list[int]:
        return [int(d) for d in self.weekdays.split(",") if d]

    @property
    def schedule_text(self) -> str:
        if self.recurrence == self.Recurrence.NONE:
            return f"Once, by {self.due_date:%-d %b %Y}" if self.due_date else "Once"
        if self.recurrence == self.Recurrence.DAILY:
            return "Every day"
        if self.recurrence == self.Recurrence.WEEKLY:
            return f"Every {self.starts_on:%A}"
        return "Every " + ", ".join(WEEKDAY_NAMES[d] for d in self.weekday_numbers)

    def _is_due_on(self, day: date) -> bool:
        if self.recurrence == self.Recurrence.DAILY:
            return True
        if self.recurrence == self.Recurrence.WEEKLY:
            return day.weekday() == self.starts_on.weekday()
        return day.weekday() in self.weekday_numbers

    def occurrences(self, today: date, *, since: date | None = None) -> list[date]:
        """Due days up to ``today`` (a one-off's due date, even if later)."""
        if self.recurrence == self.Recurrence.NONE:
            day = self.due_date or self.starts_on
            if self.status == self.Status.TREATMENT_ENDED and day > self.ended_on:  # type: ignore[operator]  # an ended assignment has ended_on
                return []  # treatment ended before it fell due
            return [day] if since is None or day >= since else []
        last = min(today, self.ended_on) if self.ended_on else today
        day = max(self.starts_on, since) if since else self.starts_on
        days = []
        while day <= last:
            if self._is_due_on(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def is_occurrence(self, day: date, today: date) -> bool:
        if self.recurrence == self.Recurrence.NONE:
            return day == (self.due_date or self.starts_on)
        return day in self.occurrences(today, since=day)


class HomeworkEntry(UUIDModel):
    """The client's answers for one occurrence; a draft until submitted."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    assignment = models.ForeignKey(
        HomeworkAssignment, on_delete=models.PROTECT, related_name="entries"
    )
    for_date = models.DateField()
    answers_json = EncryptedTextField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Optimistic locking for autosave: every saved draft increments it.
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    comment = EncryptedTextField()
    commented_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    commented_at = models.DateTimeField(null=True, blank=True)

    client_path = "assignment__client"
    # Not stored: what the last draft save left out, one message per answer.
    not_saved: tuple[str, ...] | list[str] = ()

    class Meta:
        ordering = ["for_date", "id"]
        verbose_name_plural = "homework entries"
        constraints = [
            # A resubmit after a dropped connection finds this row, never a twin.
            models.UniqueConstraint(
                fields=["assignment", "for_date"], name="homework_entry_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment} for {self.for_date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("chart:homework_review", args=[self.assignment.episode.uuid])

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def answers(self) -> dict[str, Any]:
        return json.loads(self.answers_json) if self.answers_json else {}

    @answers.setter
    def answers(self, value: dict[str, Any]) -> None:
        self.answers_json = json.dumps(value, sort_keys=True)
