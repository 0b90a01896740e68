"""Read-only queries for the client chart, the history page, the home page and
the portal. Each runs a fixed number of queries however many administrations
there are, and none decrypts answers: lists read the plain score columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
    Window,
)
from django.db.models.functions import FirstValue, RowNumber, TruncDate
from django.utils import timezone

from alliance.accounts.models import User, zone_of
from alliance.alerts.models import RiskAlert
from alliance.clients.models import Client, Episode, EpisodeTransition
from alliance.core.prepared import prepared
from alliance.core.templatetags.figures import score
from alliance.core.urls import reverse_uuid
from alliance.measures.change import classify_change
from alliance.measures.engine import Instrument, all_instruments, get_instrument
from alliance.measures.models import (
    Administration,
    ClinicalPrompt,
    EmploymentStatus,
    MeasureSchedule,
    MeasureTrack,
)
from alliance.measures.nhs import nhs_outcome
from alliance.measures.outcomes import TREATMENT, in_treatment
from alliance.measures.tracking import verdict_of

HISTORY_LIMIT = 500
DUE_LIMIT = 50
FOLLOW_UP_DAYS = 28
# Lists never need the answers or the correction reason: leave them encrypted.
_SEALED = ("answers", "correction_reason")

CHANGE_LABELS = {
    "reliable_improvement": "Reliable improvement",
    "no_reliable_change": "No reliable change",
    "reliable_deterioration": "Reliable deterioration",
}


def _last_taken(episode_ids: list[int]) -> dict[tuple[int, str], datetime]:
    """When each measure was last completed, per (episode id, instrument)."""
    rows = (
        Administration.objects.submitted()
        .filter(episode_id__in=episode_ids)
        .values("episode_id", "instrument")
        .annotate(last=Max("taken_at"))
        .order_by()
    )
    return {(r["episode_id"], r["instrument"]): r["last"] for r in rows}


def _termination_started(episodes: list[Episode]) -> dict[int, datetime]:
    """When each episode now in termination entered it."""
    ids = [e.pk for e in episodes if e.phase == Episode.Phase.TERMINATION]
    if not ids:
        return {}
    rows = (
        EpisodeTransition.objects.filter(
            episode_id__in=ids, to_phase=Episode.Phase.TERMINATION
        )
        .values("episode_id")
        .annotate(at=Max("at"))
        .order_by()
    )
    return {r["episode_id"]: r["at"] for r in rows}


def is_due(
    schedule: MeasureSchedule,
    episode: Episode,
    last: datetime | None,
    *,
    today: date,
    zone: ZoneInfo,
    termination_started: datetime | None = None,
) -> bool:
    """Whether the schedule asks for the measure on ``today``, given when it was
    last completed in this episode (by any route: portal, kiosk or clinician)."""
    if not schedule.active or not episode.is_open:
        return False
    last_day = last.astimezone(zone).date() if last else None
    days_since = (today - last_day).days if last_day else None
    When = MeasureSchedule.When
    phase = episode.phase
    if schedule.when == When.ONCE:
        return last is None
    if schedule.when == When.EVERY_SESSION:
        return last_day is None or last_day < today
    if schedule.when == When.EVERY_N_WEEKS:
        weeks = schedule.every_n_weeks or 1
        return days_since is None or days_since >= 7 * weeks
    if schedule.when == When.AT_INTAKE:
        return phase == Episode.Phase.ASSESSMENT and last is None
    if schedule.when == When.AT_TERMINATION:
        if phase != Episode.Phase.TERMINATION:
            return False
        return last is None or (
            termination_started is not None and last < termination_started
        )
    if schedule.when == When.AT_FOLLOW_UP:
        return phase == Episode.Phase.AFTERCARE and (
            days_since is None or days_since >= FOLLOW_UP_DAYS
        )
    return False


# next_due for a schedule due whatever the day.
ALWAYS = date.min


def next_due(
    schedule: MeasureSchedule,
    episode: Episode,
    last: datetime | None,
    *,
    zone: ZoneInfo,
    termination_started: datetime | None = None,
) -> date | None:
    """The first day from which ``is_due`` holds with what is known now (the
    phase, the last completion), or None if only a change (a score, a move of
    phase, a new schedule) could make the measure due. ``is_due(..., today=d)``
    is ``next_due(...) <= d`` for every day d; the services store it on the
    schedule so the home page can ask the database what is due."""
    if not schedule.active or not episode.is_open:
        return None
    last_day = last.astimezone(zone).date() if last else None
    When = MeasureSchedule.When
    phase = episode.phase
    if schedule.when == When.ONCE:
        return ALWAYS if last is None else None
    if schedule.when == When.EVERY_SESSION:
        return ALWAYS if last_day is None else last_day + timedelta(days=1)
    if schedule.when == When.EVERY_N_WEEKS:
        weeks = schedule.every_n_weeks or 1
        return ALWAYS if last_day is None else last_day + timedelta(weeks=weeks)
    if schedule.when == When.AT_INTAKE:
        return ALWAYS if phase == Episode.Phase.ASSESSMENT and last is None else None
    if schedule.when == When.AT_TERMINATION:
        if phase != Episode.Phase.TERMINATION:
            return None
        if last is None or (
            termination_started is not None and last < termination_started
        ):
            return ALWAYS
        return None
    if schedule.when == When.AT_FOLLOW_UP:
        if phase != Episode.Phase.AFTERCARE:
            return None
        return ALWAYS if last_day is None else last_day + timedelta(days=FOLLOW_UP_DAYS)
    return None


def next_due_dates(
    schedules: list[MeasureSchedule],
) -> list[tuple[MeasureSchedule, date | None]]:
    """next_due for each schedule (``schedule.episode.client.practice`` loaded).
    Two queries (three when an episode is in termination)."""
    episodes = list({s.episode_id: s.episode for s in schedules}.values())
    last = _last_taken([e.pk for e in episodes])
    started = _termination_started(episodes)
    return [
        (
            s,
            next_due(
                s,
                s.episode,
                last.get((s.episode_id, s.instrument)),
                zone=zone_of(s.episode.client.practice),
                termination_started=started.get(s.episode_id),
            ),
        )
        for s in schedules
    ]


def _mark_due(
    schedules: list[MeasureSchedule],
    on: date | None,
    *,
    last: dict[tuple[int, str], datetime] | None = None,
) -> list[MeasureSchedule]:
    """Set ``schedule.is_due`` on each (schedule.episode.client.practice loaded)."""
    episodes = list({s.episode_id: s.episode for s in schedules}.values())
    if last is None:
        last = _last_taken([e.pk for e in episodes])
    started = _termination_started(episodes)
    for schedule in schedules:
        episode = schedule.episode
        zone = zone_of(episode.client.practice)
        schedule.is_due = is_due(  # type: ignore[attr-defined]  # an attribute set for the page
            schedule,
            episode,
            last.get((episode.pk, schedule.instrument)),
            today=on or timezone.localdate(timezone=zone),
            zone=zone,
            termination_started=started.get(episode.pk),
        )
    return schedules


def shares_progress(client: Client) -> bool:
    """Whether the clinician shares any measure's progress with the client
    (the portal home's link to it)."""
    return bool(_shared_schedule(client.pk))


@prepared
def _shared_schedule(client_id: int) -> QuerySet[MeasureSchedule, int]:
    return MeasureSchedule.objects.filter(
        episode__client_id=client_id, share_with_client=True
    ).values_list("pk", flat=True)[:1]


def due_measures(episode: Episode, *, on: date | None = None) -> list[MeasureSchedule]:
    """The episode's active schedules that ask for a measure on ``on`` (today in
    the practice's time zone by default)."""
    if not episode.is_open:
        return []
    schedules = _active_schedules(episode.pk)
    for schedule in schedules:
        schedule.episode = episode
    return [s for s in _mark_due(schedules, on) if s.is_due]  # type: ignore[attr-defined]  # an attribute set for the page


@prepared
def _active_schedules(episode_id: int) -> QuerySet[MeasureSchedule]:
    return MeasureSchedule.objects.filter(episode_id=episode_id, active=True).order_by(
        "created_at", "id"
    )


@prepared
def _due_by(
    clinician_id: int, practice_id: int | None, day: date
) -> QuerySet[MeasureSchedule]:
    return (
        MeasureSchedule.objects.filter(  # type: ignore[misc]  # None: IS NULL, as at run time
            active=True,
            next_due__lte=day,
            episode__client__clinician_id=clinician_id,
            episode__client__practice_id=practice_id,
        )
        .exclude(episode__phase=Episode.Phase.CLOSED)
        .select_related("episode__client")
        # The card shows the client's name and link and the measure's name
        # and rhythm (measures/_due.html).
        .only(
            "instrument",
            "when",
            "every_n_weeks",
            "next_due",
            "active",
            "episode__uuid",
            *Client.listing_fields("episode__client"),
        )
        .order_by("episode__client__family_name", "episode__client__given_name", "id")[
            :DUE_LIMIT
        ]
    )


def due_for_clinician(user: User, *, on: date | None = None) -> list[MeasureSchedule]:
    """Measures due today for the clients whose primary clinician is ``user``,
    at most 50, with the episode's link and the client's name columns loaded
    (what the home's card shows): read from the stored ``next_due``, sorted
    and limited in the database. One query."""
    today = on or user.practice.today()  # type: ignore[union-attr]  # staff belong to a practice
    schedules = _due_by(user.pk, user.practice_id, today)
    for schedule in schedules:
        schedule.is_due = True  # type: ignore[attr-defined]  # an attribute set for the page
    return schedules


@dataclass
class MeasureSummary:
    instrument: str
    name: str
    count: int
    latest: Administration | None


@dataclass
class ChartMeasures:
    """Everything the chart's measures card shows, for the latest episode."""

    episode: Episode | None
    summaries: list[MeasureSummary] = field(default_factory=list)
    schedules: list[MeasureSchedule] = field(default_factory=list)
    drafts: list[Administration] = field(default_factory=list)
    # Closed unfinished but kept, because they hold a risk answer.
    incomplete: list[Administration] = field(default_factory=list)
    prompts: list[ClinicalPrompt] = field(default_factory=list)
    instruments: list[tuple[str, str]] = field(default_factory=list)
    when_choices: list[tuple[str, str]] = field(default_factory=list)
    nhs: dict | None = None
    # Employment status by stage ("start", "end"), and the choices.
    employment: dict[str, EmploymentStatus] = field(default_factory=dict)
    employment_stages: list[tuple[str, str]] = field(
        default_factory=lambda: list(EmploymentStatus.Stage.choices)
    )
    employment_choices: list[tuple[str, str]] = field(
        default_factory=lambda: list(EmploymentStatus.Status.choices)
    )

    @property
    def employment_rows(self) -> list[tuple[str, EmploymentStatus | None]]:
        return [
            (label, self.employment.get(stage))
            for stage, label in self.employment_stages
        ]


def episode_nhs_outcome(episode: Episode) -> dict:
    """NHS Talking Therapies flags for one episode: first and last current PHQ-9
    and GAD-7 totals taken in treatment (not at aftercare follow-ups) and the
    number of held treatment appointments (Clark et al. 2018; NHS Digital
    definitions, see docs/measures.md and docs/outcomes.md). Two queries;
    the first, last and count of each measure come from the database (window
    functions), one row per measure however many scores there are."""
    firsts: dict[str, float] = {}
    lasts: dict[str, float] = {}
    counts: dict[str, int] = {}
    by_measure: dict[str, Any] = {"partition_by": [F("instrument")]}
    for code, first, last, n in (
        in_treatment(Administration.objects.current())
        .filter(episode=episode, instrument__in=("phq9", "gad7"), total__isnull=False)
        .annotate(
            rank=Window(
                RowNumber(),
                order_by=[F("taken_at").desc(), F("id").desc()],
                **by_measure,
            ),
            first=Window(
                FirstValue("total"),
                order_by=[F("taken_at").asc(), F("id").asc()],
                **by_measure,
            ),
            n=Window(Count("id"), **by_measure),
        )
        .filter(rank=1)
        .values_list("instrument", "first", "total", "n")
    ):
        firsts[code], counts[code] = first, n
        lasts[code] = last  # type: ignore[assignment]  # filtered on total__isnull=False
    # Held treatment appointments, by reverse relation (measures does not
    # import scheduling).
    sessions = episode.appointments.filter(status="held", purpose=TREATMENT).count()

    def pair(code: str) -> tuple[float, float] | None:
        # Paired scores need two administrations, as on the outcomes page.
        return (firsts[code], lasts[code]) if counts.get(code, 0) >= 2 else None

    return nhs_outcome(phq9=pair("phq9"), gad7=pair("gad7"), sessions=sessions)


def instrument_choices() -> list[tuple[str, str]]:
    def label(i: Instrument) -> str:
        text = f"{i.short_name}: {i.name}"
        return text if i.validated else f"{text} (not a validated measure)"

    return [(i.code, label(i)) for i in all_instruments()]


def _name(code: str) -> str:
    try:
        return get_instrument(code).short_name
    except KeyError:
        return code


def chart_measures(client: Client) -> ChartMeasures:
    """The measures card of the client chart: per measure the latest score and
    how many there are, the schedules (with what is due), open drafts,
    incomplete questionnaires kept for a risk answer, and open clinical
    prompts. Seven queries (eight in termination), however many scores there are."""
    # The employment statuses ride on the episode query as subqueries, so
    # the card needs no query of its own for them.
    stages = {}
    for stage in EmploymentStatus.Stage.values:
        row = EmploymentStatus.objects.filter(episode=OuterRef("pk"), stage=stage)
        stages[f"employment_{stage}_status"] = Subquery(row.values("status")[:1])
        stages[f"employment_{stage}_at"] = Subquery(row.values("recorded_at")[:1])
    episode = (
        Episode.objects.filter(client=client)
        .select_related("client__practice")
        .annotate(**stages)
        .order_by("-opened_at")
        .first()
    )
    chart = ChartMeasures(
        episode=episode,
        instruments=instrument_choices(),
        when_choices=list(MeasureSchedule.When.choices),
    )
    if episode is None:
        return chart
    # The latest current score of each measure and how many there are, in one
    # pass over the episode's scores (window functions, O(n)), then every open
    # draft and every incomplete one.
    by_measure: dict[str, Any] = {"partition_by": [F("instrument")]}
    latest = list(
        Administration.objects.current()
        .filter(episode=episode)
        .annotate(
            rank=Window(
                RowNumber(),
                order_by=[F("taken_at").desc(), F("id").desc()],
                **by_measure,
            ),
            n=Window(Count("id"), **by_measure),
        )
        .filter(rank=1)
        .defer(*_SEALED)
        .order_by("instrument")
    )
    rows = list(
        Administration.objects.filter(
            episode=episode,
            status__in=[Administration.Status.DRAFT, Administration.Status.INCOMPLETE],
        )
        .defer(*_SEALED)
        .order_by("-started_at", "-id")
    )
    chart.summaries = [
        MeasureSummary(
            instrument=a.instrument, name=_name(a.instrument), count=a.n, latest=a
        )
        for a in latest
    ]
    chart.drafts = sorted(
        (a for a in rows if a.is_draft), key=lambda a: a.started_at, reverse=True
    )[:20]
    chart.incomplete = sorted(
        (a for a in rows if a.is_incomplete), key=lambda a: a.started_at, reverse=True
    )[:20]
    chart.prompts = open_prompts(client)
    schedules = list(
        MeasureSchedule.objects.filter(episode=episode, active=True).order_by(
            "created_at", "id"
        )
    )
    for schedule in schedules:
        schedule.episode = episode
    # Corrections keep the original's date, so the latest current score is
    # also the latest completion of each measure.
    last = {(episode.pk, a.instrument): a.taken_at for a in latest}
    chart.schedules = _mark_due(schedules, None, last=last)  # type: ignore[arg-type]  # submitted: taken_at set
    chart.nhs = episode_nhs_outcome(episode)
    for stage in EmploymentStatus.Stage.values:
        status = getattr(episode, f"employment_{stage}_status", None)
        if status:
            chart.employment[stage] = EmploymentStatus(
                episode=episode,
                stage=stage,
                status=status,
                recorded_at=getattr(episode, f"employment_{stage}_at"),
            )
    return chart


# The chart summary's small trend: the latest scores of each measure.
TREND_POINTS = 12
RECOVERY = "recovery"
NOT_ON_TRACK = "not_on_track"
STATUS_LABELS = {
    **CHANGE_LABELS,
    RECOVERY: "Recovery",
    NOT_ON_TRACK: "Not on track",
}


@dataclass
class ScoreTrend:
    """One measure of an episode for the chart's summary: the latest score,
    the last few (oldest first) for a small chart, the change since the first
    score (Jacobson & Truax, as on the history page) and the stored verdict of
    the expected-recovery tracking (``tracking``), when the measure is tracked."""

    instrument: str
    name: str
    count: int
    first_total: float
    points: list[Administration]
    minimum: float
    maximum: float
    change: Any = None  # change.Change, or None with one score or no norms
    on_track: bool | None = None  # None: not a tracked measure, or no verdict
    off_track_reason: str = ""
    # Reliable improvement that is also clinically significant: past the
    # Jacobson & Truax cut-off where the measure has norms, else from caseness
    # at the first score to below it at the latest (NHS Talking Therapies'
    # reliable recovery).
    recovered: bool = False

    @property
    def latest(self) -> Administration:
        return self.points[-1]

    @property
    def status(self) -> str:
        """NOT_ON_TRACK, RECOVERY (reliable and clinically significant
        improvement), a change category, or "" with nothing to compare."""
        if self.on_track is False:
            return NOT_ON_TRACK
        if self.change is None:
            return ""
        if self.recovered:
            return RECOVERY
        return str(self.change.category)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, "")


