"""NHS Talking Therapies outcomes for episodes and for a practice, computed in
the database.

Per episode, on the PHQ-9 + GAD-7 pair: the first and last current scores
(submitted, not replaced by a correction; ordered by when the client answered),
how many there are, when the last was taken, and how many treatment sessions
were held (appointments for treatment marked held; assessments, reviews,
follow-ups and boosters do not count). Scores count only *in treatment*:
taken before the episode's treatment ended (``treatment_end``) and not given
at an aftercare follow-up, which are reported apart and never replace them. ``alliance.measures.nhs`` defines the
outcomes; this module only gathers the numbers for it:

- ``episode_outcomes`` returns one ``EpisodeOutcome`` per episode, classified
  in Python by ``nhs_outcome`` (for one episode, a list, or checking);
- ``practice_outcomes`` returns counts and rates per clinician and for the
  whole practice from one query that classifies in SQL, so 100,000 episodes
  never bring a million scores into Python. Its CASE expressions are the rules
  of ``nhs_outcome`` written in SQL; a test compares the two on random data.

An episode has *paired scores* when it has at least two current scores on each
of the PHQ-9 and the GAD-7 (first and last then come from different
occasions). A *period* selects ended episodes by when treatment ended:
``since <= treatment end < until``; episodes still open are counted apart
(``PracticeOutcomes.open``), never with ended ones.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    RowRange,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, FirstValue, LastValue, RowNumber

from alliance.accounts.models import Practice, User
from alliance.clients.models import Episode, EpisodeTransition
from alliance.core.replica import reading_from_replica
from alliance.measures.models import Administration, AdministrationQuerySet
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
# The appointment purpose that counts as a treatment session (scheduling's
# Appointment.Purpose.TREATMENT; measures does not import scheduling).
TREATMENT = "treatment"
COUNTS = (
    "ended",
    "courses",
    "paired",
    "finished",
    "at_caseness",
    "recovered",
    "reliably_improved",
    "reliably_deteriorated",
    "reliably_recovered",
    "no_reliable_change",
)


# --- the per-episode numbers, as SQL -----------------------------------------------


def treatment_end(episode: str = "pk") -> Case:
    """When the episode's treatment ended, as an expression on episodes (or on
    rows whose ``episode`` column names the episode): the first move into
    aftercare or closed after which it never went back to active treatment;
    the closing time when no move was recorded; NULL while it is open and not
    in aftercare."""
    back_to_active = EpisodeTransition.objects.filter(
        episode=OuterRef(OuterRef(episode)),
        to_phase=Episode.Phase.ACTIVE,
        at__gt=OuterRef("at"),
    )
    ends = (
        EpisodeTransition.objects.filter(
            episode=OuterRef(episode), to_phase__in=Episode.ENDED_PHASES
        )
        .exclude(Exists(back_to_active))
        .order_by("at", "pk")
        .values("at")[:1]
    )
    prefix = "" if episode == "pk" else "episode__"
    return Case(
        When(
            **{f"{prefix}phase__in": Episode.ENDED_PHASES},
            then=Coalesce(Subquery(ends), F(f"{prefix}closed_at")),
        ),
        default=None,
        output_field=DateTimeField(),
    )


def in_treatment(scores: QuerySet[Administration]) -> QuerySet[Administration]:
    """The scores taken in treatment: before the episode's treatment ended,
    and not given at an aftercare follow-up."""
    # Follow-ups live in aftercare; reached by the reverse relation's table.
    follow_up = Administration.followups.through.objects.filter(
        administration_id=OuterRef("pk")
    )
    return (
        scores.annotate(treatment_ended=treatment_end("episode"))
        .filter(Q(treatment_ended__isnull=True) | Q(taken_at__lt=F("treatment_ended")))
        .exclude(Exists(follow_up))
    )


def _score_rows(scores: AdministrationQuerySet) -> QuerySet[Any, Any]:
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
        in_treatment(scores.submitted())
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
        .annotate(
            sessions=Count(
                "appointments",
                filter=Q(appointments__status="held", appointments__purpose=TREATMENT),
            ),
            ended_at=treatment_end(),
        )
    )


def _episode_sql(
    episodes: QuerySet[Episode],
    scores: AdministrationQuerySet,
    *,
    since: datetime | None,
    until: datetime | None,
) -> tuple[str, list[Any]]:
    """SQL for one row per episode (episode_id, clinician_id, sessions,
    ended_at, phq9_first … gad7_count, last_taken; the scores NULL when it
    has none), and its parameters: ended episodes whose treatment ended in
    the period, and every open one.

    ``scores`` must hold the administrations of ``episodes`` (callers pass
    the cheapest filter that does). The inner queries come from the ORM; only
    the pivot from one row per measure to one row per episode is written here.
    """
    using = episodes.db
    connection = connections[using]
    score_sql, score_params = _score_rows(scores).query.get_compiler(using).as_sql()
    session_sql, session_params = (
        _session_rows(episodes).query.get_compiler(using).as_sql()
    )
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
        period.append("e.ended_at >= %s")
        period_params.append(connection.ops.adapt_datetimefield_value(since))
    if until is not None:
        period.append("e.ended_at < %s")
        period_params.append(connection.ops.adapt_datetimefield_value(until))
    where = f"WHERE (e.ended_at IS NULL OR ({' AND '.join(period)}))" if period else ""
    # Identifiers and fragments are this module's constants; values are
    # parameters.
    sql = (
        "SELECT e.pk AS episode_id, e.clinician_id, COALESCE(e.sessions, 0) AS "  # noqa: S608
        "sessions, e.ended_at, p.phq9_first, p.phq9_last, "
        "COALESCE(p.phq9_count, 0) AS phq9_count, p.gad7_first, "
        "p.gad7_last, COALESCE(p.gad7_count, 0) AS gad7_count, p.last_taken "
        f"FROM ({session_sql}) e "
        f"LEFT JOIN (SELECT s.episode_id, {', '.join(columns)}, "
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
    ended_at: datetime | None
    phq9: tuple[float, float] | None
    gad7: tuple[float, float] | None
    phq9_count: int
    gad7_count: int
    last_scored_at: datetime | None
    outcome: dict[str, Any] = field(compare=False)

    @property
    def paired(self) -> bool:
        return self.phq9 is not None and self.gad7 is not None


def _as_datetime(value: Any, using: str) -> datetime | None:
    """A raw column value read back as an aware datetime on every backend."""
    connection = connections[using]
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
    """The outcome of each episode that has a PHQ-9 or GAD-7 score in
    treatment (ended in the period when one is given, or still open), in one
    query."""
    scores = Administration.objects.filter(episode__in=episodes.values("pk"))
    try:
        sql, params = _episode_sql(episodes, scores, since=since, until=until)
    except EmptyResultSet:
        # An empty list of episodes (``pk__in=[]``) has no SQL at all.
        return []
    with connections[episodes.db].cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM ({sql}) x "  # noqa: S608
            "WHERE x.phq9_count > 0 OR x.gad7_count > 0 ORDER BY x.episode_id",
            params,
        )
        rows = cursor.fetchall()
    results = []
    for (
        episode_id,
        clinician_id,
        sessions,
        ended_at,
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
                ended_at=_as_datetime(ended_at, episodes.db),
                phq9=phq9,
                gad7=gad7,
                phq9_count=phq9_count,
                gad7_count=gad7_count,
                last_scored_at=_as_datetime(last_taken, episodes.db),
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
    paired = "(phq9_count >= 2 AND gad7_count >= 2)"
    courses = f"(sessions >= {MIN_SESSIONS})"
    finished = f"({paired} AND {courses})"
    improved = f"{down} AND NOT {up}"
    recovered = f"{finished} AND {case_at_start} AND NOT {case_at_end}"
    return {
        "ended": "1 = 1",
        "courses": courses,
        "paired": paired,
        "finished": finished,
        "at_caseness": f"{finished} AND {case_at_start}",
        "recovered": recovered,
        "reliably_improved": f"{finished} AND {improved}",
        "reliably_deteriorated": f"{finished} AND {up} AND NOT {down}",
        "reliably_recovered": f"{recovered} AND {improved}",
        "no_reliable_change": f"{finished} AND NOT ({down} AND NOT {up}) "
        f"AND NOT ({up} AND NOT {down})",
    }


def outcome_counts(
    episodes: QuerySet[Episode],
    scores: AdministrationQuerySet,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[int | None, dict[str, int]]:
    """Counts per clinician id of the episodes whose treatment ended in the
    period, and (under the key ``None``) of every open episode, in one query.
    ``scores`` must hold the administrations of ``episodes``."""
    inner, params = _episode_sql(episodes, scores, since=since, until=until)
    sums = ", ".join(
        f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS {name}"
        for name, condition in _conditions().items()
    )
    sql = (
        "SELECT CASE WHEN ended_at IS NULL THEN NULL ELSE clinician_id END, "  # noqa: S608
        f"{sums} FROM ({inner}) episode_scores "
        "GROUP BY CASE WHEN ended_at IS NULL THEN NULL ELSE clinician_id END"
    )
    # The episodes' database: the replica inside reading_from_replica().
    with connections[episodes.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        row[0]: dict(zip(COUNTS, (int(n or 0) for n in row[1:]), strict=True))
        for row in rows
    }


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
    ended: int = 0
    courses: int = 0
    paired: int = 0
    finished: int = 0
    at_caseness: int = 0
    recovered: int = 0
    reliably_improved: int = 0
    reliably_deteriorated: int = 0
    reliably_recovered: int = 0
    no_reliable_change: int = 0

    @property
    def not_finished(self) -> int:
        """Paired scores, but fewer than two treatment sessions."""
        return self.paired - self.finished

    @property
    def courses_unpaired(self) -> int:
        """Finished courses without paired scores: outcomes unknown."""
        return self.courses - self.finished

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
    def no_reliable_change_rate(self) -> Rate:
        percent = (
            100 * self.no_reliable_change / self.finished if self.finished else None
        )
        return Rate(self.no_reliable_change, self.finished, percent)

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
    # The whole practice's episodes still open, whatever the period.
    open: OutcomeRow
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

    Reads from the read replica when there is one (``alliance.core.replica``),
    so the figures may lag the primary by the replication delay.
    """
    with reading_from_replica():
        counts = outcome_counts(
            Episode.objects.filter(client__practice=practice),
            Administration.objects.filter(client__practice=practice),
            since=since,
            until=until,
        )
        still_open = counts.pop(None, {})
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
    return PracticeOutcomes(
        rows=rows,
        overall=overall,
        open=OutcomeRow(label="Still open", clinician=None, **still_open),
        since=since,
        until=until,
    )


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
