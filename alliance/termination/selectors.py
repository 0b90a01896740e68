"""Read-only queries: the facts a readiness review and a termination summary
are assembled from, the wording that pre-fills the summary and the plan, and
the small objects the client chart and the portal home show.

Facts are plain JSON (numbers, dates as ISO strings, codes and labels) so they
can be kept as a snapshot; free text is never copied into them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from alliance.clients.models import Client, Episode
from alliance.core.prepared import first_of, prepared
from alliance.homework.selectors import review as homework_review
from alliance.intake.models import Intake, IntakeSection
from alliance.measures.adsm import nhs_caseness, nhs_caseness_rule
from alliance.measures.change import IMPROVEMENT, classify_change
from alliance.measures.charts import Point, progress_svg
from alliance.measures.engine import get_instrument
from alliance.measures.models import Administration
from alliance.measures.selectors import CHANGE_LABELS, episode_nhs_outcome
from alliance.notes.models import TherapySession
from alliance.plans.models import Goal, GoalRating, TechniqueUse, TreatmentPlan
from alliance.plans.selectors import EFFECTIVE
from alliance.plans.services import episode_t_score, t_score_history
from alliance.techniques.library import get_technique
from alliance.termination.models import (
    ReadinessReview,
    RelapsePreventionPlanVersion,
    TerminationSummary,
)
from alliance.toolbox.models import CopingSkill

# The alliance check is the alliance measure: the client's agreement with
# three statements after a session (3-15, higher is better; not validated, so
# it has no reliable-change norm). It is shown as the alliance trend, not as an
# outcome. The retired session feedback form (0-10) is its predecessor: its
# answers give the trend only when the episode has no alliance check.
ALLIANCE_MEASURE = "alliance_check"
RETIRED_ALLIANCE_MEASURES = ("session_feedback",)
# A change of less than one point is called steady: the project's own
# convention for an unvalidated scale (docs/termination.md).
ALLIANCE_STEADY = 1.0
# Phases in which the termination work is shown and written.
LATE_PHASES = (Episode.Phase.TERMINATION, Episode.Phase.AFTERCARE)
SHOWN_PHASES = (*LATE_PHASES, Episode.Phase.CLOSED)

RECOVERY_LABELS = {
    "recovered": "Recovered",
    "not_recovered": "Not recovered",
    "not_applicable": "Not applicable: not in the clinical range at the start",
}
DIRECTION_LABELS = {"up": "Rising", "down": "Falling", "steady": "Steady"}


def _local_day(moment: datetime | None, episode: Episode) -> str | None:
    if moment is None:
        return None
    return episode.client.practice.today(moment).isoformat()


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


def _technique_name(slug: str) -> str:
    try:
        return get_technique(slug).name
    except KeyError:
        return slug


# -- the facts -------------------------------------------------------------------


def _sessions(episode: Episode) -> dict[str, Any]:
    found = TherapySession.objects.filter(episode=episode).aggregate(
        count=Count("id"), first=Min("held_at"), last=Max("held_at")
    )
    return {
        "count": found["count"],
        "first": _local_day(found["first"], episode),
        "last": _local_day(found["last"], episode),
    }


def _approach(episode: Episode) -> dict[str, Any]:
    plan = (
        TreatmentPlan.objects.filter(episode=episode).select_related("current").first()
    )
    version = plan.current if plan else None
    if version is None:
        return {"code": "", "label": "", "planned": []}
    return {
        "code": version.approach,
        "label": version.get_approach_display(),
        "planned": [name for _, name, _ in version.intervention_list()],
    }


def _techniques(episode: Episode) -> list[dict[str, Any]]:
    """Techniques used in the episode's sessions, most used first."""
    rows = (
        TechniqueUse.objects.filter(record__session__episode=episode, used=True)
        .values("slug")
        .annotate(sessions=Count("record", distinct=True))
        .order_by("-sessions", "slug")
    )
    return [
        {
            "slug": r["slug"],
            "name": _technique_name(r["slug"]),
            "sessions": r["sessions"],
        }
        for r in rows
    ]


