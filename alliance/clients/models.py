"""Clients, their episodes of care, and informed consent.

An episode is one course of therapy with one primary clinician. It moves
through ``referral → assessment → active → termination → aftercare → closed``;
every move is checked by ``Episode.can_move_to`` and leaves an
``EpisodeTransition`` row.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from alliance.accounts.models import Invitation, Practice, User
from alliance.core.fields import EncryptedTextField
from alliance.core.models import UUIDModel
from alliance.core.prepared import first_of, prepared
from alliance.core.signatures import SignatureFields, content_digest
from alliance.core.urls import reverse_uuid

PORTAL_OPEN, PORTAL_READ, PORTAL_KEEPSAKES = "open", "read", "keepsakes"


def caseload_clinician_ids(user: User) -> list[int]:
    """The clinicians whose clients (in the user's practice) this user holds:
    themselves, plus their supervisees for a supervisor; none for anyone who
    holds no care (signed out, inactive, admins, clients). The caseload rule
    that ``in_caseload_q`` (behind every ``in_caseload_of``), ``in_caseload``
    and ``EpisodeQuerySet.open_in_caseload_of`` each ask in their own way."""
    if not user.is_authenticated or not user.is_active or not user.is_clinical:
        return []
    return [user.pk, *user.supervisee_ids()]


def clients_of_q(
    clinician_ids: list[int], practice_id: int | None, client: str = ""
) -> models.Q:
    """A filter on the client reached by the path ``client`` ("" for clients
    themselves, "client", "episode__client"): one of the practice's clients
    whose primary clinician is one of these. A condition on the joined
    client row, not ``client__in`` a subquery, so the database plans one
    join fewer on every list of the home (issue #13). Matches nothing for no
    clinicians. For ``filter()`` through single-valued paths, as every
    caller does: ``exclude()`` across a many-valued one would not mean the
    same as the subquery."""
    if not clinician_ids:
        return models.Q(pk__in=[])
    prefix = f"{client}__" if client else ""
    return models.Q(
        **{
            f"{prefix}practice_id": practice_id,
            f"{prefix}clinician_id__in": clinician_ids,
        }
    )


def in_caseload_q(user: User, client: str = "") -> models.Q:
    """The caseload rule as a filter on the client reached by the path
    ``client`` (``clients_of_q``): nothing for whoever holds no care."""
    practice_id = getattr(user, "practice_id", None)  # none when signed out
    return clients_of_q(caseload_clinician_ids(user), practice_id, client)


class ClientQuerySet(models.QuerySet["Client"]):
    def in_caseload_of(self, user: User) -> ClientQuerySet:
        """Clients whose care this user holds: their own, plus their supervisees'
        for a supervisor. Admins and clients hold none."""
        return self.filter(in_caseload_q(user))


def in_caseload(client: Client, user: User) -> bool:
    """``ClientQuerySet.in_caseload_of`` for a client already read: the same
    rule, asked of the row in hand instead of the database (a page's access
    check then costs no query; ``clients/tests/test_caseload_rule.py`` holds the two
    to the same answers)."""
    return (
        client.clinician_id in caseload_clinician_ids(user)
        and client.practice_id == user.practice_id
    )


class Client(UUIDModel):
    class ReferralSource(models.TextChoices):
        SELF = "self", "Self-referral"
        GP = "gp", "GP or primary care"
        PSYCHIATRY = "psychiatry", "Psychiatry or secondary care"
        EMPLOYER = "employer", "Employer or occupational health"
        EDUCATION = "education", "School, college or university"
        FAMILY = "family", "Family or friend"
        INSURER = "insurer", "Insurer"
        OTHER = "other", "Other"

    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="clients"
    )
    clinician = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="caseload",
        help_text="Primary clinician",
    )
    given_name = models.CharField("first name", max_length=100)
    family_name = models.CharField("last name", max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField()
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_relationship = models.CharField(max_length=100, blank=True)
    emergency_contact_phone = models.CharField(max_length=40, blank=True)
    referral_source = models.CharField(
        max_length=20, choices=ReferralSource.choices, default=ReferralSource.SELF
    )
    referral_reason = EncryptedTextField()
    # The client's own login for the portal, once invited.
    user = models.OneToOneField(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="client_record",
    )
    # The zone the client reads times in (portal); blank: the practice's.
    time_zone = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic lock for edits (core.versioning.save_if_current).
    version = models.PositiveIntegerField(default=1, editable=False)
    conflict_label = "This client record"
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse_uuid("chart:client", self.uuid)

    # The columns a row in a list of clients needs: its link, name and time
    # zone. ``listing_fields`` gives them for ``.only()``.
    LISTING_FIELDS = (
        "uuid",
        "practice",
        "given_name",
        "family_name",
        "preferred_name",
        "time_zone",
    )

    @classmethod
    def listing_fields(cls, path: str) -> tuple[str, ...]:
        """``LISTING_FIELDS`` under ``path`` (e.g. "episode__client"), for a
        home list that shows a client's name beside each row: it then reads
        six of the client's columns, not every one (issue #13)."""
        return (path, *(f"{path}__{name}" for name in cls.LISTING_FIELDS))

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}"

    @property
    def zone(self) -> ZoneInfo:
        """The zone the client sees times in: their own, else the practice's."""
        if self.time_zone:
            try:
                return ZoneInfo(self.time_zone)
            except (ValueError, KeyError):  # a bad stored name never breaks a page
                return self.practice.zone
        return self.practice.zone

    @property
    def audit_client_uuid(self) -> object:
        return self.uuid

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def refuse_unless_primary(self, by: User, doing: str) -> None:
        """Raise ValidationError unless ``by`` is this client's primary clinician
        (in the same practice): the one check every service that writes the
        client's record makes, with one wording."""
        if self.clinician_id != by.pk or self.practice_id != by.practice_id:
            raise ValidationError(f"Only the client's primary clinician can {doing}.")

    def portal_access(self, now: datetime | None = None) -> str:
        """What the client's portal allows now (``PORTAL_OPEN``, ``PORTAL_READ``
        or ``PORTAL_KEEPSAKES``).

        Open while an episode is open (or before the first one). Once the last
        episode closes the client may read their materials for the practice's
        ``portal_days_after_close``; after that only their keepsakes (coping
        toolbox, relapse-prevention plan, safety plan) stay.
        """
        until = self.portal_read_until()
        if until is None:
            return PORTAL_OPEN
        return PORTAL_READ if (now or timezone.now()) < until else PORTAL_KEEPSAKES

    def portal_read_until(self) -> datetime | None:
        """When read access to a closed episode's materials ends, or None while
        care is open. Asked once per Client object: the portal's pages ask it
        from the access check, the navigation and the page itself, on the
        client loaded for that request."""
        if "_portal_read_until" not in self.__dict__:
            self._read_portal_episode()
        return self._portal_read_until

    def portal_episode(self) -> Episode | None:
        """The open episode as the portal sees it, read with the access check
        (one query for both, once per Client object: a portal page's request
        loads its own). Not for code that changes episodes: ask
        ``current_episode()``, which always reads afresh."""
        if "_portal_episode" not in self.__dict__:
            self._read_portal_episode()
        return self._portal_episode

    def _read_portal_episode(self) -> None:
        latest = _portal_episode.first(self.pk)
        if latest is not None:
            latest.client = self
        self._portal_episode = None
        self._portal_read_until = None
        if latest is not None and latest.phase != Episode.Phase.CLOSED:
            self._portal_episode = latest
        elif latest is not None and latest.closed_at is not None:
            self._portal_read_until = latest.closed_at + timedelta(
                days=self.practice.portal_days_after_close
            )

    def portal_invitation(self) -> Invitation | None:
        """The latest portal invitation sent to this client, if any."""
        return (
            Invitation.objects.filter(client_uuid=self.uuid)
            .order_by("-created_at")
            .first()
        )

    def current_episode(self) -> Episode | None:
        episode = _current_episode.first(self.pk)
        if episode is not None:
            episode.client = self
        return episode


@prepared
def _current_episode(client_id: int) -> models.QuerySet[Episode]:
    return first_of(Episode.objects.filter(client_id=client_id).open())


@prepared
def _portal_episode(client_id: int) -> models.QuerySet[Episode]:
    """The open episode first (a client has at most one), else the latest."""
    return first_of(
        Episode.objects.filter(client_id=client_id).order_by(
            models.Case(
                models.When(phase=Episode.Phase.CLOSED, then=1),
                default=0,
                output_field=models.IntegerField(),
            ),
            "-opened_at",
        )
    )


class EpisodeQuerySet(models.QuerySet["Episode"]):
    def open(self) -> EpisodeQuerySet:
        return self.exclude(phase=Episode.Phase.CLOSED)

    def in_caseload_of(self, user: User) -> EpisodeQuerySet:
        return self.filter(in_caseload_q(user, "client"))

    def count_by_phase(self) -> dict[str, int]:
        """How many of these episodes are in each phase (phases with none
        left out). COUNT(*), so a clinician's open episodes are counted from
        the ``open_episode_by_clinician`` index alone."""
        return dict(self.phase_counts())

    def phase_counts(self) -> models.QuerySet[Episode, tuple[str, int]]:
        """(phase, count) rows: the query ``count_by_phase`` reads, for a
        prepared builder to return."""
        return self.values_list("phase").annotate(n=models.Count("*")).order_by()

    def open_of_clinicians(self, clinician_ids: list[int]) -> EpisodeQuerySet:
        """Open episodes held by one of these clinicians."""
        return self.open().filter(clinician_id__in=clinician_ids)

    def open_in_caseload_of(self, user: User) -> EpisodeQuerySet:
        """``in_caseload_of(user).open()``, read from the episodes alone: an
        open episode's clinician is its client's primary clinician
        (``services.open_episode`` and ``change_clinician`` keep it so), and
        a clinician's clients are of their practice. Counting a large
        caseload by phase then reads one table, not a join of two (issue
        #13); ``clients/tests/test_caseload_rule.py`` holds the two to the
        same rows."""
        clinician_ids = caseload_clinician_ids(user)
        if not clinician_ids:
            return self.none()
        return self.open_of_clinicians(clinician_ids)


def open_episodes_by_phase(user: User) -> dict[str, int]:
    """``Episode.objects.open_in_caseload_of(user).count_by_phase()``, its
    SQL compiled once (the home's caseload card)."""
    return dict(_open_by_phase(caseload_clinician_ids(user)))


@prepared
def _open_by_phase(
    clinician_ids: list[int],
) -> models.QuerySet[Episode, tuple[str, int]]:
    return Episode.objects.open_of_clinicians(clinician_ids).phase_counts()


class DischargeReason(models.TextChoices):
    """Why an episode closed, recorded when it closes. The first two are
    planned endings; the rest are unplanned."""

    COMPLETED = "completed", "Completed treatment as planned"
    MUTUAL = "mutual", "Ended early by mutual agreement"
    CLIENT_ENDED = "client_ended", "Client chose to stop"
    DROPPED_OUT = "dropped_out", "Client stopped attending"
    MOVED = "moved", "Client moved away"
    REFERRED_ON = "referred_on", "Referred on to another service"
    NOT_SUITABLE = "not_suitable", "Assessed as not needing or suited to treatment"
    OTHER = "other", "Other"

    @classmethod
    def planned(cls) -> set[str]:
        return {cls.COMPLETED, cls.MUTUAL}


class Episode(UUIDModel):
    DischargeReason = DischargeReason

    class Phase(models.TextChoices):
        REFERRAL = "referral", "Referral"
        ASSESSMENT = "assessment", "Assessment"
        ACTIVE = "active", "Active treatment"
        TERMINATION = "termination", "Termination"
        AFTERCARE = "aftercare", "Aftercare"
        CLOSED = "closed", "Closed"

    # Treatment is over in these phases: no between-session work goes on.
    ENDED_PHASES: tuple[str, ...] = (Phase.AFTERCARE, Phase.CLOSED)

    # Which moves are possible at all. Going back to active from termination or
    # aftercare re-opens treatment (e.g. after deterioration at follow-up).
    ALLOWED_MOVES: dict[str, tuple[str, ...]] = {
        Phase.REFERRAL: (Phase.ASSESSMENT, Phase.CLOSED),
        Phase.ASSESSMENT: (Phase.ACTIVE, Phase.CLOSED),
        Phase.ACTIVE: (Phase.TERMINATION,),
        Phase.TERMINATION: (Phase.AFTERCARE, Phase.CLOSED, Phase.ACTIVE),
        Phase.AFTERCARE: (Phase.CLOSED, Phase.ACTIVE),
        Phase.CLOSED: (),
    }

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="episodes"
    )
    clinician = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="episodes"
    )
    phase = models.CharField(
        max_length=20, choices=Phase.choices, default=Phase.REFERRAL
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    previous_episode = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    discharge_reason = models.CharField(
        max_length=20, choices=DischargeReason.choices, blank=True, default=""
    )

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=~models.Q(phase="closed"),
                name="one_open_episode_per_client",
            )
        ]
        indexes = [
            # The home's caseload by phase counts a clinician's open episodes
            # from this index alone (an index-only scan, not a read of every
            # episode row: issue #13).
            models.Index(
                fields=["clinician", "phase"],
                condition=~models.Q(phase="closed"),
                name="open_episode_by_clinician",
            )
        ]

    def __str__(self) -> str:
        return f"Episode {self.opened_at:%Y-%m-%d} ({self.get_phase_display()})"

    def get_absolute_url(self) -> str:
        return reverse_uuid("chart:client", self.client.uuid)

    @property
    def audit_client_uuid(self) -> object:
        return self.client.uuid

    @property
    def is_open(self) -> bool:
        return self.phase != self.Phase.CLOSED

    @property
    def treatment_ended(self) -> bool:
        """In aftercare or closed: homework and other between-session work
        stop until treatment is re-opened."""
        return self.phase in self.ENDED_PHASES

    def active_consent(self) -> Consent | None:
        # The chart prefetches every episode's consents: no second query then.
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("consents")
        if prefetched is not None:
            active = [c for c in prefetched if c.withdrawn_at is None]
            return max(active, key=lambda c: c.given_at, default=None)
        return (
            self.consents.filter(withdrawn_at__isnull=True)
            .select_related("consent_text", "recorded_by")
            .order_by("-given_at")
            .first()
        )

    def unsigned_note_count(self) -> int:
        # Progress notes live in the notes app; reached by reverse relation so
        # this model never imports a later app.
        return self.progress_notes.filter(signed_at__isnull=True).count()

    def next_phases(self) -> tuple[str, ...]:
        return self.ALLOWED_MOVES[self.phase]

    def can_move_to(self, phase: str) -> str | None:
        """Return why the move is refused, or None when it is allowed."""
        if phase not in self.Phase.values:
            return f"“{phase}” is not a phase of care."
        if phase == self.phase:
            return f"The episode is already in {self.get_phase_display().lower()}."
        if phase not in self.ALLOWED_MOVES[self.phase]:
            label = self.Phase(phase).label.lower()
            return (
                f"An episode cannot move from {self.get_phase_display().lower()} "
                f"to {label}."
            )
        if phase == self.Phase.ACTIVE and self.active_consent() is None:
            return (
                "Treatment cannot start without the client's informed consent: "
                "record consent first."
            )
        if phase in self.ENDED_PHASES and self.open_high_alerts().exists():
            label = self.Phase(phase).label.lower()
            return (
                "The client has an open high-risk alert: read it and record the "
                f"action taken before moving the episode to {label}."
            )
        if phase == self.Phase.CLOSED and (n := self.unsigned_note_count()):
            return (
                f"The episode has {n} unsigned progress note{'s' if n != 1 else ''}: "
                "sign them before closing."
            )
        if phase == self.Phase.CLOSED and (n := self.future_appointment_count()):
            return (
                f"The client still has {n} booked appointment{'s' if n != 1 else ''} "
                "to come: cancel them before closing the episode."
            )
        return None

    def future_appointments(self) -> models.QuerySet:
        """Booked appointments still to come, earliest first."""
        # Appointments live in the scheduling app; reached by reverse relation.
        return self.appointments.filter(
            status="booked", starts_at__gt=timezone.now()
        ).order_by("starts_at")

    def future_appointment_count(self) -> int:
        return self.future_appointments().count()

    def open_high_alerts(self) -> models.QuerySet:
        """The client's unacknowledged high-risk alerts, from this episode or
        any other: aftercare and closing wait for them."""
        # Alerts live in the alerts app; reached by reverse relation.
        return self.client.risk_alerts.filter(
            acknowledged_at__isnull=True, severity="high"
        ).order_by("raised_at")


