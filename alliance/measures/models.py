"""Measures given to clients: what is scheduled, and each administration.

A ``MeasureSchedule`` says which instrument an episode of care uses and when
(once, every session, every few weeks, at intake, termination or follow-up).
An ``Administration`` is one completion of an instrument: a draft while answers
come in, then submitted, scored and never changed again. A draft that holds a
risk answer is never deleted: if nobody finishes it, it is kept as incomplete. A correction is a new
administration that points at the one it replaces (``corrects``).

The answers are clinical data (some items take free text, and even numbers say
a lot), so they are encrypted; the score columns (total, band, caseness, risk)
are plain so charts and outcome queries never decrypt anything.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone

from alliance.accounts.models import User
from alliance.clients.models import Client, Episode
from alliance.core.fields import (
    EncryptedBooleanField,
    EncryptedJSONField,
    EncryptedTextField,
)
from alliance.core.models import UUIDModel
from alliance.core.urls import reverse_uuid


def instrument_name(code: str) -> str:
    """The instrument's short name, or its code when it is no longer loaded."""
    from alliance.measures.engine import get_instrument

    try:
        return get_instrument(code).short_name
    except KeyError:
        return code


class MeasureSchedule(UUIDModel):
    class When(models.TextChoices):
        ONCE = "once", "Once"
        EVERY_SESSION = "every_session", "Every session"
        EVERY_N_WEEKS = "every_n_weeks", "Every few weeks"
        AT_INTAKE = "at_intake", "At intake (assessment)"
        AT_TERMINATION = "at_termination", "At termination"
        AT_FOLLOW_UP = "at_follow_up", "At follow-up (aftercare)"

    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="measure_schedules"
    )
    instrument = models.CharField(max_length=40)
    when = models.CharField(max_length=20, choices=When.choices)
    every_n_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    # The client sees their own scores for this measure in the portal.
    share_with_client = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(null=True, blank=True)
    stopped_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The first day (practice time) from which the measure is due, kept by
    # the services whenever a score, the schedule or the phase changes
    # (``selectors.next_due``); empty when nothing would make it due by time
    # alone. Due on a day = active, episode open and next_due <= that day.
    next_due = models.DateField(null=True, blank=True, db_index=True)

    client_path = "episode__client"

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.instrument_name}, {self.describe_when().lower()}"

    @property
    def instrument_name(self) -> str:
        return instrument_name(self.instrument)

    def describe_when(self) -> str:
        if self.when == self.When.EVERY_N_WEEKS:
            n = self.every_n_weeks or 1
            return "Every week" if n == 1 else f"Every {n} weeks"
        return self.get_when_display()


class AdministrationQuerySet(models.QuerySet["Administration"]):
    def submitted(self) -> AdministrationQuerySet:
        return self.filter(status=Administration.Status.SUBMITTED)

    def drafts(self) -> AdministrationQuerySet:
        return self.filter(status=Administration.Status.DRAFT)

    def incomplete(self) -> AdministrationQuerySet:
        return self.filter(status=Administration.Status.INCOMPLETE)

    def current(self) -> AdministrationQuerySet:
        """Submitted administrations no correction has replaced.

        NOT EXISTS over the few rows that correct something: the planner
        then probes the ``corrects`` index (almost all NULL) once, instead
        of hashing every administration of the practice to find the rare
        correction (a left join, or an anti-join whose inner side keeps the
        NULLs), which grew with the practice, not the episode (issue #13)."""
        corrections = Administration.objects.filter(
            corrects_id=OuterRef("pk"), corrects__isnull=False
        )
        return self.submitted().filter(~Exists(corrections))


class Administration(UUIDModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        # Closed unfinished (a follow-up lapsed, a stale draft) but kept,
        # because it holds a risk answer: never scored, never deleted.
        INCOMPLETE = "incomplete", "Incomplete"

    class Mode(models.TextChoices):
        PORTAL = "portal", "Client portal"
        KIOSK = "kiosk", "In the room (kiosk)"
        CLINICIAN = "clinician", "Entered by the clinician"

    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="administrations"
    )
    # Denormalised from the episode so chart and portal queries need no join.
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="administrations"
    )
    schedule = models.ForeignKey(
        MeasureSchedule,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="administrations",
    )
    instrument = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    mode = models.CharField(max_length=10, choices=Mode.choices)
    # JSON object {item key: answer}, encrypted.
    answers = EncryptedTextField()
    total = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=40, blank=True)
    band_label = models.CharField(max_length=100, blank=True)
    caseness = models.BooleanField(null=True, blank=True)
    # Whether a risk answer was given: encrypted (docs/decisions/0004).
    risk = EncryptedBooleanField()
    subscales = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    saved_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When the client answered: the submission time, or for a correction the
    # original's, so a corrected score keeps its place on the chart.
    taken_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Who typed the answers in; empty when the client answered themselves.
    entered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    correction_reason = EncryptedTextField()
    # Risk alerts raised for this administration, one per item:
    # {item key: {"alert": uuid, "severity": …, "unanswered": bool}}. Kept
    # when the answer changes, so the same answer never raises a second alert.
    # Encrypted: which items raised alerts is itself a risk indicator.
    risk_alerts = EncryptedJSONField()
    # For an incomplete administration: when it was closed, why, and the
    # highest item answered.
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=100, blank=True)
    stopped_at_item = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = AdministrationQuerySet.as_manager()

    client_path = "client"

    class Meta:
        ordering = ["-taken_at", "-started_at", "-id"]
        # With taken_at last, a history page reads its 51 rows in order from
        # the index, whatever the size of the practice (issue #13).
        indexes = [
            models.Index(fields=["episode", "instrument", "status", "taken_at"]),
            # A client's unfinished questionnaires (the portal home, every
            # visit): without it PostgreSQL read the index above end to end,
            # a cost that grew with the whole practice's scores (issue #13).
            models.Index(
                fields=["client", "-started_at"],
                condition=models.Q(status="draft"),
                name="administration_drafts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_name} ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse_uuid("measures:detail", self.uuid)

    @property
    def instrument_name(self) -> str:
        return instrument_name(self.instrument)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_incomplete(self) -> bool:
        return self.status == self.Status.INCOMPLETE

    def answer_dict(self) -> dict[str, Any]:
        """The answers given so far, decrypted."""
        return json.loads(self.answers) if self.answers else {}

    def set_answers(self, answers: dict[str, Any]) -> None:
        self.answers = json.dumps(answers, sort_keys=True) if answers else ""


class MeasureTrack(models.Model):
    """Whether one episode's scores on one tracked measure are on track (see
    ``tracking``): the numbers its verdict rests on and the verdict, kept by
    the services when a score is submitted and by the tracking sweep when the
    practice's expected-recovery curves are refitted, so the home page reads
    50 flagged rows instead of judging the caseload. Plain numbers only, as on
    Administration; the reason is built from them."""

    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="measure_tracks"
    )
    # Denormalised so the home page's list needs no join through episodes.
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="measure_tracks"
    )
    instrument = models.CharField(max_length=40)
    first_total = models.FloatField()
    latest_total = models.FloatField()
    latest_taken_at = models.DateTimeField()
    # Treatment scores so far (aftercare follow-ups are not sessions).
    scores = models.PositiveIntegerField()
    # The latest score is an aftercare follow-up.
    latest_follow_up = models.BooleanField(default=False)
    on_track = models.BooleanField(default=True)
    method = models.CharField(max_length=20, blank=True)
    expected = models.FloatField(null=True, blank=True)
    bound = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    client_path = "client"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "instrument"], name="measures_track_one_per_measure"
            )
        ]
        indexes = [models.Index(fields=["on_track", "client"])]

    def __str__(self) -> str:
        return f"{instrument_name(self.instrument)} track"