@prepared
def _trend_rows(episode_id: int) -> QuerySet[Any]:
    """Any: each row carries its window annotations (rank, n)."""
    by_measure: dict[str, Any] = {"partition_by": [F("instrument")]}
    return (
        Administration.objects.current()
        .filter(episode_id=episode_id, total__isnull=False)
        .annotate(
            rank=Window(
                RowNumber(),
                order_by=[F("taken_at").desc(), F("id").desc()],
                **by_measure,
            ),
            n=Window(Count("id"), **by_measure),
        )
        # The latest few, and the first (ranked last) for the change since
        # it: one ordering of the episode's scores, not a second for a
        # first-value window (issue #13).
        .filter(Q(rank__lte=TREND_POINTS) | Q(rank=F("n")))
        .only("instrument", "taken_at", "total", "band_label")
        # Put in order by the caller: the few rows kept, not (as an ORDER BY
        # would) every score of the episode before the filter keeps them.
        .order_by()
    )


@prepared
def _tracks_of(episode_id: int) -> QuerySet[MeasureTrack]:
    return MeasureTrack.objects.filter(episode_id=episode_id)


def score_trends(episode: Episode | None) -> list[ScoreTrend]:
    """Per measure of the episode, its latest scores, change since the first
    and on-track verdict, for the chart's summary. Two queries however many
    scores there are (plus one per tracked measure whose curves are not in the
    cache, for the reason of a not-on-track verdict)."""
    if episode is None:
        return []
    rows = _trend_rows(episode.pk)
    rows.sort(key=lambda row: (row.instrument, row.taken_at, row.id))
    tracks = {t.instrument: t for t in _tracks_of(episode.pk)}
    for kept in tracks.values():
        # The verdict's reason needs the client's practice: the episode's
        # client, already read with it.
        kept.client = episode.client
    # Any: each row carries its window annotations (rank, n).
    grouped: dict[str, list[Any]] = {}
    firsts: dict[str, Any] = {}
    for row in rows:
        if row.rank == row.n:
            firsts[row.instrument] = row.total
        if row.rank <= TREND_POINTS:
            grouped.setdefault(row.instrument, []).append(row)
    trends = []
    for code, points in grouped.items():
        try:
            instrument: Instrument | None = get_instrument(code)
        except KeyError:
            instrument = None
        track = tracks.get(code)
        first = track.first_total if track is not None else firsts[code]
        latest = points[-1].total
        totals = [float(p.total) for p in points]
        trend = ScoreTrend(
            instrument=code,
            name=_name(code),
            count=points[-1].n,
            first_total=first,
            points=points,
            minimum=instrument.minimum if instrument else min(totals),
            maximum=instrument.maximum if instrument else max(totals),
        )
        if instrument is not None and trend.count >= 2 and latest is not None:
            trend.change = change = safe_change(instrument, first, latest)
            if change is not None and change.category == "reliable_improvement":
                significant = change.clinically_significant
                if significant is None:
                    significant = bool(
                        instrument.is_case(first)
                        and instrument.is_case(latest) is False
                    )
                trend.recovered = bool(significant)
        if track is not None:
            trend.on_track = track.on_track
            if not track.on_track:
                trend.off_track_reason = verdict_of(track).reason
        trends.append(trend)
    return trends


