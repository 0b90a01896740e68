"""Read-only queries for pages: the goals page, the client chart, the session
page and the home page. Callers decide access before calling; each query is
bounded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from alliance.accounts.models import User, zone_of
from alliance.clients.models import (
    Client,
    Episode,
    caseload_clinician_ids,
    clients_of_q,
)
from alliance.core.prepared import first_of, prepared
from alliance.notes.models import TherapySession
from alliance.plans.forms import SessionRecordForm
from alliance.plans.models import (
    Goal,
    GoalRating,
    GoalSelfRating,
    GoalVersion,
    PlanAcknowledgement,
    SessionPlanRecord,
    TechniqueUse,
    TreatmentPlan,
    TreatmentPlanVersion,
)
from alliance.plans.services import (
    TScorePoint,
    episode_t_score,
    latest_ratings_and_t_score,
    practice_today,
    t_score_history,
)

REVIEW_WINDOW = timedelta(days=7)
# A rating describes its session's time, or when it was made between sessions
# (GoalRating.effective_at); the T-score orders ratings the same way.
EFFECTIVE = Coalesce("session__held_at", "rated_at")
REVIEWS_LIMIT = 50
CITATION = (
    "Kiresuk & Sherman (1968); ρ = 0.3 as in the original paper; formula as "
    "corrected by Turner-Stokes (2009)"
)

# The sparkline's vertical range: T-scores outside it are drawn at its edge.
SPARK_WIDTH, SPARK_HEIGHT, SPARK_LOW, SPARK_HIGH = 240, 60, 20.0, 80.0


@dataclass(frozen=True)
class Sparkline:
    points: str  # "x,y x,y ..." for <polyline points>
    baseline_y: float  # where T = 50 (the expected outcome) falls
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT
    dots: tuple[tuple[float, float], ...] = ()


def sparkline(history: list[TScorePoint]) -> Sparkline | None:
    """Coordinates for a small inline SVG of the T-score over sessions, or None
    with fewer than two points."""
    if len(history) < 2:
        return None
    pad = 4

    def y(value: float) -> float:
        clamped = min(max(value, SPARK_LOW), SPARK_HIGH)
        share = (clamped - SPARK_LOW) / (SPARK_HIGH - SPARK_LOW)
        return round(SPARK_HEIGHT - pad - share * (SPARK_HEIGHT - 2 * pad), 1)

    step = (SPARK_WIDTH - 2 * pad) / (len(history) - 1)
    dots = tuple(
        (round(pad + i * step, 1), y(point.t_score)) for i, point in enumerate(history)
    )
    return Sparkline(
        points=" ".join(f"{x},{y_}" for x, y_ in dots),
        baseline_y=y(50.0),
        dots=dots,
    )


def review_state(version: TreatmentPlanVersion | None, today: date) -> str:
    """ "overdue", "due" (within seven days) or "" for the plan's next review."""
    if version is None:
        return ""
    if version.next_review < today:
        return "overdue"
    if version.next_review <= today + REVIEW_WINDOW:
        return "due"
    return ""


# -- goals page -------------------------------------------------------------------


@dataclass
class GoalsPage:
    goals: list[Goal]
    t_score: float | None
    history: list[TScorePoint]
    spark: Sparkline | None
    citation: str = CITATION


def goals_page(episode: Episode) -> GoalsPage:
    """Each goal with its versions and ratings (newest first), and the T-score."""
    goals = list(
        episode.goals.select_related("created_by", "status_by").prefetch_related(
            Prefetch(
                "versions",
                queryset=GoalVersion.objects.select_related("created_by").order_by(
                    "-number"
                ),
            ),
            Prefetch(
                "ratings",
                queryset=GoalRating.objects.select_related(
                    "session", "rated_by", "goal_version"
                ).order_by(EFFECTIVE.desc(), "-rated_at", "-id"),
            ),
            Prefetch(
                "self_ratings",
                queryset=GoalSelfRating.objects.order_by("-rated_at", "-id"),
            ),
        )
    )
    history = t_score_history(episode)
    return GoalsPage(
        goals=goals,
        t_score=episode_t_score(episode),
        history=history,
        spark=sparkline(history),
    )


# -- client chart -----------------------------------------------------------------


@dataclass
class OwnRating:
    """The client's latest own 0–10 rating of a goal, for the chart."""

    score: int
    rated_at: Any


@dataclass
class ChartGoal:
    goal: Goal
    latest: GoalRating | None
    # The client's own 0–10 rating from the portal, kept apart from GAS.
    self_latest: OwnRating | None = None


@dataclass
class ChartPlan:
    episode: Episode
    version: TreatmentPlanVersion | None
    review: str
    goals: list[ChartGoal]
    t_score: float | None
    citation: str = CITATION


@prepared
def _plan_of(episode_id: int) -> QuerySet[TreatmentPlan]:
    return first_of(
        TreatmentPlan.objects.filter(episode_id=episode_id).select_related(
            "current__acknowledgement"
        )
    )


@prepared
def _chart_goals(episode_id: int) -> QuerySet[Any]:
    """The episode's goals not dropped; the client's latest own rating rides
    on the query (no extra query)."""
    own = GoalSelfRating.objects.filter(goal=OuterRef("pk")).order_by(
        "-rated_at", "-id"
    )
    return (
        Goal.objects.filter(episode_id=episode_id)
        .exclude(status=Goal.Status.DROPPED)
        .annotate(
            own_score=Subquery(own.values("score")[:1]),
            own_at=Subquery(own.values("rated_at")[:1]),
        )
    )