def _goals(episode: Episode) -> dict[str, Any]:
    goals = list(episode.goals.all())
    latest: dict[int, GoalRating] = {}
    for rating in (
        GoalRating.objects.filter(goal__in=goals)
        .select_related("session")
        .order_by(EFFECTIVE, "rated_at", "id")
    ):
        latest[rating.goal_id] = rating
    history = t_score_history(episode)
    t_score = episode_t_score(episode)
    rows = []
    for goal in goals:
        goal_rating = latest.get(goal.pk)
        rows.append(
            {
                "uuid": str(goal.uuid),
                "status": goal.status,
                "level": goal_rating.level if goal_rating else None,
                "rated_on": _local_day(goal_rating.effective_at, episode)
                if goal_rating
                else None,
                "weight": _number(float(goal.weight)),
            }
        )
    return {
        "goals": rows,
        "t_score": None if t_score is None else round(t_score, 1),
        "t_score_first": round(history[0].t_score, 1) if history else None,
    }


def _recovery(first: bool | None, last: bool | None, count: int) -> str | None:
    """Per measure, as NHS Talking Therapies defines recovery: at caseness at
    the first score and not at the last (Clark et al. 2018)."""
    if count < 2 or first is None or last is None:
        return None
    if not first:
        return "not_applicable"
    return "not_recovered" if last else "recovered"


def _measures(episode: Episode) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Each outcome measure's first and last current score with their change,
    and the alliance measure's trend."""
    by_code: dict[str, list[Administration]] = {}
    for administration in (
        Administration.objects.current()
        .filter(episode=episode, total__isnull=False)
        .defer("answers", "correction_reason")
        .order_by("taken_at", "id")
    ):
        by_code.setdefault(administration.instrument, []).append(administration)
    measures = []
    alliance = None
    retired_alliance = None
    for code, rows in by_code.items():
        first, last = rows[0], rows[-1]
        try:
            instrument = get_instrument(code)
        except KeyError:
            instrument = None
        name = instrument.short_name if instrument else code
        if code == ALLIANCE_MEASURE:
            alliance = _alliance(episode, name, rows, code)
            continue
        if code in RETIRED_ALLIANCE_MEASURES:
            retired_alliance = _alliance(episode, name, rows, code)
            continue
        change = None
        if len(rows) >= 2 and instrument is not None:
            try:
                change = classify_change(instrument, first.total, last.total)  # type: ignore[arg-type]  # rows filtered on total__isnull=False (taken_at is set on submit)
            except (ValueError, KeyError, TypeError, ZeroDivisionError):
                change = None
        # Recovery as NHS Talking Therapies defines it, so on its cut-offs
        # where it has one (GAD-7 8, not the screening cut-off 10 that the
        # stored score carries); other measures keep their own caseness.
        rule = nhs_caseness_rule(code)
        case_first = nhs_caseness(code, first.total) if rule else first.caseness
        case_last = nhs_caseness(code, last.total) if rule else last.caseness
        if (
            not rule
            and instrument is not None
            and instrument.caseness_cutoff is not None
        ):
            side = "or more" if instrument.better == "lower" else "or less"
            rule = f"{name} {instrument.caseness_cutoff:g} {side}"
        recovery = _recovery(case_first, case_last, len(rows))
        measures.append(
            {
                "code": code,
                "name": name,
                "better": instrument.better if instrument else "",
                "count": len(rows),
                "first": _number(first.total),
                "first_on": _local_day(first.taken_at, episode),
                "first_band": first.band_label,
                "last": _number(last.total),
                "last_on": _local_day(last.taken_at, episode),
                "last_band": last.band_label,
                "change": change.category if change else None,
                "change_label": CHANGE_LABELS.get(change.category, "")
                if change
                else "",
                "rci": _number(change.rci)
                if change and change.rci is not None
                else None,
                "method": change.method if change else "",
                "threshold": _number(change.threshold) if change else None,
                "clinically_significant": (
                    change.clinically_significant if change else None
                ),
                "caseness_first": case_first,
                "caseness_last": case_last,
                "caseness_rule": rule,
                "recovery": recovery,
                "recovery_label": RECOVERY_LABELS.get(recovery or "", ""),
                "reliable_recovery": (
                    recovery == "recovered"
                    and change is not None
                    and change.category == IMPROVEMENT
                ),
            }
        )
    return measures, alliance or retired_alliance


