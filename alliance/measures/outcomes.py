"""NHS Talking Therapies outcomes for episodes and for a practice, computed in
the database.

Per episode, on the PHQ-9 + GAD-7 pair: the first and last current scores
(submitted, not replaced by a correction; ordered by when the client answered),
how many there are, when the last was taken, and how many treatment sessions
were held (appointments marked held). ``alliance.measures.nhs`` defines the
outcomes; this module only gathers the numbers for it:

- ``episode_outcomes`` returns one ``EpisodeOutcome`` per episode, classified
  in Python by ``nhs_outcome`` (for one episode, a list, or checking);
- ``practice_outcomes`` returns counts and rates per clinician and for the
  whole practice from one query that classifies in SQL, so 100,000 episodes
  never bring a million scores into Python. Its CASE expressions are the rules
  of ``nhs_outcome`` written in SQL; a test compares the two on random data.

An episode has *paired scores* when it has at least two current scores on each
of the PHQ-9 and the GAD-7 (first and last then come from different
occasions). A *period* selects episodes by their last PHQ-9 or GAD-7 score:
``since <= last score < until``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    RowRange,
    Value,
    Window,
)
from django.db.models.functions import FirstValue, LastValue, RowNumber

from alliance.accounts.models import Practice, User
from alliance.clients.models import Episode
from alliance.measures.models import Administration
from alliance.measures.nhs import (
    GAD7_CASENESS,
    GAD7_RELIABLE,
    MIN_SESSIONS,
    PHQ9_CASENESS,
    PHQ9_RELIABLE,
    nhs_outcome,
    nhs_rates_from_counts,
)

PHQ9, GAD7 = "phq9", "gad7"
# Below this many referrals a rate moves a lot with one episode either way.
UNSTABLE_BELOW = 10
COUNTS = (
    "paired",
    "finished",
    "at_caseness",
    "recovered",
    "reliably_improved",
    "reliably_deteriorated",
    "reliably_recovered",
)


# --- the per-episode numbers, as SQL -----------------------------------------------


def _score_rows(scores: QuerySet[Administration]) -> QuerySet[Any, Any]:
    """One row per episode and measure: first and last total, how many, when
    the last was taken. One sort of the scores serves every window."""
    window: dict[str, Any] = {
        "partition_by": [F("episode_id"), F("instrument")],
        "order_by": [F("taken_at").asc(), F("id").asc()],
        "frame": RowRange(start=None, end=None),
    }
    # The rows of Administration.objects.current(), written as NOT EXISTS
    # rather than its LEFT JOIN: PostgreSQL then plans an anti-join, about a
    # third faster on a million scores.
    replaced = Administration.objects.filter(corrects=OuterRef("pk"))
    return (
        scores.submitted()  # type: ignore[attr-defined]  # an AdministrationQuerySet
        .exclude(Exists(replaced))
        .filter(instrument__in=(PHQ9, GAD7), total__isnull=False)
        .annotate(
            first_total=Window(FirstValue("total"), **window),
            last_total=Window(LastValue("total"), **window),
            score_count=Window(Count("id"), **window),
            last_taken=Window(Max("taken_at"), **window),
            place=Window(RowNumber(), **window),
        )
        .filter(place=1)
        .order_by()
        .values(
            "episode_id",
            "instrument",
            "first_total",
            "last_total",
            "score_count",
            "last_taken",
        )
    )


def _session_rows(episodes: QuerySet[Episode]) -> QuerySet[Any, Any]:
    # Appointments belong to scheduling; reached through Episode's reverse
    # relation so measures never imports scheduling's models.
    return (
        episodes.order_by()
        .values("pk", "clinician_id")
        .annotate(sessions=Count("appointments", filter=Q(appointments__status="held")))
    )


def _episode_sql(
    episodes: QuerySet[Episode],
    scores: QuerySet[Administration],
    *,
    since: datetime | None,
    until: datetime | None,
) -> tuple[str, list[Any]]:
    """SQL for one row per episode with scores (episode_id, clinician_id,
    sessions, phq9_first … gad7_count, last_taken), and its parameters.

    ``scores`` must hold the administrations of ``episodes`` (callers pass
    the cheapest filter that does). The inner queries come from the ORM; only
    the pivot from one row per measure to one row per episode is written here.
    """
    score_sql, score_params = _score_rows(scores).query.sql_with_params()
    session_sql, session_params = _session_rows(episodes).query.sql_with_params()
    columns, params = [], []
    for code in (PHQ9, GAD7):
        for name, source in (
            ("first", "first_total"),
            ("last", "last_total"),
            ("count", "score_count"),
        ):
            columns.append(
                f"MAX(CASE WHEN s.instrument = %s THEN s.{source} END) AS {code}_{name}"
            )
            params.append(code)
    period, period_params = [], []
    if since is not None:
        period.append("p.last_taken >= %s")
        period_params.append(connection.ops.adapt_datetimefield_value(since))
    if until is not None:
        period.append("p.last_taken < %s")
        period_params.append(connection.ops.adapt_datetimefield_value(until))
    where = f"WHERE {' AND '.join(period)}" if period else ""
    # Identifiers and fragments are this module's constants; values are
    # parameters.
    sql = (
        "SELECT e.pk AS episode_id, e.clinician_id, COALESCE(e.sessions, 0) AS "  # noqa: S608
        "sessions, p.phq9_first, p.phq9_last, p.phq9_count, p.gad7_first, "
        "p.gad7_last, p.gad7_count, p.last_taken "
        f"FROM ({session_sql}) e "
        f"INNER JOIN (SELECT s.episode_id, {', '.join(columns)}, "
        f"MAX(s.last_taken) AS last_taken FROM ({score_sql}) s "
        "GROUP BY s.episode_id) p ON p.episode_id = e.pk "
        f"{where}"
    )
    return sql, [*session_params, *params, *score_params, *period_params]


# --- per episode, classified in Python --------------------------------------------


@dataclass(frozen=True)
class EpisodeOutcome:
    """The numbers of one episode and its ``nhs_outcome`` flags."""

    episode_id: int
    clinician_id: int
    sessions: int
    phq9: tuple[float, float] | None
    gad7: tuple[float, float] | None
    phq9_count: int
    gad7_count: int
    last_scored_at: datetime | None
    outcome: dict[str, Any] = field(compare=False)

    @property
    def paired(self) -> bool:
        return self.phq9 is not None and self.gad7 is not None


def _as_datetime(value: Any) -> datetime | None:
    """A raw column value read back as an aware datetime on every backend."""
    expression = Value(None, output_field=DateTimeField())
    converters = connection.ops.get_db_converters(
        expression
    ) + expression.get_db_converters(connection)
    for convert in converters:
        value = convert(value, expression, connection)
    return value


def _pair(first: float | None, last: float | None, count: int) -> Any:
    return (first, last) if count >= 2 else None


def episode_outcomes(
    episodes: QuerySet[Episode],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[EpisodeOutcome]:
    """The outcome of each episode that has a PHQ-9 or GAD-7 score (its last
    one in the period when one is given), in one query."""
    scores = Administration.objects.filter(episode__in=episodes.values("pk"))
    sql, params = _episode_sql(episodes, scores, since=since, until=until)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ORDER BY e.pk", params)
        rows = cursor.fetchall()
    results = []
    for (
        episode_id,
        clinician_id,
        sessions,
        phq9_first,
        phq9_last,
        phq9_count,
        gad7_first,
        gad7_last,
        gad7_count,
        last_taken,
    ) in rows:
        phq9_count, gad7_count = phq9_count or 0, gad7_count or 0
        phq9 = _pair(phq9_first, phq9_last, phq9_count)
        gad7 = _pair(gad7_first, gad7_last, gad7_count)
        results.append(
            EpisodeOutcome(
                episode_id=episode_id,
                clinician_id=clinician_id,
                sessions=sessions,
                phq9=phq9,
                gad7=gad7,
                phq9_count=phq9_count,
                gad7_count=gad7_count,
                last_scored_at=_as_datetime(last_taken),
                outcome=nhs_outcome(phq9=phq9, gad7=gad7, sessions=sessions),
            )
        )
    return results


# --- per clinician and practice, classified in SQL -----------------------------------


def _conditions() -> dict[str, str]:
    """``nhs_outcome``'s rules as SQL conditions on one episode's row, for
    episodes with paired scores (so no score is NULL)."""
    p1, p2, g1, g2 = "phq9_first", "phq9_last", "gad7_first", "gad7_last"
    case_at_start = f"({p1} >= {PHQ9_CASENESS} OR {g1} >= {GAD7_CASENESS})"
    case_at_end = f"({p2} >= {PHQ9_CASENESS} OR {g2} >= {GAD7_CASENESS})"
    down = f"({p1} - {p2} >= {PHQ9_RELIABLE} OR {g1} - {g2} >= {GAD7_RELIABLE})"
    up = f"({p2} - {p1} >= {PHQ9_RELIABLE} OR {g2} - {g1} >= {GAD7_RELIABLE})"
    finished = f"(sessions >= {MIN_SESSIONS})"
    improved = f"{down} AND NOT {up}"
    recovered = f"{finished} AND {case_at_start} AND NOT {case_at_end}"
    return {
        "paired": "1 = 1",
        "finished": finished,
        "at_caseness": f"{finished} AND {case_at_start}",
        "recovered": recovered,
        "reliably_improved": f"{finished} AND {improved}",
        "reliably_deteriorated": f"{finished} AND {up} AND NOT {down}",
        "reliably_recovered": f"{recovered} AND {improved}",
    }


def outcome_counts(
    episodes: QuerySet[Episode],
    scores: QuerySet[Administration],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[int, dict[str, int]]:
    """Counts per clinician id of the episodes with paired scores, in one
    query. ``scores`` must hold the administrations of ``episodes``."""
    inner, params = _episode_sql(episodes, scores, since=since, until=until)
    sums = ", ".join(
        f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS {name}"
        for name, condition in _conditions().items()
    )
    sql = (
        f"SELECT clinician_id, {sums} FROM ({inner}) episode_scores "  # noqa: S608
        "WHERE phq9_count >= 2 AND gad7_count >= 2 GROUP BY clinician_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {row[0]: dict(zip(COUNTS, map(int, row[1:]), strict=True)) for row in rows}


@dataclass(frozen=True)
class Rate:
    """A count over its published denominator; ``percent`` is None when the
    denominator is zero."""

    count: int
    denominator: int
    percent: float | None

    @property
    def unstable(self) -> bool:
        return 0 < self.denominator < UNSTABLE_BELOW


@dataclass(frozen=True)
class OutcomeRow:
    """Counts and rates for one clinician, or for the whole practice."""

    label: str
    clinician: User | None
    paired: int = 0
    finished: int = 0
    at_caseness: int = 0
    recovered: int = 0
    reliably_improved: int = 0
    reliably_deteriorated: int = 0
    reliably_recovered: int = 0

    @property
    def not_finished(self) -> int:
        return self.paired - self.finished

    @property
    def not_at_caseness(self) -> int:
        return self.finished - self.at_caseness

    @property
    def rates(self) -> dict[str, Any]:
        return nhs_rates_from_counts(
            finished=self.finished,
            not_at_caseness=self.not_at_caseness,
            recovered=self.recovered,
            reliably_improved=self.reliably_improved,
            reliably_deteriorated=self.reliably_deteriorated,
            reliably_recovered=self.reliably_recovered,
        )

    @property
    def recovery(self) -> Rate:
        rates = self.rates
        return Rate(self.recovered, rates["at_caseness"], rates["recovery_rate"])

    @property
    def reliable_improvement(self) -> Rate:
        rates = self.rates
        return Rate(
            self.reliably_improved,
            rates["finished"],
            rates["reliable_improvement_rate"],
        )

    @property
    def reliable_recovery(self) -> Rate:
        rates = self.rates
        return Rate(
            self.reliably_recovered,
            rates["at_caseness"],
            rates["reliable_recovery_rate"],
        )

    @property
    def reliable_deterioration(self) -> Rate:
        rates = self.rates
        return Rate(
            self.reliably_deteriorated,
            rates["finished"],
            rates["reliable_deterioration_rate"],
        )

    @property
    def unstable(self) -> bool:
        """Whether any rate in the row rests on fewer than 10 referrals."""
        return any(
            rate.unstable
            for rate in (
                self.recovery,
                self.reliable_improvement,
                self.reliable_recovery,
                self.reliable_deterioration,
            )
        )


@dataclass(frozen=True)
class PracticeOutcomes:
    rows: list[OutcomeRow]
    overall: OutcomeRow
    since: datetime | None
    until: datetime | None


def practice_outcomes(
    practice: Practice,
    *,
    clinician: User | Collection[User] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> PracticeOutcomes:
    """Counts and rates per clinician and for the whole practice, in two
    queries however many episodes there are.

    Rows go to each clinician of the practice (by the episode's clinician),
    or only to ``clinician`` (one or several) when given; ``overall`` is
    always the whole practice.
    """
    counts = outcome_counts(
        Episode.objects.filter(client__practice=practice),
        Administration.objects.filter(client__practice=practice),
        since=since,
        until=until,
    )
    if clinician is None:
        people = User.objects.filter(
            Q(practice=practice, role__in=User.CLINICAL_ROLES, is_active=True)
            | Q(pk__in=list(counts))
        )
    else:
        chosen = [clinician] if isinstance(clinician, User) else list(clinician)
        people = User.objects.filter(pk__in=[c.pk for c in chosen])
    rows = [
        OutcomeRow(
            label=person.full_name, clinician=person, **counts.get(person.pk, {})
        )
        for person in people.order_by("full_name", "pk")
    ]
    overall = OutcomeRow(
        label="Whole practice",
        clinician=None,
        **{name: sum(c[name] for c in counts.values()) for name in COUNTS},
    )
    return PracticeOutcomes(rows=rows, overall=overall, since=since, until=until)


def period_bounds(
    practice: Practice, start: date | None, end: date | None
) -> tuple[datetime | None, datetime | None]:
    """``since`` and ``until`` for whole days from ``start`` to ``end``
    (both included) in the practice's time zone."""
    zone = practice.zone
    since = datetime.combine(start, time.min, tzinfo=zone) if start else None
    until = (
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
        if end
        else None
    )
    return since, until