def chart_plan(episode: Episode | None) -> ChartPlan | None:
    """The open episode's current plan, goals with their latest rating, and the
    T-score, for the client chart; None without an open episode."""
    if episode is None:
        return None
    plan = _plan_of.first(episode.pk)
    version = plan.current if plan else None
    goals = _chart_goals(episode.pk)
    for goal in goals:
        goal.episode = episode
    latest, t_score = latest_ratings_and_t_score(episode)
    return ChartPlan(
        episode=episode,
        version=version,
        review=review_state(version, practice_today(episode)),
        goals=[
            ChartGoal(
                goal,
                latest.get(goal.pk),
                OwnRating(goal.own_score, goal.own_at)
                if goal.own_score is not None
                else None,
            )
            for goal in goals
        ],
        t_score=t_score,
    )


# -- home -------------------------------------------------------------------------


@prepared
def _reviews_by(
    clinician_ids: list[int], practice_id: int | None, review_by: date
) -> QuerySet[TreatmentPlan]:
    return (
        TreatmentPlan.objects.filter(
            clients_of_q(clinician_ids, practice_id, "episode__client"),
            current__next_review__lte=review_by,
        )
        .exclude(episode__phase=Episode.Phase.CLOSED)
        .select_related("current", "episode__client")
        # The card shows the link, the client's name and the review date.
        .only(
            "current__next_review",
            "episode__uuid",
            *Client.listing_fields("episode__client"),
        )
        .order_by("current__next_review", "id")[:REVIEWS_LIMIT]
    )


def reviews_due(user: User) -> list[Any]:
    """Plans in the user's caseload (open episodes) whose next review is within
    seven days or overdue, soonest first, at most 50. One query."""
    today = timezone.localdate(timezone=zone_of(user.practice))
    rows: list[Any] = _reviews_by(
        caseload_clinician_ids(user),
        getattr(user, "practice_id", None),
        today + REVIEW_WINDOW,
    )
    for row in rows:
        row.review = review_state(row.current, today)
    return rows


# -- session page -----------------------------------------------------------------


@dataclass
class SessionPlan:
    session: TherapySession
    record: SessionPlanRecord | None
    can_edit: bool
    version: TreatmentPlanVersion | None
    goals_addressed: list[Goal]
    techniques_used: list[TechniqueUse]
    session_ratings: list[GoalRating]
    due_goals: list[Goal]
    form: SessionRecordForm | None
    extra: dict[str, Any] = field(default_factory=dict)


def session_plan(
    session: TherapySession, user: User, *, data: Any = None, version: int | None = None
) -> SessionPlan:
    """What the session page shows of the plan: the editor for the primary
    clinician (``data`` binds it to a POST), a read-only record for others.

    A rating is due for every active goal not yet rated in this session."""
    episode = session.episode
    record = (
        SessionPlanRecord.objects.filter(session=session)
        .select_related("updated_by")
        .first()
    )
    plan = (
        TreatmentPlan.objects.filter(episode_id=session.episode_id)
        .select_related("current")
        .first()
    )
    current = plan.current if plan else None
    goals = list(episode.goals.all())
    addressed_ids = (
        set(record.goals_addressed.values_list("pk", flat=True)) if record else set()
    )
    uses = list(record.techniques.all()) if record else []
    ratings = list(
        GoalRating.objects.filter(session=session)
        .select_related("goal_version", "rated_by")
        .order_by("id")
    )
    rated_ids = {r.goal_id for r in ratings}
    for rating in ratings:
        rating.goal = next(g for g in goals if g.pk == rating.goal_id)
    due = [g for g in goals if g.is_active and g.pk not in rated_ids]
    can_edit = session.client.clinician_id == user.pk
    form = None
    if can_edit:
        form = SessionRecordForm(
            data,
            goals=[g for g in goals if g.is_active or g.pk in addressed_ids],
            plan_slugs=list(current.interventions) if current else [],
            uses=uses,
            due_goals=due,
            record=record,
            addressed_ids=addressed_ids,
            version=version,
        )
    return SessionPlan(
        session=session,
        record=record,
        can_edit=can_edit,
        version=current,
        goals_addressed=[g for g in goals if g.pk in addressed_ids],
        techniques_used=[u for u in uses if u.used],
        session_ratings=ratings,
        due_goals=due,
        form=form,
    )


# -- portal -----------------------------------------------------------------------


@dataclass
class PortalGoal:
    goal: Goal
    self_ratings: list[GoalSelfRating]

    @property
    def latest(self) -> GoalSelfRating | None:
        return self.self_ratings[0] if self.self_ratings else None


@dataclass
class PortalPlan:
    episode: Episode
    version: TreatmentPlanVersion | None
    acknowledgement: PlanAcknowledgement | None
    digest: str
    goals: list[PortalGoal]

    @property
    def needs_signature(self) -> bool:
        return self.version is not None and self.acknowledgement is None


def portal_plan(episode: Episode | None) -> PortalPlan | None:
    """The client's current plan version (and whether it was agreed), with
    their active and achieved goals and their own ratings, newest first; the
    clinician's GAS ratings are not shown here. None without an episode."""
    if episode is None:
        return None
    plan = (
        TreatmentPlan.objects.filter(episode=episode)
        .select_related("current__plan")
        .first()
    )
    version = plan.current if plan else None
    ack = (
        PlanAcknowledgement.objects.filter(version=version).first() if version else None
    )
    goals = list(
        episode.goals.exclude(status=Goal.Status.DROPPED).prefetch_related(
            Prefetch(
                "self_ratings",
                queryset=GoalSelfRating.objects.order_by("-rated_at", "-id"),
            )
        )
    )
    return PortalPlan(
        episode=episode,
        version=version,
        acknowledgement=ack,
        digest=version.content_digest() if version else "",
        goals=[PortalGoal(g, list(g.self_ratings.all())) for g in goals],
    )
