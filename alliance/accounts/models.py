"""The practice and its people: staff users with roles, supervision, invitations."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.utils import timezone

from alliance.core.models import UUIDModel
from alliance.core.tokens import hash_token, new_token

INVITATION_DAYS = 7


@lru_cache(maxsize=64)
def _zone_named(name: str) -> ZoneInfo:
    """The zone called ``name``; ``settings.TIME_ZONE`` when the name cannot be
    read (a bad stored value must never break a page or a sweep)."""
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        return ZoneInfo(settings.TIME_ZONE)


def zone_of(practice: Practice | None) -> ZoneInfo:
    """The practice's time zone; ``settings.TIME_ZONE`` without a practice."""
    return practice.zone if practice is not None else _zone_named(settings.TIME_ZONE)


class Practice(UUIDModel):
    name = models.CharField(max_length=200)
    letterhead = models.TextField(
        blank=True, help_text="Address and contact lines printed on letters and PDFs."
    )
    crisis_lines = models.TextField(
        blank=True,
        help_text="Where to get urgent help, one line each; shown to clients on every page.",
    )
    time_zone = models.CharField(max_length=64, default="Europe/London")
    # Between sessions (the client portal).
    portal_days_after_close = models.PositiveIntegerField(
        "portal read access after closing (days)",
        default=90,
        help_text="How long a client keeps read access to their materials after "
        "their episode closes. Their coping toolbox, relapse-prevention plan and "
        "safety plan stay available after that.",
    )
    allow_message_attachments = models.BooleanField(
        default=False,
        help_text="Let clients and clinicians attach files (PDF, PNG, JPEG, up "
        "to 5 MB) to portal messages.",
    )
    quiet_hours_start = models.TimeField(
        default=time(21, 0),
        help_text="No reminder emails are sent from this time (practice time zone).",
    )
    quiet_hours_end = models.TimeField(
        default=time(8, 0), help_text="…until this time."
    )
    # The end of care.
    followup_months = models.CharField(
        "aftercare follow-ups (months after entering aftercare)",
        max_length=40,
        default="1,3,6",
        help_text="Comma-separated, e.g. 1,3,6.",
    )
    retention_years = models.PositiveIntegerField(
        "record retention (years after the last episode closes)",
        default=20,
        help_text="Children's records are kept at least until their 25th "
        "birthday (26th if 17 when care ended). The default follows NHS "
        "England's Records Management Code of Practice (2021, updated 2023): "
        "mental-health and psychology records 20 years after care ends "
        "(general adult health records 8). Check your own jurisdiction's rule.",
    )
    # Risk alerts (alliance.alerts; docs/alerts.md).
    alert_escalation_hours = models.PositiveIntegerField(
        "escalate unacknowledged high risk alerts after (hours)",
        default=4,
        help_text="A high risk alert nobody has acknowledged by then is emailed "
        "to the duty clinician and the clinician's supervisor.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic lock for edits (core.versioning.save_if_current).
    version = models.PositiveIntegerField(default=1, editable=False)
    conflict_label = "The practice settings"

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        """The practice's time zone (cached per name, so it follows a change of
        ``time_zone``)."""
        return _zone_named(self.time_zone)

    def today(self, now: datetime | None = None) -> date:
        """The practice-local date of ``now`` (default: the current time): the one
        place that says what "today" is for a practice."""
        return timezone.localdate(now or timezone.now(), self.zone)

    def crisis_line_list(self) -> list[str]:
        return [line.strip() for line in self.crisis_lines.splitlines() if line.strip()]

    def followup_month_list(self) -> list[int]:
        """The months after entering aftercare at which follow-ups fall."""
        return sorted(
            {int(part) for part in self.followup_months.split(",") if part.strip()}
        )

    def in_quiet_hours(self, moment: time) -> bool:
        """Whether a wall-clock time (practice zone) falls in quiet hours; the
        window may run over midnight (21:00 to 08:00)."""
        start, end = self.quiet_hours_start, self.quiet_hours_end
        if start == end:
            return False
        if start < end:
            return start <= moment < end
        return moment >= start or moment < end


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.ADMIN)
        return self.create_user(email, password, **extra)

    def clinicians(self) -> models.QuerySet[User]:
        return self.filter(role__in=User.CLINICAL_ROLES, is_active=True)