@dataclass
class HistoryRow:
    administration: Administration
    superseded: bool
    correction_uuid: Any = None
    change: Any = None
    is_baseline: bool = False

    @property
    def change_label(self) -> str:
        if self.change is None:
            return ""
        return CHANGE_LABELS.get(self.change.category, self.change.category)


def history_table(rows: list[HistoryRow]) -> list[dict[str, Any]]:
    """The history table's cells, worked out once in Python: one plain dict
    per row, what each column shows. A page of 50 rows looked up some 25
    attributes and filters each in the template, half the page's time at
    1,000 scores (issue #13); a dict key is the template engine's quickest
    lookup."""
    table = []
    for row in rows:
        a = row.administration
        change = row.change
        table.append(
            {
                "url": a.get_absolute_url(),
                "taken_at": a.taken_at,
                "total": "—" if a.total is None else score(a.total),
                "band": a.band_label or "—",
                "caseness": "—"
                if a.caseness is None
                else "Yes"
                if a.caseness
                else "No",
                "risk": a.risk,
                "superseded": row.superseded,
                "correction_url": reverse_uuid("measures:detail", row.correction_uuid)
                if row.superseded
                else "",
                "is_baseline": row.is_baseline,
                "change": change
                and {
                    "category": change.category,
                    "label": row.change_label,
                    "difference": ("+" if change.difference > 0 else "")
                    + score(change.difference),
                    "significant": change.clinically_significant,
                },
                "mode": a.get_mode_display(),
                "corrects": a.corrects_id is not None,
            }
        )
    return table


