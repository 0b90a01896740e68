"""Writes about goals, treatment plans and session records, and the episode's
goal attainment T-score. Each write checks, writes and audits in one
transaction; views, the demo and commands all call these.

The T-score itself is computed by ``alliance.measures.gas.gas_t_score``, the
project's one implementation of Kiresuk & Sherman's formula; this module only
chooses which ratings and weights go into it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.services import record
from alliance.clients.models import Episode
from alliance.core.prepared import prepared
from alliance.core.signatures import check_signature
from alliance.core.versioning import Conflict, claim, save_if_current
from alliance.measures.engine import get_instrument
from alliance.measures.gas import gas_t_score
from alliance.notes.models import TherapySession
from alliance.plans.models import (
    CONTENT_FIELDS,
    LEVEL_FIELDS,
    LEVELS,
    SELF_RATING_MAX,
    SELF_RATING_MIN,
    Comparison,
    Goal,
    GoalRating,
    GoalSelfRating,
    GoalVersion,
    PlanAcknowledgement,
    SessionPlanRecord,
    TechniqueUse,
    TreatmentPlan,
    TreatmentPlanVersion,
    level_display,
)
from alliance.techniques.library import get_technique

MAX_TEXT = 10_000
MAX_WEIGHT = Decimal(100)
PLAN_FIELDS = (
    "problems",
    "approach",
    "interventions",
    "goals",
    "session_frequency",
    "frequency_note",
    "expected_sessions",
    "measures",
    "next_review",
)


class RecordConflict(Conflict):
    """The session record changed after the editor loaded it; nothing was written.
    ``current`` is the record as now stored."""

    def __init__(self, current: SessionPlanRecord) -> None:
        super().__init__(
            current,
            "This session's plan record was saved in another window, or by someone "
            "else, after you opened it, so your changes were not saved. The saved "
            "version is shown; your text is below it. Add what you need and save "
            "again.",
        )


# -- shared checks ---------------------------------------------------------------


def practice_today(episode: Episode) -> date:
    return episode.client.practice.today()


def _require_open(episode: Episode) -> None:
    if not episode.is_open:
        raise ValidationError(
            "This episode of care is closed, so its goals and plan can no longer "
            "be changed."
        )


def _text(label: str, value: object, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{label} must be text.")
    value = value.strip()
    if required and not value:
        raise ValidationError(f"Write the {label[0].lower()}{label[1:]}.")
    if len(value) > MAX_TEXT:
        raise ValidationError(
            f"{label} can hold up to {MAX_TEXT:,} characters; shorten it a little."
        )
    return value


def _instrument_code(code: str) -> str:
    try:
        get_instrument(code)
    except KeyError:
        raise ValidationError(
            f"“{code}” is not a measure the practice uses; choose one from the list."
        ) from None
    return code


# -- goals -----------------------------------------------------------------------


def _clean_goal(
    fields: Mapping[str, Any], *, creating: bool, today: date
) -> dict[str, Any]:
    """Validate a goal's content; return it tidied. Raises ValidationError with
    every problem found."""
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown goal fields: {sorted(unknown)}")
    errors: list[str] = []
    cleaned: dict[str, Any] = {}

    def check(name: str, label: str, *, required: bool = True) -> None:
        try:
            cleaned[name] = _text(label, fields.get(name), required=required)
        except ValidationError as exc:
            errors.extend(exc.messages)

    check("client_words", "Client's own words")
    check("statement", "Specific, measurable goal")
    for level, name, label in LEVELS:
        check(name, f"Description for level {level_display(level)} ({label.lower()})")
    descriptions = [cleaned.get(name, "").casefold() for name in LEVEL_FIELDS]
    if all(descriptions) and len(set(descriptions)) != len(descriptions):
        errors.append(
            "Each of the five levels needs its own description: two of them are "
            "the same."
        )

    target = fields.get("target_date")
    if not isinstance(target, date) or isinstance(target, datetime):
        errors.append("Give the target date.")
    elif creating and target < today:
        errors.append("The target date cannot be in the past.")
    cleaned["target_date"] = target

    try:
        weight = Decimal(str(fields.get("weight", 1)))
    except InvalidOperation:
        weight = Decimal(-1)
    if not weight.is_finite() or weight <= 0 or weight > MAX_WEIGHT:
        errors.append("The importance weight must be a positive number up to 100.")
    elif weight != weight.quantize(Decimal("0.01")):
        errors.append("Give the importance weight with at most two decimal places.")
    cleaned["weight"] = weight

    code = (fields.get("measure_code") or "").strip()
    comparison = fields.get("measure_comparison") or ""
    target_value = fields.get("measure_target")
    given = [bool(code), bool(comparison), target_value not in (None, "")]
    cleaned.update(measure_code="", measure_comparison="", measure_target=None)
    if any(given) and not all(given):
        errors.append(
            "To link the goal to a measure, give the measure, the comparison and "
            "the target score (for example PHQ-9 below 10), or leave all three empty."
        )
    elif all(given):
        try:
            cleaned["measure_code"] = _instrument_code(code)
        except ValidationError as exc:
            errors.extend(exc.messages)
        if comparison not in Comparison.values:
            errors.append("Choose below, at or below, above or at or above.")
        else:
            cleaned["measure_comparison"] = comparison
        try:
            number = Decimal(str(target_value))
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or abs(number) >= 100_000:
            errors.append("The target score must be a number.")
        else:
            cleaned["measure_target"] = number.quantize(Decimal("0.01"))
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def create_goal(
    episode: Episode,
    *,
    by: User,
    request: HttpRequest | None = None,
    **content: Any,
) -> Goal:
    """Write a goal and its attainment scale (version 1)."""
    episode.client.refuse_unless_primary(by, "write goals")
    _require_open(episode)
    cleaned = _clean_goal(content, creating=True, today=practice_today(episode))
    goal = Goal.objects.create(episode=episode, created_by=by, **cleaned)
    GoalVersion.objects.create(
        goal=goal,
        number=1,
        reason="Goal written with the client.",
        created_by=by,
        created_at=goal.created_at,
        **cleaned,
    )
    record(by, "goal.create", goal, request=request)
    return goal


@transaction.atomic
def revise_goal(
    goal: Goal,
    *,
    by: User,
    reason: str,
    version: int | None = None,
    request: HttpRequest | None = None,
    **changes: Any,
) -> Goal:
    """Change a goal's wording, scale, date, weight or measure; the goal as it
    was stays readable as the previous version. With ``version``, a revision
    from an editor opened before someone else's raises ``Conflict``."""
    goal = (
        Goal.objects.select_for_update()
        .select_related("episode__client")
        .get(pk=goal.pk)
    )
    goal.episode.client.refuse_unless_primary(by, "revise goals")
    _require_open(goal.episode)
    if not goal.is_active:
        raise ValidationError(
            f"This goal is {goal.get_status_display().lower()}, so it can no longer "
            "be revised."
        )
    reason = _text("Reason for the revision", reason, required=True)
    merged = {**goal.content(), **changes}
    cleaned = _clean_goal(merged, creating=False, today=practice_today(goal.episode))
    changed = [name for name in CONTENT_FIELDS if cleaned[name] != getattr(goal, name)]
    if not changed:
        raise ValidationError("Nothing in the goal was changed.")
    for name in changed:
        setattr(goal, name, cleaned[name])
    save_if_current(goal, changed, version=version, by=by)
    last = goal.versions.order_by("-number").values_list("number", flat=True).first()
    saved = GoalVersion.objects.create(
        goal=goal, number=(last or 0) + 1, reason=reason, created_by=by, **cleaned
    )
    record(
        by,
        "goal.revise",
        goal,
        request=request,
        detail={"version": saved.number, "fields": changed},
    )
    return goal