class User(UUIDModel, AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        CLINICIAN = "clinician", "Clinician"
        SUPERVISOR = "supervisor", "Clinical supervisor"
        ADMIN = "admin", "Practice admin"
        CLIENT = "client", "Client"

    CLINICAL_ROLES = (Role.CLINICIAN, Role.SUPERVISOR)
    STAFF_ROLES = (Role.CLINICIAN, Role.SUPERVISOR, Role.ADMIN)

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CLINICIAN)
    practice = models.ForeignKey(
        Practice,
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    credentials = models.CharField(
        max_length=100, blank=True, help_text="e.g. 'MSc, BABCP accredited'"
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # SHA-256 of the calendar feed's secret token (the token itself is shown
    # once and never stored); rotating it revokes old subscriptions, "" = off.
    calendar_token_hash = models.CharField(
        max_length=64, default="", blank=True, db_index=True
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_staff(self) -> bool:
        return False

    @property
    def is_clinical(self) -> bool:
        return self.role in self.CLINICAL_ROLES

    @property
    def is_practice_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def is_staff_member(self) -> bool:
        return self.role in self.STAFF_ROLES

    @property
    def needs_second_factor(self) -> bool:
        """Staff must use 2FA; clients may add it, and once they have, their
        logins ask for it too."""
        if self.role in self.STAFF_ROLES:
            return True
        if not hasattr(self, "_has_totp"):
            self._has_totp = self.totpdevice_set.filter(confirmed=True).exists()  # type: ignore[attr-defined]  # django-otp's (untyped) middleware and device model add it
        return self._has_totp

    def supervisee_ids(self) -> list[int]:
        if self.role != self.Role.SUPERVISOR:
            return []
        return list(
            Supervision.objects.filter(
                supervisor=self, ended_at__isnull=True
            ).values_list("supervisee_id", flat=True)
        )


class Supervision(models.Model):
    """A supervisor oversees a clinician's caseload and may co-sign their notes."""

    supervisor = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="supervising"
    )
    supervisee = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="supervised_by"
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["supervisor", "supervisee"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_supervision_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} supervises {self.supervisee}"


class DutyShiftQuerySet(models.QuerySet["DutyShift"]):
    def on(self, day: date) -> DutyShiftQuerySet:
        return self.filter(date=day)


class DutyShift(models.Model):
    """One clinician on duty for the practice on one (practice-local) day: they
    see the practice's risk queue and may open any client's alert with a
    reason. Read through ``alliance.accounts.duty``."""

    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="duty_shifts"
    )
    clinician = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="duty_shifts"
    )
    date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = DutyShiftQuerySet.as_manager()

    class Meta:
        ordering = ["date", "clinician__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinician", "date"], name="one_duty_shift_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.clinician} on duty {self.date:%Y-%m-%d}"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def usable(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True).filter(
            expires_at__gt=timezone.now()
        )


class Invitation(UUIDModel):
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=User.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    # For a client's portal invitation: which client record the account joins.
    client_uuid = models.UUIDField(null=True, blank=True, db_index=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    hash_token = staticmethod(hash_token)
    new_token = staticmethod(new_token)

    @staticmethod
    def default_expiry() -> Any:
        return timezone.now() + timedelta(days=INVITATION_DAYS)

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class CoverQuerySet(models.QuerySet["Cover"]):
    def in_force_on(self, day: date) -> CoverQuerySet:
        """Arrangements that cover ``day`` and were not ended early."""
        return self.filter(ended_at__isnull=True, starts_on__lte=day, ends_on__gte=day)

    def current_or_coming(self, day: date) -> CoverQuerySet:
        return self.filter(ended_at__isnull=True, ends_on__gte=day)


class Cover(UUIDModel):
    """A colleague covers an absent clinician (leave, illness) for a date range:
    during those days (practice time zone) they see and acknowledge the absent
    clinician's clients' open risk alerts and read and answer their messages.
    Who may do what is decided in ``alliance.permissions``."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    clinician = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="covered_by"
    )
    cover = models.ForeignKey(User, on_delete=models.PROTECT, related_name="covering")
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = CoverQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="cover_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~models.Q(clinician=models.F("cover")),
                name="cover_is_a_colleague",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cover} covers {self.clinician}"

    def status_on(self, day: date) -> str:
        if self.ended_at is not None:
            return "ended"
        if day < self.starts_on:
            return "coming"
        if day > self.ends_on:
            return "past"
        return "in force"