def safe_change(instrument: Instrument, before: float, after: float) -> Any:
    """classify_change, or None when the measure has no reliable-change norms."""
    try:
        return classify_change(instrument, before, after)
    except (ValueError, KeyError, TypeError, ZeroDivisionError):
        return None


def _with_corrections(queryset: QuerySet[Administration]) -> QuerySet[Administration]:
    corrections = Administration.objects.filter(corrects=OuterRef("pk"))
    # The correction's uuid is looked up only for a superseded row: asked of
    # every row, a planner may answer it by walking the whole table in id
    # order for each one (seconds for a long history).
    return queryset.annotate(
        superseded=Exists(corrections),
        correction_uuid=Case(
            When(
                Exists(corrections),
                then=Subquery(corrections.order_by("id").values("uuid")[:1]),
            ),
            default=None,
        ),
    )


def measure_history(episode: Episode, instrument: Instrument) -> list[HistoryRow]:
    """Every submitted administration of one measure in the episode, oldest
    first, corrected ones included and marked; each current score classified
    against the first current score (Jacobson & Truax reliable change)."""
    rows = list(
        _with_corrections(
            Administration.objects.submitted().filter(
                episode=episode, instrument=instrument.code
            )
        )
        .select_related("entered_by")
        .defer(*_SEALED)
        .order_by("taken_at", "id")[:HISTORY_LIMIT]
    )
    history = [
        HistoryRow(a, superseded=a.superseded, correction_uuid=a.correction_uuid)  # type: ignore[attr-defined]  # an attribute set for the page
        for a in rows
    ]
    baseline = next(
        (h for h in history if not h.superseded and h.administration.total is not None),
        None,
    )
    if baseline is not None:
        baseline.is_baseline = True
    for row in history:
        total = row.administration.total
        if (
            baseline is None
            or row is baseline
            or row.superseded
            or total is None
            or baseline.administration.total is None
        ):
            continue
        row.change = safe_change(instrument, baseline.administration.total, total)
    return history


