"""The counting behind the practice reports: each report is a ``Table`` (the
same rows on the page and in its CSV), counted in the database with grouped
aggregates, a fixed number of queries whatever the caseload.

Whose figures are counted is decided in ``alliance.permissions.report_scope``;
the views pass the clinicians in. One place for each idea: late
cancellations and waiting times are the outcomes page's
(``alliance.measures.service_figures``), the period's bounds its
``outcomes.period_bounds``, planned endings the termination app's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek
from django.utils import timezone

from alliance.accounts.models import Practice, User
from alliance.clients.models import DischargeReason, Episode, EpisodeTransition
from alliance.measures import service_figures
from alliance.measures.outcomes import period_bounds
from alliance.scheduling.models import Appointment
from alliance.termination.models import PLANNED_REASONS

OPEN_PHASES = [p for p in Episode.Phase if p != Episode.Phase.CLOSED]
MONTH, WEEK = "month", "week"


@dataclass(frozen=True)
class Period:
    """Whole days from ``start`` to ``end`` (both included; either may be
    open), with their bounds as aware datetimes in the practice's zone:
    ``since`` included, ``until`` (the next day's midnight) excluded."""

    start: date | None
    end: date | None
    since: datetime | None
    until: datetime | None

    @classmethod
    def of(cls, practice: Practice, start: date | None, end: date | None) -> Period:
        since, until = period_bounds(practice, start, end)
        return cls(start, end, since, until)

    @property
    def label(self) -> str:
        if self.start and self.end:
            return f"from {_day(self.start)} to {_day(self.end)}"
        if self.start:
            return f"from {_day(self.start)}"
        if self.end:
            return f"up to {_day(self.end)}"
        return "for all time"


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


@dataclass
class Table:
    """A report's columns, rows and totals, as the page and the CSV show them."""

    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    totals: list[Any] | None = None

    def csv_rows(self) -> list[list[Any]]:
        return [*self.rows, *([self.totals] if self.totals else [])]


def _shown(clinicians: Sequence[User], with_figures: set[int]) -> list[User]:
    """The clinicians who get a row: those still working, and former staff
    with figures to show."""
    return [c for c in clinicians if c.is_active or c.pk in with_figures]


def _in_period(period: Period, name: str) -> Q:
    q = Q()
    if period.since is not None:
        q &= Q(**{f"{name}__gte": period.since})
    if period.until is not None:
        q &= Q(**{f"{name}__lt": period.until})
    return q


# --- caseload ----------------------------------------------------------------------


def caseload(
    practice: Practice,
    clinicians: Sequence[User],
    period: Period,
    *,
    now: datetime | None = None,
) -> Table:
    """Open episodes by phase and clinician as they stood at the end of the
    period (now when it has no end), from the phase moves recorded
    (``EpisodeTransition``; an episode with none counts in its present phase),
    and the episodes opened in the period. One query."""
    as_at = period.until or now or timezone.now()
    last_move = (
        EpisodeTransition.objects.filter(episode=OuterRef("pk"), at__lt=as_at)
        .order_by("-at", "-pk")
        .values("to_phase")[:1]
    )
    counts: dict[int, dict[str, Any]] = {
        row["clinician_id"]: dict(row)
        for row in Episode.objects.filter(
            client__practice=practice, clinician__in=clinicians, opened_at__lt=as_at
        )
        .annotate(phase_then=Coalesce(Subquery(last_move), F("phase")))
        .values("clinician_id")
        .annotate(
            **{
                str(phase): Count("pk", filter=Q(phase_then=phase))
                for phase in OPEN_PHASES
            },
            opened=Count("pk", filter=_in_period(period, "opened_at")),
        )
        .order_by()
    }
    table = Table(
        [
            "Clinician",
            *(str(phase.label) for phase in OPEN_PHASES),
            "Open episodes",
            "Opened in the period",
        ]
    )
    totals = [0] * (len(OPEN_PHASES) + 2)
    with_figures = {pk for pk, row in counts.items() if any(_figures(row))}
    for clinician in _shown(clinicians, with_figures):
        row = counts.get(clinician.pk, {})
        figures: list[int] = [row.get(str(phase), 0) for phase in OPEN_PHASES]
        figures += [sum(figures), row.get("opened", 0)]
        totals = [a + b for a, b in zip(totals, figures, strict=True)]
        table.rows.append([clinician.full_name, *figures])
    table.totals = ["Total", *totals]
    return table


def _figures(row: dict[str, Any]) -> list[int]:
    return [value for key, value in row.items() if key != "clinician_id"]


# --- attendance --------------------------------------------------------------------

ATTENDANCE_COLUMNS = [
    "Held",
    "Cancelled with notice",
    "Cancelled late",
    "Did not attend",
    "Not yet recorded",
    "Appointments",
]


def attendance(
    practice: Practice,
    clinicians: Sequence[User],
    period: Period,
    *,
    by: str = MONTH,
    now: datetime | None = None,
) -> Table:
    """Appointments on the clinicians' calendars that started in the period
    and before now, by month or week (in the practice's zone) and clinician:
    held, cancelled with notice, cancelled late (the outcomes page's rule:
    ``service_figures.late_cancellation`` with the practice's notice), did not
    attend, and still booked (no outcome recorded yet). One query."""
    now = now or timezone.now()
    window = Q(starts_at__lt=now if period.until is None else min(now, period.until))
    if period.since is not None:
        window &= Q(starts_at__gte=period.since)
    trunc = TruncWeek if by == WEEK else TruncMonth
    S = Appointment.Status
    rows = (
        Appointment.objects.filter(
            window, client__practice=practice, clinician__in=clinicians
        )
        .annotate(bucket=trunc("starts_at", tzinfo=practice.zone))
        .values("bucket", "clinician_id")
        .annotate(
            held=Count("pk", filter=Q(status=S.HELD)),
            cancelled=Count("pk", filter=Q(status__in=service_figures.CANCELLED)),
            late=Count(
                "pk",
                filter=service_figures.late_cancellation(practice.cancel_notice_hours),
            ),
            no_show=Count("pk", filter=Q(status=S.NO_SHOW)),
            booked=Count("pk", filter=Q(status=S.BOOKED)),
            total=Count("pk"),
        )
        .order_by("bucket")
    )
    names = {c.pk: c.full_name for c in clinicians}
    table = Table(["Period", "Clinician", *ATTENDANCE_COLUMNS])
    totals = [0] * len(ATTENDANCE_COLUMNS)
    lines = []
    for row in rows:
        figures = [
            row["held"],
            row["cancelled"] - row["late"],
            row["late"],
            row["no_show"],
            row["booked"],
            row["total"],
        ]
        totals = [a + b for a, b in zip(totals, figures, strict=True)]
        start = timezone.localtime(row["bucket"], practice.zone).date()
        lines.append(
            (start, names[row["clinician_id"]], [_bucket(start, by), *figures])
        )
    for _, name, (label, *figures) in sorted(lines, key=lambda x: x[:2]):
        table.rows.append([label, name, *figures])
    table.totals = ["Total", "", *totals]
    return table


def _bucket(start: date, by: str) -> str:
    return f"Week of {start.isoformat()}" if by == WEEK else f"{start:%Y-%m}"


# --- waiting times -----------------------------------------------------------------


def waiting_times(
    practice: Practice, clinicians: Sequence[User], period: Period
) -> Table:
    """Days from referral to the first held assessment and to the first held
    treatment session, over the courses finished in the period (the outcomes
    page's waits: ``service_figures.waits``), by clinician and in all, with
    the NHS Talking Therapies 6- and 18-week standards."""
    records = service_figures.episode_records(
        practice, clinician=list(clinicians), since=period.since, until=period.until
    )
    by_clinician: dict[int, list[service_figures.EpisodeRecord]] = defaultdict(list)
    for r in records:
        by_clinician[r.clinician_id].append(r)
    table = Table(
        [
            "Clinician",
            "Finished courses",
            "With an assessment",
            "Median days to assessment",
            "Longest days to assessment",
            "With a first treatment session",
            "Median days to first treatment",
            "Longest days to first treatment",
            "Started within 6 weeks",
            "Started within 18 weeks",
        ]
    )
    with_figures = {pk for pk, rs in by_clinician.items() if any(_finished(rs))}
    for clinician in _shown(clinicians, with_figures):
        waits = service_figures.waits(by_clinician.get(clinician.pk, []))
        table.rows.append([clinician.full_name, *_wait_figures(waits)])
    table.totals = ["Total", *_wait_figures(service_figures.waits(records))]
    return table


def _finished(records: list[service_figures.EpisodeRecord]) -> list[bool]:
    return [r.finished_course for r in records]


def _wait_figures(waits: service_figures.Waits) -> list[Any]:
    within = []
    for weeks in service_figures.WAIT_WEEKS:
        count, percent = waits.within(weeks)
        within.append("" if percent is None else f"{count} ({percent:.0f}%)")
    return [
        waits.courses,
        len(waits.to_assessment),
        _number(waits.median_to_assessment),
        max(waits.to_assessment, default=""),
        len(waits.to_treatment),
        _number(waits.median_to_treatment),
        max(waits.to_treatment, default=""),
        *within,
    ]


def _number(value: float | None) -> Any:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else round(value, 1)


# --- discharges --------------------------------------------------------------------


def discharges(practice: Practice, clinicians: Sequence[User], period: Period) -> Table:
    """Episodes closed in the period, by the discharge reason recorded when
    they closed (one row a reason, planned endings first as the termination
    app counts them) and clinician. One query."""
    counts: dict[tuple[str, int], int] = {
        (row["discharge_reason"], row["clinician_id"]): row["n"]
        for row in Episode.objects.filter(
            _in_period(period, "closed_at"),
            client__practice=practice,
            clinician__in=clinicians,
            phase=Episode.Phase.CLOSED,
        )
        .values("discharge_reason", "clinician_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    shown = _shown(clinicians, {pk for _, pk in counts})
    table = Table(["Reason", "Ending", *(c.full_name for c in shown), "Total"])
    reasons: list[tuple[str, str]] = list(DischargeReason.choices)
    if any(reason == "" for reason, _ in counts):
        reasons.append(("", "No reason recorded"))
    totals = [0] * (len(shown) + 1)
    for value, label in reasons:
        figures = [counts.get((value, c.pk), 0) for c in shown]
        figures.append(sum(n for (r, _), n in counts.items() if r == value))
        totals = [a + b for a, b in zip(totals, figures, strict=True)]
        ending = "Planned" if value in PLANNED_REASONS else "Unplanned" if value else ""
        table.rows.append([label, ending, *figures])
    table.totals = ["Total", "", *totals]
    return table