def _alliance(
    episode: Episode, name: str, rows: list[Administration], code: str
) -> dict[str, Any]:
    first, last = rows[0], rows[-1]
    difference = last.total - first.total if len(rows) >= 2 else None  # type: ignore[operator]  # rows filtered on total__isnull=False (taken_at is set on submit)
    direction = None
    if difference is not None:
        if abs(difference) < ALLIANCE_STEADY:
            direction = "steady"
        else:
            direction = "up" if difference > 0 else "down"
    return {
        "code": code,
        "name": name,
        "count": len(rows),
        "first": _number(first.total),
        "first_on": _local_day(first.taken_at, episode),
        "last": _number(last.total),
        "last_on": _local_day(last.taken_at, episode),
        "difference": _number(difference),
        "direction": direction,
        "direction_label": DIRECTION_LABELS.get(direction or "", ""),
    }


def _homework(episode: Episode) -> dict[str, Any]:
    result = homework_review(episode)
    done = sum(row.done for row in result.rows)
    missed = sum(row.missed for row in result.rows)
    return {
        "assignments": len(result.rows),
        "done": done,
        "missed": missed,
        "percent": round(100 * done / (done + missed)) if done + missed else None,
        "recent_percent": result.adherence.percent,
    }


def assemble_facts(episode: Episode) -> dict[str, Any]:
    """Everything the readiness review and the summary state about the episode,
    computed from the record now."""
    measures, alliance = _measures(episode)
    nhs = episode_nhs_outcome(episode)
    return {
        "assembled_at": timezone.now().isoformat(),
        "sessions": _sessions(episode),
        "approach": _approach(episode),
        "techniques": _techniques(episode),
        **_goals(episode),
        "measures": measures,
        "nhs": {
            key: nhs[key]
            for key in (
                "eligible",
                "recovery",
                "reliable_improvement",
                "reliable_deterioration",
                "reliable_recovery",
                "reason",
            )
        },
        "homework": _homework(episode),
        "alliance": alliance,
    }


# -- showing facts -----------------------------------------------------------------


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass
class GoalFact:
    goal: Goal | None
    status: str
    level: int | None
    rated_on: date | None

    @property
    def level_label(self) -> str:
        if self.level is None:
            return ""
        return (
            f"+{self.level}"
            if self.level > 0
            else ("0" if self.level == 0 else f"−{-self.level}")
        )

    @property
    def status_label(self) -> str:
        return (
            Goal.Status(self.status).label
            if self.status in Goal.Status.values
            else self.status
        )


def present(facts: dict[str, Any]) -> dict[str, Any]:
    """The facts ready for a template: ISO dates as dates and each goal with its
    Goal row (whose text is read from its own encrypted columns). One query."""
    if not facts:
        return {}
    shown = dict(facts)
    uuids = [g["uuid"] for g in facts.get("goals", [])]
    goals = {str(g.uuid): g for g in Goal.objects.filter(uuid__in=uuids)}
    shown["goals"] = [
        GoalFact(goals.get(g["uuid"]), g["status"], g["level"], _day(g["rated_on"]))
        for g in facts.get("goals", [])
    ]
    sessions = dict(facts.get("sessions", {}))
    sessions["first"] = _day(sessions.get("first"))
    sessions["last"] = _day(sessions.get("last"))
    shown["sessions"] = sessions
    shown["measures"] = [
        {**m, "first_on": _day(m["first_on"]), "last_on": _day(m["last_on"])}
        for m in facts.get("measures", [])
    ]
    if facts.get("alliance"):
        a = facts["alliance"]
        shown["alliance"] = {
            **a,
            "first_on": _day(a["first_on"]),
            "last_on": _day(a["last_on"]),
        }
    shown["assembled_at"] = datetime.fromisoformat(facts["assembled_at"])
    return shown


