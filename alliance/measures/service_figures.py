"""Service figures beside the outcomes: waiting times, attendance, aftercare
follow-ups, and one row per episode for a dataset return.

Appointments and follow-ups belong to scheduling and aftercare; they are
reached through Episode's and Administration's reverse relations so measures
never imports those apps' models. Every figure is for the episodes (or
appointments) of the clinicians in scope: the whole practice, or the
clinicians whose rows the page shows.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from alliance.accounts.models import Practice, User
from alliance.clients.models import Episode
from alliance.measures.models import Administration
from alliance.measures.nhs import GAD7_CASENESS, MIN_SESSIONS, PHQ9_CASENESS
from alliance.measures.outcomes import (
    TREATMENT,
    EpisodeOutcome,
    episode_outcomes,
    treatment_end,
)

# NHS Talking Therapies waiting-time standards. [V] NHS England, service
# standards: "75% of people referred to IAPT services should start treatment
# within 6 weeks of referral, and 95% should start treatment within 18 weeks
# of referral". [V] NHS Digital, waiting times (e.g. December 2020): "for
# referrals finishing a course of treatment in the month ... based on the
# waiting time between the referral date and the first attended treatment
# appointment"; rate = Count_FirstTreatment6WeeksFinishedCourseTreatment /
# Count_FinishedCourseTreatment × 100 (44,642 / 48,111 = 92.8 %).
WAIT_WEEKS = (6, 18)
WAIT_STANDARD = {6: 75, 18: 95}
# A cancellation this close to the start is late: the practice's cancellation
# notice (Practice.cancel_notice_hours, default 24 hours, a convention common in
# UK private practice; not an NHS definition). An appointment cancelled late at
# the client's request has its own status (scheduling: late_cancelled).
LATE_CANCEL_HOURS = 24
CANCELLED = ("cancelled", "late_cancelled")
# Follow-ups reported for sustained recovery (the practice's default months).
FOLLOW_UP_MONTHS = (1, 3, 6)
ASSESSMENT = "assessment"


def _scoped(queryset: QuerySet, people: User | Collection[User] | None) -> QuerySet:
    """Only the episodes of ``people`` (one clinician or several), or all."""
    if people is None:
        return queryset
    if isinstance(people, User):
        people = [people]
    return queryset.filter(clinician__in=people)


# --- one row per episode ----------------------------------------------------------


@dataclass(frozen=True)
class EpisodeRecord:
    """What a dataset return needs about one episode; no names."""

    episode_id: int
    pseudonym: str
    clinician_id: int
    referred_at: datetime
    assessed_at: datetime | None
    first_treatment_at: datetime | None
    ended_at: datetime | None
    end_reason: str
    sessions: int
    did_not_attend: int
    cancelled: int
    outcome: EpisodeOutcome | None

    @property
    def finished_course(self) -> bool:
        return self.ended_at is not None and self.sessions >= MIN_SESSIONS

    def days_to(self, moment: datetime | None) -> int | None:
        return None if moment is None else (moment - self.referred_at).days


def pseudonym(episode_uuid: object) -> str:
    """A stable id for the episode in exports that cannot be turned back into
    the episode without the server's secret key."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"outcomes-episode:{episode_uuid}".encode(),
        hashlib.sha256,
    ).hexdigest()
    return f"E{digest[:16].upper()}"