def _close_goal(
    goal: Goal,
    status: str,
    *,
    by: User,
    reason: str,
    request: HttpRequest | None,
) -> Goal:
    goal = (
        Goal.objects.select_for_update()
        .select_related("episode__client")
        .get(pk=goal.pk)
    )
    goal.episode.client.refuse_unless_primary(by, "change a goal's status")
    _require_open(goal.episode)
    if not goal.is_active:
        raise ValidationError(
            f"This goal is already {goal.get_status_display().lower()}."
        )
    goal.status = status
    goal.status_reason = reason
    goal.status_at = timezone.now()
    goal.status_by = by
    goal.save(update_fields=["status", "status_reason", "status_at", "status_by"])
    record(
        by,
        f"goal.{'achieve' if status == Goal.Status.ACHIEVED else 'drop'}",
        goal,
        request=request,
    )
    return goal


@transaction.atomic
def achieve_goal(
    goal: Goal, *, by: User, note: str = "", request: HttpRequest | None = None
) -> Goal:
    """Mark the goal achieved; its ratings still count in the T-score."""
    note = _text("Note", note)
    return _close_goal(goal, Goal.Status.ACHIEVED, by=by, reason=note, request=request)


@transaction.atomic
def drop_goal(
    goal: Goal, *, by: User, reason: str, request: HttpRequest | None = None
) -> Goal:
    """Drop the goal with a reason; it leaves the T-score from now on."""
    reason = _text("Reason for dropping the goal", reason, required=True)
    return _close_goal(goal, Goal.Status.DROPPED, by=by, reason=reason, request=request)