# -- wording that pre-fills the summary and the plan ------------------------------------


def _date_text(value: str | None) -> str:
    return f"{date.fromisoformat(value):%-d %B %Y}" if value else ""


def _presenting(episode: Episode) -> str:
    parts = []
    section = IntakeSection.objects.filter(
        intake__in=Intake.objects.filter(episode=episode),
        key=IntakeSection.Key.PRESENTING,
    ).first()
    if section is not None and section.text.strip():
        parts.append(section.text.strip())
        if section.hopes.strip():
            parts.append(f"Hopes for therapy: {section.hopes.strip()}")
    elif episode.client.referral_reason.strip():
        parts.append(f"Reason for referral: {episode.client.referral_reason.strip()}")
    plan = (
        TreatmentPlan.objects.filter(episode=episode).select_related("current").first()
    )
    if plan is not None and plan.current is not None and plan.current.problems.strip():
        parts.append(
            f"Problems addressed in the treatment plan: {plan.current.problems.strip()}"
        )
    return "\n\n".join(parts)


def _sessions_text(sessions: dict[str, Any]) -> str:
    n = sessions["count"]
    if not n:
        return "No sessions were recorded."
    if n == 1:
        return f"1 session, on {_date_text(sessions['first'])}."
    return (
        f"{n} sessions, from {_date_text(sessions['first'])} "
        f"to {_date_text(sessions['last'])}."
    )


def _measure_line(m: dict[str, Any]) -> str:
    if m["count"] < 2:
        return f"{m['name']}: one score, {m['first']:g}."
    details = [m["change_label"] or "change not classified"]
    if m["recovery_label"]:
        details.append(m["recovery_label"].split(":")[0].lower())
    return f"{m['name']}: {m['first']:g} to {m['last']:g} ({'; '.join(details)})."


def _current_skills(client: Client) -> list[CopingSkill]:
    return list(CopingSkill.objects.current().filter(client=client))