# Scores per page of the history table; the chart above it
# covers them all (thinned to charts.CHART_POINTS).
HISTORY_PAGE = 50


class ChartScore(NamedTuple):
    """One current score as the chart draws it: plain columns, no model."""

    pk: int
    # The day it was taken (UTC), all a chart places a score by: a date
    # costs a tenth of a timestamp to read, over a thousand scores
    # (issue #13).
    day: date
    total: float
    band_label: str
    # It raised a risk alert (the chart never thins it away).
    flagged: bool


def chart_scores(episode: Episode, instrument: Instrument) -> list[ChartScore]:
    """Every current score of one measure in the episode with a total, oldest
    first, as plain tuples: one pass over five plain columns (no model built,
    nothing decrypted). A score is flagged when it, or the score it corrects,
    raised a risk alert (the client's few alerts, asked once in the same
    query). One query however long the history."""
    rows = _chart_scores(episode.pk, episode.client_id, instrument.code)
    return [
        # Submitted with a total: day and total are both set.
        ChartScore(pk, day, total, band_label, bool(flagged))
        for pk, day, total, band_label, flagged in rows
    ]


@prepared
def _chart_scores(
    episode_id: int, client_id: int, code: str
) -> QuerySet[Any, tuple[Any, ...]]:
    alerted = Administration.objects.filter(
        client_id=client_id,
        uuid__in=RiskAlert.objects.filter(
            client_id=client_id,
            source_type=Administration._meta.label_lower,
        ).values("source_uuid"),
    ).values("pk")
    return (
        Administration.objects.current()
        .filter(episode_id=episode_id, instrument=code, total__isnull=False)
        .annotate(
            flagged=Case(
                When(Q(pk__in=alerted) | Q(corrects_id__in=alerted), then=True),
                default=False,
                output_field=BooleanField(),
            )
        )
        .annotate(day=TruncDate("taken_at", tzinfo=UTC))
        .order_by("taken_at", "id")
        .values_list("pk", "day", "total", "band_label", "flagged")
    )