def clean_level(level: Any) -> int:
    """The level as an int from −2 to +2, or ValidationError."""
    if isinstance(level, bool):
        level = None
    if isinstance(level, str):
        text = level.strip().replace("−", "-").lstrip("+")
        level = int(text) if text.lstrip("-").isdigit() else None
    if not isinstance(level, int) or not -2 <= level <= 2:
        raise ValidationError(
            "Choose a level from −2 (much less than expected) to +2 (much more than "
            "expected)."
        )
    return level


@transaction.atomic
def rate_goal(
    goal: Goal,
    level: Any,
    *,
    by: User,
    session: TherapySession | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> GoalRating:
    """Record where the client stands on the goal's scale, at a session or between
    sessions. Only active goals are rated, by the primary clinician."""
    level = clean_level(level)
    note = _text("Note", note)
    goal = (
        Goal.objects.select_for_update()
        .select_related("episode__client")
        .get(pk=goal.pk)
    )
    goal.episode.client.refuse_unless_primary(by, "rate goals")
    _require_open(goal.episode)
    if not goal.is_active:
        raise ValidationError(
            f"This goal is {goal.get_status_display().lower()}, so it is no longer "
            "rated."
        )
    if session is not None:
        if session.episode_id != goal.episode_id:
            raise ValidationError("That session belongs to another episode of care.")
        if GoalRating.objects.filter(goal=goal, session=session).exists():
            raise ValidationError("This goal was already rated in this session.")
    rating = GoalRating.objects.create(  # type: ignore[misc]  # a goal has a version from its creation
        goal=goal,
        goal_version=goal.versions.order_by("-number").first(),
        session=session,
        level=level,
        note=note,
        rated_by=by,
    )
    record(by, "goal.rate", rating, request=request)
    return rating


# -- the T-score -------------------------------------------------------------------


@dataclass(frozen=True)
class TScorePoint:
    session: TherapySession
    at: datetime
    t_score: float


def _episode_ratings(episode: Episode) -> list[GoalRating]:
    ratings = _ratings_of(episode.pk)
    return sorted(ratings, key=lambda r: (r.effective_at, r.rated_at, r.pk))


@prepared
def _ratings_of(episode_id: int) -> QuerySet[GoalRating]:
    return GoalRating.objects.filter(goal__episode_id=episode_id).select_related(
        "session", "goal"
    )


def _t_score(ratings: list[GoalRating], as_of: datetime | None) -> float | None:
    latest: dict[int, GoalRating] = {}
    for rating in ratings:
        if as_of is not None and rating.effective_at > as_of:
            continue
        goal = rating.goal
        if goal.status == Goal.Status.DROPPED and (
            as_of is None or goal.status_at is None or goal.status_at <= as_of
        ):
            continue
        latest[rating.goal_id] = rating
    if not latest:
        return None
    chosen = list(latest.values())
    return gas_t_score(
        [r.level for r in chosen], [float(r.goal.weight) for r in chosen], rho=0.3
    )


def episode_t_score(episode: Episode, *, as_of: datetime | None = None) -> float | None:
    """The episode's goal attainment T-score (Kiresuk & Sherman 1968, ρ = 0.3):
    the latest rating of each goal that is not dropped, with the goal's weight.
    A rating made in a session counts from the session's time. None when no goal
    has been rated."""
    return _t_score(_episode_ratings(episode), as_of)


def latest_ratings_and_t_score(
    episode: Episode,
) -> tuple[dict[int, GoalRating], float | None]:
    """Each goal's latest rating (by when it describes, as the T-score orders
    them) and the episode's T-score, from one read of the episode's ratings:
    the chart's plan card needs both."""
    ratings = _episode_ratings(episode)
    return {rating.goal_id: rating for rating in ratings}, _t_score(ratings, None)


def t_score_history(episode: Episode) -> list[TScorePoint]:
    """The T-score after each session that had ratings, oldest first."""
    ratings = _episode_ratings(episode)
    sessions = {r.session_id: r.session for r in ratings if r.session is not None}
    points = []
    for session in sorted(sessions.values(), key=lambda s: (s.held_at, s.pk)):
        score = _t_score(ratings, session.held_at)
        if score is not None:
            points.append(TScorePoint(session, session.held_at, score))
    return points


# -- treatment plans -----------------------------------------------------------------


def _clean_plan(episode: Episode, content: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(content) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"unknown treatment plan fields: {sorted(unknown)}")
    errors: list[str] = []
    cleaned: dict[str, Any] = {}
    try:
        cleaned["problems"] = _text(
            "Problems and needs", content.get("problems"), required=True
        )
    except ValidationError as exc:
        errors.extend(exc.messages)

    approach = content.get("approach")
    if approach not in TreatmentPlanVersion.Approach.values:
        errors.append("Choose the therapeutic approach from the list.")
    cleaned["approach"] = approach

    slugs = list(content.get("interventions") or [])
    for slug in slugs:
        try:
            get_technique(slug if isinstance(slug, str) else "")
        except KeyError:
            errors.append(f"“{slug}” is not a technique in the library.")
    if len(set(map(str, slugs))) != len(slugs):
        errors.append("A technique is listed twice in the interventions.")
    cleaned["interventions"] = slugs

    given = list(content.get("goals") or [])
    if not all(isinstance(g, Goal) for g in given):
        raise ValueError("goals must be Goal objects")
    # Read afresh: the status decides, not a copy loaded before a change.
    goals = list(Goal.objects.filter(pk__in=[g.pk for g in given]))
    if not goals:
        errors.append(
            "Choose at least one goal for the plan (write the goals with the "
            "client first)."
        )
    if any(g.episode_id != episode.pk for g in goals):
        errors.append("Every goal in the plan must belong to this episode.")
    if any(g.status == Goal.Status.DROPPED for g in goals):
        errors.append("A dropped goal cannot be part of the plan.")
    cleaned["goals"] = goals

    frequency = content.get("session_frequency")
    note = ""
    try:
        note = _text("Session frequency details", content.get("frequency_note"))
    except ValidationError as exc:
        errors.extend(exc.messages)
    if frequency not in TreatmentPlanVersion.Frequency.values:
        errors.append("Choose how often sessions will be.")
    elif frequency == TreatmentPlanVersion.Frequency.OTHER and not note:
        errors.append("Describe the session frequency when you choose “Other”.")
    cleaned["session_frequency"] = frequency
    cleaned["frequency_note"] = note

    expected = content.get("expected_sessions")
    if (
        isinstance(expected, bool)
        or not isinstance(expected, int)
        or not (1 <= expected <= 100)
    ):
        errors.append("The expected number of sessions must be from 1 to 100.")
    cleaned["expected_sessions"] = expected

    measures = []
    seen: set[str] = set()
    for entry in content.get("measures") or []:
        code = entry.get("code", "") if isinstance(entry, Mapping) else ""
        how_often = entry.get("how_often", "") if isinstance(entry, Mapping) else ""
        try:
            _instrument_code(code)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        if how_often not in TreatmentPlanVersion.MeasureInterval.values:
            errors.append(f"Choose how often to repeat {code}.")
        elif code in seen:
            errors.append(f"{code} is listed twice in the measures.")
        else:
            seen.add(code)
            measures.append({"code": code, "how_often": how_often})
    cleaned["measures"] = measures

    review = content.get("next_review")
    if not isinstance(review, date) or isinstance(review, datetime):
        errors.append("Give the date of the next plan review.")
    elif review < practice_today(episode):
        errors.append("The next review date cannot be in the past.")
    cleaned["next_review"] = review
    if errors:
        raise ValidationError(errors)
    return cleaned


def _add_version(
    plan: TreatmentPlan, number: int, cleaned: dict[str, Any], *, by: User, reason: str
) -> TreatmentPlanVersion:
    goals = cleaned.pop("goals")
    version = TreatmentPlanVersion.objects.create(
        plan=plan, number=number, reason=reason, created_by=by, **cleaned
    )
    version.goals.set(goals)
    plan.current = version
    plan.save(update_fields=["current"])
    return version


@transaction.atomic
def create_plan(
    episode: Episode,
    *,
    by: User,
    request: HttpRequest | None = None,
    **content: Any,
) -> TreatmentPlanVersion:
    """Write the episode's treatment plan (version 1)."""
    episode = (
        Episode.objects.select_for_update().select_related("client").get(pk=episode.pk)
    )
    episode.client.refuse_unless_primary(by, "write the treatment plan")
    _require_open(episode)
    if TreatmentPlan.objects.filter(episode=episode).exists():
        raise ValidationError(
            "This episode already has a treatment plan: review it to make a new "
            "version."
        )
    cleaned = _clean_plan(episode, content)
    plan = TreatmentPlan.objects.create(episode=episode, created_by=by)
    version = _add_version(plan, 1, cleaned, by=by, reason="")
    record(by, "treatment_plan.create", plan, request=request, detail={"version": 1})
    return version


@transaction.atomic
def review_plan(
    plan: TreatmentPlan,
    *,
    by: User,
    reason: str,
    version: int | None = None,
    request: HttpRequest | None = None,
    **content: Any,
) -> TreatmentPlanVersion:
    """Save the reviewed plan as the next version; earlier versions stay as they
    were written. With ``version``, a review from an editor opened before
    someone else's review raises ``Conflict`` (nothing is written)."""
    plan = (
        TreatmentPlan.objects.select_for_update(of=("self",))
        .select_related("episode__client", "current")
        .get(pk=plan.pk)
    )
    plan.episode.client.refuse_unless_primary(by, "review the treatment plan")
    _require_open(plan.episode)
    errors = []
    try:
        reason = _text("Reason for the review", reason, required=True)
    except ValidationError as exc:
        errors.extend(exc.messages)
    try:
        cleaned = _clean_plan(plan.episode, content)
    except ValidationError as exc:
        errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    claim(
        plan,
        version,
        current=lambda: TreatmentPlan.objects.select_related("current").get(pk=plan.pk),
    )
    number = (plan.current.number if plan.current else 0) + 1
    added = _add_version(plan, number, cleaned, by=by, reason=reason)
    record(
        by, "treatment_plan.review", plan, request=request, detail={"version": number}
    )
    return added


@transaction.atomic
def acknowledge_plan_version(
    version: TreatmentPlanVersion,
    *,
    by: User,
    method: str,
    given_at: datetime,
    request: HttpRequest | None = None,
) -> PlanAcknowledgement:
    """Record that the client acknowledged this version of their plan."""
    version = TreatmentPlanVersion.objects.select_related("plan__episode__client").get(
        pk=version.pk
    )
    version.plan.episode.client.refuse_unless_primary(
        by, "record the client's acknowledgement"
    )
    if method not in PlanAcknowledgement.Method.values:
        raise ValidationError("Choose how the client acknowledged the plan.")
    if not isinstance(given_at, datetime) or timezone.is_naive(given_at):
        raise ValidationError("Give the date and time of the acknowledgement.")
    if given_at > timezone.now():
        raise ValidationError("An acknowledgement cannot be dated in the future.")
    written = version.created_at.replace(second=0, microsecond=0)
    if given_at < written:
        raise ValidationError(
            "An acknowledgement cannot be dated before this version of the plan "
            "was written."
        )
    if PlanAcknowledgement.objects.filter(version=version).exists():
        raise ValidationError("This version of the plan was already acknowledged.")
    ack = PlanAcknowledgement.objects.create(
        version=version, method=method, given_at=given_at, recorded_by=by
    )
    record(
        by,
        "treatment_plan.acknowledge",
        ack,
        request=request,
        detail={"version": version.number},
    )
    return ack


# -- session records ------------------------------------------------------------------


@transaction.atomic
def save_session_record(
    session: TherapySession,
    *,
    by: User,
    version: int,
    goals_addressed: Iterable[Goal] = (),
    techniques: Mapping[str, str] | None = None,
    reflections: str = "",
    homework_reviewed: str = "",
    homework_assigned: str = "",
    ratings: Mapping[Goal, Any] | None = None,
    request: HttpRequest | None = None,
) -> SessionPlanRecord:
    """Save what the session did with the plan, if the record is still at
    ``version``, and record the goal ratings given.

    Raises RecordConflict when the record was saved since the editor loaded that
    version; ratings are then not recorded either.
    """
    session = TherapySession.objects.select_related("client", "episode").get(
        pk=session.pk
    )
    episode = session.episode
    episode.client.refuse_unless_primary(by, "record the session's work on the plan")
    errors: list[str] = []
    goals = list(goals_addressed)
    if any(g.episode_id != episode.pk for g in goals):
        errors.append("Every goal addressed must belong to this episode.")
    texts = {}
    for name, label, value in (
        ("reflections", "Client's reflections", reflections),
        ("homework_reviewed", "Homework reviewed", homework_reviewed),
        ("homework_assigned", "Homework assigned", homework_assigned),
    ):
        try:
            texts[name] = _text(label, value)
        except ValidationError as exc:
            errors.extend(exc.messages)
    record_row = SessionPlanRecord.objects.filter(session=session).first()
    known = (
        set(record_row.techniques.values_list("slug", flat=True))
        if record_row
        else set()
    )
    responses: dict[str, str] = {}
    for slug, response in (techniques or {}).items():
        if slug not in known:
            try:
                get_technique(slug)
            except KeyError:
                errors.append(f"“{slug}” is not a technique in the library.")
                continue
        try:
            responses[slug] = _text("Client's response", response)
        except ValidationError as exc:
            errors.extend(exc.messages)
    levels: dict[Goal, int] = {}
    for goal, level in (ratings or {}).items():
        try:
            levels[goal] = clean_level(level)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)

    if record_row is None:
        if version != 1:
            raise ValidationError(
                "This session's plan record could not be found at the version you "
                "opened; reload the page."
            )
        record_row = SessionPlanRecord.objects.create(session=session, updated_by=by)
    # The compare-and-set is the lock (as for progress notes): zero rows means
    # someone else saved first.
    for name, value in texts.items():
        setattr(record_row, name, value)
    save_if_current(record_row, texts, version=version, by=by, conflict=RecordConflict)
    record_row.goals_addressed.set(goals)
    uses = {use.slug: use for use in record_row.techniques.all()}
    for slug, response in responses.items():
        use = uses.get(slug) or TechniqueUse(record=record_row, slug=slug)
        if use.pk is None or not use.used or use.client_response != response:
            use.used = True
            use.client_response = response
            use.save()
    for slug, use in uses.items():
        if slug not in responses and use.used:
            use.used = False
            use.save(update_fields=["used"])
    record(
        by,
        "session_plan.save",
        record_row,
        request=request,
        detail={"version": record_row.version},
    )
    for goal, level in levels.items():
        rate_goal(goal, level, by=by, session=session, request=request)
    return record_row