def summary_prefill(episode: Episode, facts: dict[str, Any]) -> dict[str, str]:
    """Both versions of a new termination summary, worded from the record."""
    client = episode.client
    practice = client.practice
    sessions = facts["sessions"]
    approach = facts["approach"]
    techniques = facts["techniques"]
    homework = facts["homework"]
    skills = _current_skills(client)
    goals = [g for g in episode.goals.all() if g.status != Goal.Status.DROPPED]

    work = []
    if approach["label"]:
        work.append(f"Approach: {approach['label']}.")
    work.append(f"Sessions: {_sessions_text(sessions)}")
    if techniques:
        used = ", ".join(
            f"{t['name']} ({t['sessions']} session{'s' if t['sessions'] != 1 else ''})"
            for t in techniques
        )
        work.append(f"Techniques used: {used}.")
    if homework["percent"] is not None:
        work.append(
            f"Homework: {homework['done']} of {homework['done'] + homework['missed']} "
            f"due tasks completed ({homework['percent']}%)."
        )

    outcomes = [_measure_line(m) for m in facts["measures"]]
    if facts["t_score"] is not None:
        outcomes.append(
            f"Goal attainment T-score: {facts['t_score']:g} (50 means the goals "
            "were met as expected)."
        )
    if facts["alliance"] and facts["alliance"]["direction"]:
        a = facts["alliance"]
        outcomes.append(
            f"{a['name']}: {a['first']:g} to {a['last']:g} "
            f"({a['direction_label'].lower()})."
        )

    remaining = [_still_clinical(m) for m in facts["measures"] if m["caseness_last"]]
    latest = {g["uuid"]: g for g in facts["goals"]}
    for goal in goals:
        level = latest.get(str(goal.uuid), {}).get("level")
        if goal.status != Goal.Status.ACHIEVED and (level is None or level < 0):
            remaining.append(f"Goal not yet met: {goal.statement}")

    months = practice.followup_month_list()
    recommendations = []
    if months:
        listed = ", ".join(str(m) for m in months[:-1])
        listed = f"{listed} and {months[-1]}" if listed else str(months[-1])
        recommendations.append(
            f"Follow-up check-ins {listed} month{'s' if months != [1] else ''} "
            "after the end of treatment."
        )
    recommendations.append(
        "Use the relapse-prevention plan if early warning signs return; contact "
        "the practice for a booster session if they persist."
    )

    contact = "\n".join([practice.name, *practice.letterhead.splitlines()]).strip()
    client_work = [
        f"We met {sessions['count']} time{'s' if sessions['count'] != 1 else ''}"
    ]
    if sessions["first"] and sessions["last"] and sessions["count"] > 1:
        client_work[0] += (
            f", from {_date_text(sessions['first'])} to {_date_text(sessions['last'])}"
        )
    client_work[0] += "."
    if techniques:
        client_work.append(
            "Together we worked on: "
            + ", ".join(t["name"].lower() for t in techniques)
            + "."
        )
    client_progress = [_plain_measure(m) for m in facts["measures"] if m["count"] >= 2]

    return {
        "presenting_concerns": _presenting(episode),
        "work_done": "\n".join(work),
        "outcomes_note": "\n".join(outcomes),
        "skills_learned": "\n".join(s.title for s in skills)
        or "\n".join(t["name"] for t in techniques),
        "remaining_concerns": "\n".join(remaining),
        "recommendations": "\n".join(recommendations),
        "client_concerns": (
            "When we first met, you said you wanted to:\n"
            + "\n".join(
                f"- {g.client_words.strip()}" for g in goals if g.client_words.strip()
            )
            if any(g.client_words.strip() for g in goals)
            else ""
        ),
        "client_work": "\n".join(client_work),
        "client_progress": "\n".join(client_progress),
        "client_skills": (
            "The skills in your coping toolbox:\n"
            + "\n".join(f"- {s.title}" for s in skills)
            if skills
            else ""
        ),
        "client_watch": (
            "Your relapse-prevention plan lists the early warning signs to look out "
            "for and what to do about them."
        ),
        "client_next": (
            "Keep practising the skills that helped, even when you feel well. If "
            "the early warning signs come back, use your relapse-prevention plan. "
            "You are welcome to get in touch with us again:\n" + contact
        ),
    }


def _still_clinical(m: dict[str, Any]) -> str:
    """The last score is still on the clinical side of the cut-off: above it
    where lower is better, below it where higher is better (WHO-5)."""
    side = "at or below" if m.get("better") == "higher" else "at or above"
    return (
        f"{m['name']} still {side} the clinical cut-off at the last score "
        f"({m['last']:g})."
    )


def _plain_measure(m: dict[str, Any]) -> str:
    """One measure's change in everyday words, without clinical labels."""
    moved = {
        "reliable_improvement": "a real improvement, bigger than ordinary ups and downs",
        "no_reliable_change": "about the same as at the start",
        "reliable_deterioration": "harder than at the start, which is worth talking about",
    }.get(m["change"] or "", "")
    text = f"Your answers on the {m['name']} questionnaire went from {m['first']:g} to {m['last']:g}"
    return f"{text}: {moved}." if moved else f"{text}."


def plan_prefill(client: Client) -> dict[str, str]:
    """A new relapse-prevention plan's "when and how to come back", with the
    practice's contact lines."""
    practice = client.practice
    contact = "\n".join([practice.name, *practice.letterhead.splitlines()]).strip()
    return {
        "come_back": (
            "If early warning signs last more than two weeks, or daily life gets "
            "harder, get in touch to talk about a booster session.\n" + contact
        )
    }