@dataclass
class HistoryPage:
    """One page of a measure's history table: ``rows`` oldest first, page 1
    holding the latest scores. ``current`` is every current score with a total,
    oldest first (``chart_scores``: the chart's points; the first is the
    baseline)."""

    rows: list[HistoryRow]
    number: int
    has_earlier: bool
    current: list[ChartScore]

    @property
    def earlier(self) -> int | None:
        return self.number + 1 if self.has_earlier else None

    @property
    def later(self) -> int | None:
        return self.number - 1 if self.number > 1 else None


def history_page(
    episode: Episode, instrument: Instrument, page: object = 1
) -> HistoryPage:
    """``measure_history`` a page at a time, latest scores first, each current
    score classified against the first (Jacobson & Truax reliable change). A
    page number that is not a number, or past the earliest score, gives page
    1. Two queries however long the history (three when the page shows a
    corrected score): the page, the current scores (``chart_scores``) for
    the baseline and the chart, and the corrections of the page's other
    rows."""
    try:
        number = max(int(str(page)), 1)
    except ValueError:
        number = 1
    rows = _history_rows(episode, instrument, number)
    if not rows and number > 1:
        number, rows = 1, _history_rows(episode, instrument, 1)
    has_earlier = len(rows) > HISTORY_PAGE
    administrations = rows[:HISTORY_PAGE]
    administrations.reverse()
    current = chart_scores(episode, instrument)
    baseline = current[0] if current else None
    # A submitted score with a total is superseded exactly when it is not
    # current; only the page's other rows (and scores without a total) are
    # looked up, by their ids: a query only when there are any, and one that
    # never reads other episodes' scores.
    current_ids = {score.pk for score in current}
    corrections = _corrections_of(
        [a.pk for a in administrations if a.pk not in current_ids]
    )
    history = []
    for a in administrations:
        row = HistoryRow(
            a,
            superseded=a.pk in corrections,
            correction_uuid=corrections.get(a.pk),
        )
        if baseline is not None and a.pk == baseline.pk:
            row.is_baseline = True
        elif baseline is not None and not row.superseded and a.total is not None:
            row.change = safe_change(instrument, baseline.total, a.total)
        history.append(row)
    return HistoryPage(history, number, has_earlier, current)