class RecoveryCurve(models.Model):
    """One fitted expected-recovery curve: a practice, an instrument and an
    intake-severity band (``expected.Curve``). Refitted by the tracking sweep;
    read through Django's cache. Aggregates only, no client data."""

    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.CASCADE, related_name="+"
    )
    instrument = models.CharField(max_length=40)
    band = models.CharField(max_length=40)
    intercept = models.FloatField()
    slope = models.FloatField()
    residual_sd = models.FloatField()
    episodes = models.PositiveIntegerField()
    pairs = models.PositiveIntegerField()
    model_version = models.CharField(max_length=100)
    fitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "instrument", "band"],
                name="measures_curve_one_per_band",
            )
        ]

    def __str__(self) -> str:
        return f"{instrument_name(self.instrument)} curve ({self.band})"


class ClinicalPromptQuerySet(models.QuerySet["ClinicalPrompt"]):
    def open(self) -> ClinicalPromptQuerySet:
        return self.filter(dismissed_at__isnull=True)


class ClinicalPrompt(UUIDModel):
    """Something in a questionnaire the clinician should act on that is not a
    risk to life: AUDIT's "give the next level of intervention up". Shown on
    the chart and the session page until the clinician dismisses it with a
    note; it never enters the risk queue and never marks the answers as risk."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="clinical_prompts"
    )
    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="clinical_prompts"
    )
    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="prompts"
    )
    instrument = models.CharField(max_length=40)
    # e.g. "AUDIT items 4 and 9"; the answers and why they matter are in text.
    source = models.CharField(max_length=100)
    text = EncryptedTextField()
    raised_at = models.DateTimeField(default=timezone.now)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dismiss_note = EncryptedTextField()

    objects = ClinicalPromptQuerySet.as_manager()

    client_path = "client"

    class Meta:
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return f"Clinical prompt: {self.source}"

    def get_absolute_url(self) -> str:
        return self.administration.get_absolute_url()

    @property
    def is_open(self) -> bool:
        return self.dismissed_at is None


class EmploymentStatus(UUIDModel):
    """The client's employment status at the start (assessment) or the end of
    an episode, one row per stage, in the categories of the NHS Data
    Dictionary's EMPLOYMENT STATUS, which the NHS Talking Therapies data set
    uses [S] (codes 01–08 and ZZ, as listed by the UK Renal Registry's copy of
    the NHS Data Dictionary:
    https://renalreg.github.io/resources/master/Types/Occupation.html). Labels
    are in Alliance's words. A category, not free text: stored in the clear so
    outcome reports can count it."""

    class Stage(models.TextChoices):
        START = "start", "At assessment"
        END = "end", "At the end of treatment"

    class Status(models.TextChoices):
        EMPLOYED = "01", "Employed"
        UNEMPLOYED = "02", "Unemployed and looking for work"
        STUDENT = "03", "Student, not working or looking for work"
        SICK_OR_DISABLED = "04", "Long-term sick or disabled"
        HOMEMAKER = "05", "Looking after the family or home"
        NOT_WORKING = "06", "Not working or looking for work, no benefits"
        VOLUNTEER = "07", "Unpaid voluntary work only"
        RETIRED = "08", "Retired"
        NOT_STATED = "ZZ", "Asked, but chose not to say"

    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="employment_statuses"
    )
    stage = models.CharField(max_length=5, choices=Stage.choices)
    status = models.CharField(max_length=2, choices=Status.choices)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    client_path = "episode__client"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "stage"], name="one_employment_status_per_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.get_status_display()}"

    @property
    def audit_client_uuid(self) -> object:
        return self.episode.client.uuid