class EpisodeTransition(UUIDModel):
    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="transitions"
    )
    from_phase = models.CharField(
        max_length=20, choices=Episode.Phase.choices, blank=True
    )
    to_phase = models.CharField(max_length=20, choices=Episode.Phase.choices)
    reason = EncryptedTextField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_phase or 'new'} → {self.to_phase}"

    @property
    def audit_client_uuid(self) -> object:
        return self.episode.client.uuid


class ClinicianChange(UUIDModel):
    """The client's primary clinician changed (a colleague takes over, a
    clinician leaves). Shown in the client's timeline under the episode that
    was open, or the latest one."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="clinician_changes"
    )
    episode = models.ForeignKey(
        Episode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clinician_changes",
    )
    from_clinician = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    to_clinician = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    client_path = "client"

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_clinician} → {self.to_clinician}"


class ConsentText(UUIDModel):
    """A version of the practice's informed-consent and confidentiality agreement.
    Edits create a new version; consents keep pointing at the one signed."""

    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="consent_texts"
    )
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "version"], name="one_consent_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def content_digest(self) -> str:
        """SHA-256 of this version's canonical text (core.signatures); a new
        version, even with the same words, has another digest."""
        return content_digest(
            {
                "document": "consent",
                "version": self.version,
                "title": self.title,
                "body": self.body,
            }
        )


class Consent(SignatureFields, UUIDModel):
    client_path = "episode__client"

    class Method(models.TextChoices):
        SIGNED_PAPER = "signed_paper", "Signed on paper"
        SIGNED_ELECTRONIC = "signed_electronic", "Signed electronically"
        VERBAL = "verbal", "Given verbally and recorded"

    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="consents"
    )
    consent_text = models.ForeignKey(
        ConsentText, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=20, choices=Method.choices)
    given_at = models.DateTimeField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"Consent to {self.consent_text}"

    @property
    def newer_text(self) -> ConsentText | None:
        """The practice's newest consent text when it is newer than the one
        this consent was given to (a signature counts for its version only)."""
        newest = ConsentText.objects.filter(
            practice_id=self.consent_text.practice_id
        ).first()
        if newest and newest.version > self.consent_text.version:
            return newest
        return None