def _history_rows(
    episode: Episode, instrument: Instrument, number: int
) -> list[Administration]:
    """The page's administrations, newest first, and one more when there are
    earlier ones. The first page, which nearly every visit reads, is
    prepared; later pages' offsets are part of their SQL."""
    if number == 1:
        return _latest_history_rows(episode.pk, instrument.code)
    start = (number - 1) * HISTORY_PAGE
    return list(
        _history_rows_of(episode.pk, instrument.code)[start : start + HISTORY_PAGE + 1]
    )


def _history_rows_of(episode_id: int, code: str) -> QuerySet[Administration]:
    return (
        Administration.objects.submitted()
        .filter(episode_id=episode_id, instrument=code)
        # The columns the table shows, no more: a page of full rows cost
        # more to build than the whole chart's query (issue #13).
        .only(*_HISTORY_COLUMNS)
        .order_by("-taken_at", "-id")
    )


@prepared
def _latest_history_rows(episode_id: int, code: str) -> QuerySet[Administration]:
    return _history_rows_of(episode_id, code)[: HISTORY_PAGE + 1]


_HISTORY_COLUMNS = (
    "uuid",
    "episode_id",
    "instrument",
    "status",
    "mode",
    "taken_at",
    "total",
    "band_label",
    "caseness",
    "risk",
    "corrects_id",
)


def _corrections_of(ids: list[int]) -> dict[int, Any]:
    """For those of these administrations that were corrected, the uuid of
    their (first) correction. No query for no ids."""
    if not ids:
        return {}
    found: dict[int, Any] = {}
    for corrected_id, uuid in (
        Administration.objects.filter(corrects_id__in=ids)
        .order_by("id")
        .values_list("corrects_id", "uuid")
    ):
        found.setdefault(corrected_id, uuid)
    return found