def episode_records(
    practice: Practice,
    *,
    clinician: User | Collection[User] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[EpisodeRecord]:
    """Episodes whose treatment ended in the period, then every open one, in
    two queries."""
    held = Q(appointments__status="held")
    episodes = (
        _scoped(Episode.objects.filter(client__practice=practice), clinician)
        .annotate(
            ended_at=treatment_end(),
            assessed_at=Min(
                "appointments__starts_at",
                filter=held & Q(appointments__purpose=ASSESSMENT),
            ),
            first_treatment_at=Min(
                "appointments__starts_at",
                filter=held & Q(appointments__purpose=TREATMENT),
            ),
            sessions=Count(
                "appointments", filter=held & Q(appointments__purpose=TREATMENT)
            ),
            did_not_attend=Count(
                "appointments", filter=Q(appointments__status="no_show")
            ),
            cancelled=Count(
                "appointments", filter=Q(appointments__status__in=CANCELLED)
            ),
        )
        .order_by("opened_at", "pk")
    )
    period = Q(ended_at__isnull=True)
    ended = Q(ended_at__isnull=False)
    if since is not None:
        ended &= Q(ended_at__gte=since)
    if until is not None:
        ended &= Q(ended_at__lt=until)
    rows = list(episodes.filter(period | ended))
    outcomes = {
        o.episode_id: o
        for o in episode_outcomes(
            Episode.objects.filter(pk__in=[e.pk for e in rows]),
            since=since,
            until=until,
        )
    }
    records = [
        EpisodeRecord(
            episode_id=e.pk,
            pseudonym=pseudonym(e.uuid),
            clinician_id=e.clinician_id,
            referred_at=e.opened_at,
            assessed_at=e.assessed_at,
            first_treatment_at=e.first_treatment_at,
            ended_at=e.ended_at,
            end_reason=e.get_discharge_reason_display() if e.ended_at else "",
            sessions=e.sessions,
            did_not_attend=e.did_not_attend,
            cancelled=e.cancelled,
            outcome=outcomes.get(e.pk),
        )
        for e in rows
    ]
    return sorted(records, key=lambda r: (r.ended_at is None, r.referred_at))


# --- waiting times -----------------------------------------------------------------


@dataclass(frozen=True)
class Waits:
    """Waits from referral, in days, over finished courses in the period."""

    courses: int
    to_assessment: list[int]
    to_treatment: list[int]

    @property
    def median_to_assessment(self) -> float | None:
        return median(self.to_assessment) if self.to_assessment else None

    @property
    def median_to_treatment(self) -> float | None:
        return median(self.to_treatment) if self.to_treatment else None

    def within(self, weeks: int) -> tuple[int, float | None]:
        """How many started treatment within ``weeks`` of referral, and the
        per cent of those with a first treatment date."""
        count = sum(1 for days in self.to_treatment if days <= 7 * weeks)
        n = len(self.to_treatment)
        return count, (100 * count / n if n else None)

    @property
    def standards(self) -> list[dict[str, Any]]:
        rows = []
        for weeks in WAIT_WEEKS:
            count, percent = self.within(weeks)
            rows.append(
                {
                    "weeks": weeks,
                    "count": count,
                    "of": len(self.to_treatment),
                    "percent": percent,
                    "standard": WAIT_STANDARD[weeks],
                    "met": percent is not None and percent >= WAIT_STANDARD[weeks],
                }
            )
        return rows


def waits(records: list[EpisodeRecord]) -> Waits:
    courses = [r for r in records if r.finished_course]
    return Waits(
        courses=len(courses),
        to_assessment=[
            d for r in courses if (d := r.days_to(r.assessed_at)) is not None
        ],
        to_treatment=[
            d for r in courses if (d := r.days_to(r.first_treatment_at)) is not None
        ],
    )


# --- attendance --------------------------------------------------------------------


@dataclass(frozen=True)
class Attendance:
    """Past appointments that started in the period, by what happened."""

    booked: int
    held: int
    did_not_attend: int
    cancelled: int
    late_cancelled: int
    notice_hours: int = LATE_CANCEL_HOURS

    def percent(self, count: int) -> float | None:
        return 100 * count / self.booked if self.booked else None

    @property
    def rates(self) -> list[tuple[str, int, float | None]]:
        return [
            ("Held", self.held, self.percent(self.held)),
            ("Did not attend", self.did_not_attend, self.percent(self.did_not_attend)),
            ("Cancelled", self.cancelled, self.percent(self.cancelled)),
            (
                f"of which late (under {self.notice_hours} hours' notice)",
                self.late_cancelled,
                self.percent(self.late_cancelled),
            ),
        ]


def late_cancellation(notice_hours: int, *, prefix: str = "") -> Q:
    """Appointments cancelled late, as a filter (``prefix`` reaches them from
    another model, e.g. ``"appointments__"`` from episodes): cancelled late at
    the client's request (``late_cancelled``), or cancelled less than
    ``notice_hours`` before the start. The one definition of a late
    cancellation; the practice reports count with it too."""
    return Q(**{f"{prefix}status": "late_cancelled"}) | Q(
        **{
            f"{prefix}status": "cancelled",
            f"{prefix}cancelled_at__gt": F(f"{prefix}starts_at")
            - timedelta(hours=notice_hours),
        }
    )


def attendance(
    practice: Practice,
    *,
    clinician: User | Collection[User] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
) -> Attendance:
    """Appointments of the practice's episodes that started in the period and
    before ``now``, in one query."""
    now = now or timezone.now()
    window = Q(appointments__starts_at__lt=now if until is None else min(now, until))
    if since is not None:
        window &= Q(appointments__starts_at__gte=since)
    notice = getattr(practice, "cancel_notice_hours", LATE_CANCEL_HOURS)
    late = late_cancellation(notice, prefix="appointments__")
    counts = _scoped(
        Episode.objects.filter(client__practice=practice), clinician
    ).aggregate(
        booked=Count("appointments", filter=window),
        held=Count("appointments", filter=window & Q(appointments__status="held")),
        did_not_attend=Count(
            "appointments", filter=window & Q(appointments__status="no_show")
        ),
        cancelled=Count(
            "appointments", filter=window & Q(appointments__status__in=CANCELLED)
        ),
        late_cancelled=Count("appointments", filter=window & late),
    )
    return Attendance(**counts, notice_hours=notice)


# --- sustained recovery at aftercare follow-ups ------------------------------------


@dataclass(frozen=True)
class Sustained:
    months: int
    followed_up: int
    still_recovered: int

    @property
    def percent(self) -> float | None:
        if not self.followed_up:
            return None
        return 100 * self.still_recovered / self.followed_up


def sustained_recovery(records: list[EpisodeRecord]) -> list[Sustained]:
    """Of the finished courses that recovered, those whose PHQ-9 and GAD-7
    at each follow-up are still below caseness, in one query. Follow-up
    scores never replace the end-of-treatment scores."""
    recovered = [
        r.episode_id
        for r in records
        if r.outcome is not None and r.outcome.outcome.get("recovery")
    ]
    scores: dict[tuple[int, int], dict[str, float]] = {}
    rows = (
        Administration.objects.current()
        .submitted()
        .filter(
            episode_id__in=recovered,
            instrument__in=("phq9", "gad7"),
            total__isnull=False,
            followups__months__in=FOLLOW_UP_MONTHS,
        )
        .order_by("taken_at", "pk")
        .values_list("episode_id", "followups__months", "instrument", "total")
    )
    for episode_id, months, code, total in rows:
        scores.setdefault((episode_id, months), {})[code] = total  # type: ignore[assignment]  # filtered on total__isnull=False
    result = []
    for months in FOLLOW_UP_MONTHS:
        pairs = [
            s
            for (_, m), s in scores.items()
            if m == months and {"phq9", "gad7"} <= set(s)
        ]
        still = sum(
            1 for s in pairs if s["phq9"] < PHQ9_CASENESS and s["gad7"] < GAD7_CASENESS
        )
        result.append(Sustained(months, len(pairs), still))
    return result