def plan_statement(version: TreatmentPlanVersion) -> str:
    """What the client confirms when signing a plan version in the portal."""
    return f"I have read version {version.number} of my treatment plan and agree to it."


@transaction.atomic
def sign_plan_version(
    version: TreatmentPlanVersion,
    *,
    signed_name: str,
    agreed: bool,
    digest: str,
    by: User,
    request: HttpRequest | None = None,
) -> PlanAcknowledgement:
    """The client signs the current version of their plan in the portal: typed
    name, the statement ticked and the version's digest. A newer version needs
    its own signature. Audited."""
    version = TreatmentPlanVersion.objects.select_related(
        "plan__episode__client", "plan__current"
    ).get(pk=version.pk)
    client = version.plan.episode.client
    if by.role != User.Role.CLIENT or client.user_id != by.pk:
        raise ValidationError("Only the client can sign their own plan.")
    if version.plan.current_id != version.pk:
        raise ValidationError(
            "Your plan has a newer version. Please read it and sign that one."
        )
    name = check_signature(
        signed_name=signed_name,
        agreed=agreed,
        posted_digest=digest,
        digest=version.content_digest(),
    )
    if PlanAcknowledgement.objects.filter(version=version).exists():
        raise ValidationError("This version of your plan was already agreed.")
    ack = PlanAcknowledgement.objects.create(
        version=version,
        method=PlanAcknowledgement.Method.SIGNED_ELECTRONIC,
        given_at=timezone.now(),
        recorded_by=by,
        signed_name=name,
        statement=plan_statement(version),
        digest=version.content_digest(),
    )
    record(
        by,
        "treatment_plan.sign",
        ack,
        request=request,
        detail={"version": version.number, "digest": ack.digest},
    )
    return ack