# -- pages other apps show --------------------------------------------------------------


def latest_review(episode: Episode) -> ReadinessReview | None:
    return (
        ReadinessReview.objects.filter(episode=episode)
        .select_related("completed_by", "opened_by", "updated_by")
        .order_by("-opened_at", "-id")
        .first()
    )


def current_plan(client: Client | int) -> RelapsePreventionPlanVersion | None:
    """The current version of the client's relapse-prevention plan (one query);
    ``client`` is a Client or its id."""
    client_id = client if isinstance(client, int) else client.pk
    return _current_plan.first(client_id)


@prepared
def _current_plan(client_id: int) -> QuerySet[RelapsePreventionPlanVersion]:
    return first_of(
        RelapsePreventionPlanVersion.objects.filter(plan__client_id=client_id)
        .select_related("plan", "created_by")
        .order_by("-number")
    )


def shared_summary(client: Client) -> TerminationSummary | None:
    """The latest termination summary shared with the client."""
    return _shared_summary.first(client.pk)


@prepared
def _shared_summary(client_id: int) -> QuerySet[TerminationSummary]:
    return first_of(
        TerminationSummary.objects.filter(
            episode__client_id=client_id, shared_at__isnull=False
        )
        .select_related("episode")
        .order_by("-shared_at")
    )


def summary_charts(
    summary: TerminationSummary,
) -> list[tuple[str, SafeString, list[Point]]]:
    """(measure name, progress chart SVG, its points) for each measure of the
    summary with two or more scores, drawn from the scores and sessions up to
    when its facts were assembled, so later follow-up scores do not change a
    finalised summary. The points give the page a table of the same scores."""
    facts = summary.facts
    if not facts:
        return []
    until = datetime.fromisoformat(facts["assembled_at"])
    episode = summary.episode
    sessions = list(
        TherapySession.objects.filter(episode=episode, held_at__lte=until).values_list(
            "held_at", flat=True
        )
    )
    charts = []
    for measure in facts.get("measures", []):
        if measure["count"] < 2:
            continue
        try:
            instrument = get_instrument(measure["code"])
        except KeyError:
            continue
        points = [
            Point(a.taken_at, a.total, a.band_label or "")  # type: ignore[arg-type]  # rows filtered on total__isnull=False (taken_at is set on submit)
            for a in Administration.objects.current()
            .filter(
                episode=episode,
                instrument=measure["code"],
                total__isnull=False,
                taken_at__lte=until,
            )
            .only("taken_at", "total", "band_label")
            .order_by("taken_at", "id")
        ]
        # progress_svg escapes every text it writes.
        svg = progress_svg(instrument, points, session_dates=sessions)
        charts.append((measure["name"], mark_safe(svg), points))  # noqa: S308
    return charts


@dataclass
class ChartTermination:
    episode: Episode
    review: ReadinessReview | None
    summary: TerminationSummary | None
    plan: RelapsePreventionPlanVersion | None


def chart_termination(episode: Episode | None) -> ChartTermination | None:
    """The readiness review, summary and relapse-prevention plan for the client
    chart, once the episode is in termination or later; otherwise None."""
    if episode is None or episode.phase not in SHOWN_PHASES:
        return None
    return ChartTermination(
        episode=episode,
        review=latest_review(episode),
        summary=TerminationSummary.objects.filter(episode=episode).first(),
        plan=current_plan(episode.client_id),
    )


@dataclass
class PortalTermination:
    plan: RelapsePreventionPlanVersion | None
    summary: TerminationSummary | None


def portal_termination(client: Client) -> PortalTermination | None:
    """The client's relapse-prevention plan and shared summary for the portal
    home, or None when there is neither."""
    plan = current_plan(client)
    summary = shared_summary(client)
    if plan is None and summary is None:
        return None
    return PortalTermination(plan=plan, summary=summary)