def incomplete_administrations(
    episode: Episode, instrument: Instrument
) -> list[Administration]:
    """Questionnaires of one measure closed unfinished but kept for a risk
    answer, newest first. One query."""
    return _incomplete(episode.pk, instrument.code)


@prepared
def _incomplete(episode_id: int, code: str) -> QuerySet[Administration]:
    return (
        Administration.objects.incomplete()
        .filter(episode_id=episode_id, instrument=code)
        .defer(*_SEALED)
        .order_by("-started_at", "-id")[:HISTORY_LIMIT]
    )


@dataclass
class SharedProgress:
    """One measure the clinician shares with the client, and its scores."""

    instrument: Instrument
    episode: Episode
    administrations: list[Administration]


def shared_progress(client: Client) -> list[SharedProgress]:
    """For measures the clinician shares, the client's current scores, oldest
    first. Two queries."""
    schedules = MeasureSchedule.objects.filter(
        episode__client=client, share_with_client=True
    ).select_related("episode")
    pairs: dict[tuple[int, str], Episode] = {}
    for schedule in schedules.order_by("episode__opened_at", "created_at"):
        pairs.setdefault((schedule.episode_id, schedule.instrument), schedule.episode)
    if not pairs:
        return []
    wanted = Q()
    for episode_id, code in pairs:
        wanted |= Q(episode_id=episode_id, instrument=code)
    scores: dict[tuple[int, str], list[Administration]] = {key: [] for key in pairs}
    for administration in (
        Administration.objects.current()
        .filter(client=client)
        .filter(wanted)
        .defer(*_SEALED)
        .order_by("taken_at", "id")[:HISTORY_LIMIT]
    ):
        scores[(administration.episode_id, administration.instrument)].append(
            administration
        )
    progress = []
    for (episode_id, code), episode in pairs.items():
        try:
            instrument = get_instrument(code)
        except KeyError:
            continue
        progress.append(SharedProgress(instrument, episode, scores[(episode_id, code)]))
    return progress


PROMPTS_LIMIT = 20


def open_prompts(client: Client, *, limit: int = PROMPTS_LIMIT) -> list[ClinicalPrompt]:
    """Clinical prompts (AUDIT "next level up") not yet dismissed, newest
    first, at most ``limit`` (up to 20): for the chart and the session page.
    One query."""
    if not 0 < limit <= PROMPTS_LIMIT:
        raise ValueError(f"limit must be from 1 to {PROMPTS_LIMIT}")
    return _open_prompts(client.pk)[:limit]


@prepared
def _open_prompts(client_id: int) -> QuerySet[ClinicalPrompt]:
    return (
        ClinicalPrompt.objects.open()
        .filter(client_id=client_id)
        .select_related("client")
        .order_by("-raised_at", "-id")[:PROMPTS_LIMIT]
    )


def client_drafts(client: Client) -> list[Administration]:
    """The client's own unfinished portal questionnaires in open episodes."""
    return _portal_drafts(client.pk)


@prepared
def _portal_drafts(client_id: int) -> QuerySet[Administration]:
    return (
        Administration.objects.drafts()
        .filter(client_id=client_id, mode=Administration.Mode.PORTAL)
        .exclude(episode__phase=Episode.Phase.CLOSED)
        .defer(*_SEALED)
        .order_by("-started_at")[:20]
    )


# The alliance check's statements run 1 (disagree) to 5 (agree); 2 or lower is
# on the disagree side, the same rule as its "low_rating" note.
ALLIANCE_CHECK = "alliance_check"
LOW_ALLIANCE = 2


def low_alliance_before(episode: Episode, moment: datetime) -> Administration | None:
    """The episode's latest current alliance check taken before ``moment`` (a
    session), if any of its statements was on the disagree side; read from the
    plain "lowest" subscale, so no answers are decrypted."""
    latest = (
        Administration.objects.current()
        .filter(
            episode=episode,
            instrument=ALLIANCE_CHECK,
            taken_at__lt=moment,
            total__isnull=False,
        )
        .defer("answers", "correction_reason")
        .order_by("-taken_at", "-id")
        .first()
    )
    if latest is None:
        return None
    lowest = (latest.subscales or {}).get("lowest")
    if lowest is None or lowest > LOW_ALLIANCE:
        return None
    return latest