@transaction.atomic
def self_rate_goal(
    goal: Goal,
    *,
    score: Any,
    note: str = "",
    by: User,
    request: HttpRequest | None = None,
) -> GoalSelfRating:
    """The client rates, between sessions, how close they are to a goal (0–10,
    models.SELF_RATING_MIN/MAX); kept apart from the clinician's GAS ratings."""
    goal = Goal.objects.select_related("episode__client").get(pk=goal.pk)
    client = goal.episode.client
    if by.role != User.Role.CLIENT or client.user_id != by.pk:
        raise ValidationError("Only the client can rate their own goals.")
    if not goal.is_active:
        raise ValidationError("This goal is no longer being worked on.")
    if goal.episode.phase in Episode.ENDED_PHASES:
        raise ValidationError("This episode of care has ended.")
    try:
        value = int(str(score).strip())
    except (TypeError, ValueError):
        raise ValidationError("Choose a number from 0 to 10.") from None
    if not SELF_RATING_MIN <= value <= SELF_RATING_MAX:
        raise ValidationError("Choose a number from 0 to 10.")
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError("Keep the note under 2,000 characters.")
    rating = GoalSelfRating.objects.create(
        goal=goal, score=value, note=note, rated_by=by
    )
    record(
        by,
        "goal.self_rate",
        rating,
        request=request,
        detail={"score": value},
    )
    return rating
