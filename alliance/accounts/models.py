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
from alliance.core.prepared import prepared
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
    # Sessions seen from the portal (alliance.scheduling.requests, .video).
    cancel_notice_hours = models.PositiveIntegerField(
        "cancellation notice (hours)",
        default=24,
        help_text="A client who asks to cancel with less notice than this may "
        "still ask; if the request is approved it counts as a late cancellation.",
    )
    video_url_template = models.CharField(
        "video service address",
        max_length=300,
        default="https://meet.jit.si/{room}",
        help_text="Your Jitsi Meet server's address (the room name is added at "
        "the end), or another service's address with {room} where the room "
        "name goes, such as https://meet.example.org/{room}.",
    )
    # The end of care.
    followup_months = models.CharField(
        "aftercare follow-ups (months after entering aftercare)",
        max_length=40,
        default="1,3,6",
        help_text="Comma-separated, e.g. 1,3,6.",
    )
    # Scheduling: purposes besides the built-in ones (assessment, treatment,
    # review, follow-up, booster). They never count as treatment sessions.
    appointment_purposes = models.TextField(
        "more appointment purposes",
        blank=True,
        default="",
        help_text="One a line, e.g. Couples session. Besides assessment, "
        "treatment, review, follow-up and booster. Only treatment appointments "
        "count as treatment sessions in outcomes.",
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
    # The REST API (alliance.api, docs/api.md).
    api_enabled = models.BooleanField(
        "REST API on",
        default=True,
        help_text="Let staff use personal API tokens to read and change records "
        "through the REST API. When off, every token is refused.",
    )

    # The drink the AUDIT and AUDIT-C questions count in (alliance.measures.drinks).
    class DrinkMeasure(models.TextChoices):
        WHO = "who", "WHO standard drinks (10 g of alcohol each)"
        UK = "uk", "UK units (8 g of alcohol each)"
        US = "us", "US standard drinks (14 g of alcohol each)"

    drink_measure = models.CharField(
        "alcohol questions count in",
        max_length=3,
        choices=DrinkMeasure.choices,
        default=DrinkMeasure.WHO,
        help_text="Explained to the client above every AUDIT and AUDIT-C question. "
        "The AUDIT's own wording counts WHO standard drinks.",
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

    def appointment_purpose_list(self) -> list[str]:
        """The practice's own appointment purposes, in the order written."""
        seen: list[str] = []
        for line in self.appointment_purposes.splitlines():
            label = line.strip()
            if label and label not in seen:
                seen.append(label)
        return seen

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
        """The clinicians this supervisor currently supervises. Asked once per
        user object: a page asks it from several selectors, and the signed-in
        user is loaded afresh for every request."""
        if self.role != self.Role.SUPERVISOR:
            return []
        if "_supervisee_ids" not in self.__dict__:
            self._supervisee_ids = _current_supervisees(self.pk)
        return list(self._supervisee_ids)


@prepared
def _current_supervisees(supervisor_id: int) -> models.QuerySet[Supervision, int]:
    return Supervision.objects.filter(
        supervisor_id=supervisor_id, ended_at__isnull=True
    ).values_list("supervisee_id", flat=True)


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


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(UUIDModel):
    """A staff member's personal token for the REST API (docs/api.md).

    Only the SHA-256 of the secret is kept (the secret is shown once); the
    token acts as its user, with that user's permissions, limited by its
    scopes. Read through ``alliance.accounts.tokens.user_for_bearer``."""

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        READ_WRITE = "read-write", "Read and write"

    # The prefix tells a leaked secret apart from other strings (secret scanners).
    PREFIX = "alliance_"
    MAX_DAYS = 365

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.READ)
    # Progress-note bodies are served only to tokens with this scope.
    notes = models.BooleanField("progress-note bodies", default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @property
    def writes(self) -> bool:
        return self.scope == self.Scope.READ_WRITE

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"

    def scope_names(self) -> list[str]:
        names = ["read"] + (["write"] if self.writes else [])
        return names + (["notes"] if self.notes else [])
