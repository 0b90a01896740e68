"""Appointments on a clinician's calendar.

An appointment holds when, how and where a client is seen; it holds no clinical
free text, so the practice admin may manage the schedule. Booking, moving and
status changes go through ``scheduling.services``, which keeps a clinician from
being double-booked.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models

from alliance.accounts.models import User
from alliance.clients.models import Client, Episode
from alliance.core.fields import EncryptedTextField
from alliance.core.models import UUIDModel
from alliance.core.urls import reverse_uuid


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def for_clinician(self, user: User | int) -> AppointmentQuerySet:
        return self.filter(clinician=user)

    def between(self, start: datetime, end: datetime) -> AppointmentQuerySet:
        """Appointments overlapping [start, end); touching ones do not overlap."""
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def starting_between(self, start: datetime, end: datetime) -> AppointmentQuerySet:
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def booked(self) -> AppointmentQuerySet:
        """Appointments that occupy the clinician's time (not cancelled)."""
        return self.exclude(
            status__in=(Appointment.Status.CANCELLED, Appointment.Status.LATE_CANCELLED)
        )


class Purpose(models.TextChoices):
    """What an appointment is for. Only held treatment appointments count as
    treatment sessions in outcomes (NHS Talking Therapies counts "treatment
    appointments", not assessments or follow-ups; docs/outcomes.md). A
    practice may add its own purposes (``Practice.appointment_purposes``);
    those are stored by their label and never count as treatment."""

    ASSESSMENT = "assessment", "Assessment"
    TREATMENT = "treatment", "Treatment"
    REVIEW = "review", "Review"
    FOLLOW_UP = "follow_up", "Follow-up"
    BOOSTER = "booster", "Booster"


def purpose_choices(practice: object) -> list[tuple[str, str]]:
    """The built-in purposes, then the practice's own."""
    own = practice.appointment_purpose_list() if practice is not None else []  # type: ignore[attr-defined]
    built_in = set(Purpose.labels) | set(Purpose.values)
    return [*Purpose.choices, *((p, p) for p in own if p not in built_in)]


class AppointmentSeries(UUIDModel):
    """A repeating appointment: an RFC 5545 rule (``RRULE:...``) applied to a
    first local date and a local start time in the practice's zone. Each
    occurrence is an ``Appointment`` row (``scheduling.recurrence`` generates
    them); a session changed or cancelled on its own stays in the series.
    "This and following" ends the series before that session and, for a
    change, starts a new series from it."""

    clinician = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="appointment_series"
    )
    rule = models.CharField(max_length=300, help_text="An RFC 5545 RRULE line.")
    first_date = models.DateField()
    local_start = models.TimeField(help_text="Wall-clock time in the practice zone.")
    time_zone = models.CharField(max_length=64)
    duration_minutes = models.PositiveIntegerField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    client_path = "client"

    def __str__(self) -> str:
        return f"{self.rule} from {self.first_date} {self.local_start:%H:%M}"


class Appointment(UUIDModel):
    Purpose = Purpose

    class Modality(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIDEO = "video", "Video"
        PHONE = "phone", "Phone"

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "Did not attend"
        # Cancelled by the client inside the practice's notice period.
        LATE_CANCELLED = "late_cancelled", "Cancelled late"

    clinician = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="appointments"
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="appointments"
    )
    episode = models.ForeignKey(
        Episode,
        on_delete=models.PROTECT,
        related_name="appointments",
        null=True,
        blank=True,
    )
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    modality = models.CharField(
        max_length=20, choices=Modality.choices, default=Modality.IN_PERSON
    )
    location = models.CharField(
        max_length=200, blank=True, help_text="Room, address, or video link."
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.BOOKED
    )
    cancel_reason = models.CharField(max_length=200, blank=True)
    # When it was cancelled (empty before this was recorded): a cancellation
    # less than LATE_CANCEL_HOURS before the start is a late one.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # A Purpose value, or one of the practice's own purposes by its label.
    purpose = models.CharField(max_length=60, default=Purpose.TREATMENT)
    # A video session's room name (scheduling.video): random, no client data.
    video_room = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic lock for edits (core.versioning.save_if_current).
    version = models.PositiveIntegerField(default=1, editable=False)
    # The repeating series this appointment was generated from, if any.
    series = models.ForeignKey(
        AppointmentSeries,
        on_delete=models.PROTECT,
        related_name="appointments",
        null=True,
        blank=True,
    )

    objects = AppointmentQuerySet.as_manager()

    client_path = "client"

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["clinician", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="appointment_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} with {self.client}"

    def get_absolute_url(self) -> str:
        return reverse_uuid("scheduling:detail", self.uuid)

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def duration_minutes(self) -> int:
        return int(self.duration.total_seconds() // 60)

    @property
    def purpose_label(self) -> str:
        if self.purpose in Purpose.values:
            return str(Purpose(self.purpose).label)
        return self.purpose

    @property
    def is_cancelled(self) -> bool:
        return self.status in (self.Status.CANCELLED, self.Status.LATE_CANCELLED)

    def has_session_record(self) -> bool:
        # The notes app records a held session against its appointment; reached
        # by reverse relation so this model never imports a later app.
        return hasattr(self, "therapy_session")


class AppointmentRequestQuerySet(models.QuerySet["AppointmentRequest"]):
    def pending(self) -> AppointmentRequestQuerySet:
        return self.filter(status=AppointmentRequest.Status.PENDING)

    def for_clinician(self, user: User | int) -> AppointmentRequestQuerySet:
        """Requests about appointments on the user's calendar or with clients
        they hold as primary clinician."""
        return self.filter(
            models.Q(appointment__clinician=user)
            | models.Q(appointment__client__clinician=user)
        )


class AppointmentRequest(UUIDModel):
    """A client's request, from the portal, to cancel or move an appointment.

    The clinician approves or declines it. Whether it came inside the practice's
    notice period is fixed when it is made (``late``): an approved late request
    cancels the appointment as a late cancellation."""

    class Kind(models.TextChoices):
        CANCEL = "cancel", "Cancel"
        RESCHEDULE = "reschedule", "Move to another time"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="change_requests"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The client's own words and preferred times may say why: encrypted.
    message = EncryptedTextField(blank=True)
    preferred_times = EncryptedTextField(blank=True)
    late = models.BooleanField(default=False)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = AppointmentRequestQuerySet.as_manager()

    client_path = "appointment__client"

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment"],
                condition=models.Q(status="pending"),
                name="one_pending_request_per_appointment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} request for {self.appointment}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
