"""What the chart's summary shows, read from the apps' own selectors: the
phase and what the course of therapy expects next, the next appointment,
open prompts, the latest scores with their change status, goals, homework
due and missed, unread messages and the notes that need a signature.

A fixed number of queries whatever the length of the record: each piece is
one or two bounded queries, and the next step reads at most two more for the
current phase.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.urls import reverse

from alliance.aftercare.models import FollowUp
from alliance.clients.models import Client, Episode
from alliance.homework.selectors import ADHERENCE_WEEKS, DRAFT, DUE, MISSED
from alliance.homework.selectors import review as homework_review
from alliance.intake.models import Intake
from alliance.measures.models import ClinicalPrompt
from alliance.measures.selectors import ScoreTrend, open_prompts, score_trends
from alliance.messaging.selectors import unread_from_client
from alliance.notes.models import ProgressNote
from alliance.notes.selectors import to_sign
from alliance.plans.selectors import ChartPlan, chart_plan
from alliance.safety.models import SafetyPlanVersion
from alliance.safety.selectors import current_safety_plan
from alliance.scheduling.models import Appointment
from alliance.scheduling.selectors import next_appointment
from alliance.termination.selectors import latest_review

# The chart's sections: (slug in the address, tab label). The summary is the
# chart's own address, /clients/<uuid>/.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("notes", "Sessions and notes"),
    ("measures", "Measures"),
    ("plan", "Plan and goals"),
    ("homework", "Homework and between sessions"),
    ("documents", "Documents"),
    ("timeline", "Timeline"),
)
SECTION_LABELS = dict(SECTIONS)

# Summary lists stay short: the sections hold the rest.
PROMPTS_SHOWN = 5
HOMEWORK_SHOWN = 8


@dataclass(frozen=True)
class NextStep:
    text: str
    url: str = ""
    link_text: str = ""


@dataclass(frozen=True)
class HomeworkItem:
    title: str
    day: date
    state: str  # homework.selectors DUE, DRAFT or MISSED


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 160, 40, 4


@dataclass(frozen=True)
class Spark:
    """Coordinates of a small line chart of a measure's latest scores, drawn
    as SVG by the template (no script, no inline style)."""

    points: str  # "x,y x,y ..." for <polyline points>
    dots: tuple[tuple[float, float], ...]
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT


def spark(trend: ScoreTrend) -> Spark:
    """The trend on the measure's whole range (higher scores drawn higher)."""
    low, high = trend.minimum, trend.maximum
    span = (high - low) or 1.0
    inner_w = SPARK_WIDTH - 2 * SPARK_PAD
    inner_h = SPARK_HEIGHT - 2 * SPARK_PAD
    n = len(trend.points)
    step = inner_w / (n - 1) if n > 1 else 0.0
    dots = []
    for i, a in enumerate(trend.points):
        total = min(max(float(a.total or 0), low), high)
        x = SPARK_PAD + (i * step if n > 1 else inner_w / 2)
        y = SPARK_PAD + inner_h * (1 - (total - low) / span)
        dots.append((round(x, 1), round(y, 1)))
    return Spark(points=" ".join(f"{x},{y}" for x, y in dots), dots=tuple(dots))


@dataclass(frozen=True)
class ScoreRow:
    trend: ScoreTrend
    spark: Spark


@dataclass
class ChartSummary:
    next_step: NextStep
    next_appointment: Appointment | None
    prompts: list[ClinicalPrompt]
    scores: list[ScoreRow]
    plan: ChartPlan | None
    homework_due: list[HomeworkItem] = field(default_factory=list)
    homework_missed: list[HomeworkItem] = field(default_factory=list)
    homework_missed_count: int = 0
    unread: int = 0
    to_sign: list[ProgressNote] = field(default_factory=list)
    safety: SafetyPlanVersion | None = None
    # The episode the scores are from: the open one, or else the latest.
    scores_episode: Episode | None = None

    @property
    def unsigned(self) -> list[ProgressNote]:
        return [n for n in self.to_sign if n.signed_at is None]

    @property
    def awaiting_cosign(self) -> list[ProgressNote]:
        return [n for n in self.to_sign if n.signed_at is not None]

    @property
    def off_track(self) -> list[ScoreTrend]:
        return [r.trend for r in self.scores if r.trend.on_track is False]


def next_step(
    client: Client, episode: Episode | None, plan: ChartPlan | None
) -> NextStep:
    """What the course of therapy expects next in the episode's phase: the
    first thing still missing (consent, intake, plan, ending documents), or
    the phase's ordinary next move."""
    if episode is None:
        return NextStep(
            "No open episode. Open a new one if the client comes back.",
            reverse("chart:episode", args=[client.uuid]),
            "Open a new episode",
        )
    phases = reverse("chart:episode", args=[client.uuid])
    phase = episode.phase
    version = plan.version if plan else None
    if phase in (Episode.Phase.REFERRAL, Episode.Phase.ASSESSMENT):
        if phase == Episode.Phase.ASSESSMENT:
            intake = Intake.objects.filter(episode=episode).only("status").first()
            if intake is None or not intake.is_completed:
                return NextStep(
                    "Complete the intake assessment.",
                    reverse("chart:section", args=[client.uuid, "documents"]),
                    "Intake",
                )
        if episode.active_consent() is None:
            return NextStep(
                "Record the client's informed consent: treatment cannot start without it.",
                phases,
                "Record consent",
            )
        if phase == Episode.Phase.REFERRAL:
            return NextStep(
                "Book the assessment and move the episode to assessment.",
                phases,
                "Change phase",
            )
        if version is None:
            return NextStep(
                "Write the treatment plan with the client.",
                reverse("plans:plan", args=[episode.uuid]),
                "Treatment plan",
            )
        return NextStep("Start active treatment.", phases, "Change phase")
    if phase == Episode.Phase.ACTIVE:
        if version is None:
            return NextStep(
                "Write the treatment plan with the client.",
                reverse("plans:plan", args=[episode.uuid]),
                "Treatment plan",
            )
        if plan is not None and plan.review == "overdue":
            return NextStep(
                f"Review the treatment plan: the review was due on "
                f"{version.next_review:%-d %b %Y}.",
                reverse("plans:plan", args=[episode.uuid]),
                "Treatment plan",
            )
        return NextStep(
            f"Continue treatment; the plan's next review is on "
            f"{version.next_review:%-d %b %Y}."
        )
    if phase == Episode.Phase.TERMINATION:
        review = latest_review(episode)
        if review is None or not review.is_completed:
            return NextStep(
                "Complete the readiness review for ending treatment.",
                reverse("termination:review", args=[episode.uuid]),
                "Readiness review",
            )
        return NextStep(
            "Finalise the termination summary, then move to aftercare or close.",
            reverse("termination:summary", args=[episode.uuid]),
            "Termination summary",
        )
    if phase == Episode.Phase.AFTERCARE:
        followup = (
            FollowUp.objects.filter(episode=episode, status__in=FollowUp.PENDING)
            .order_by("due_on", "id")
            .first()
        )
        if followup is not None:
            return NextStep(
                f"The {followup.label} is due on {followup.due_on:%-d %b %Y}.",
                reverse("aftercare:client", args=[client.uuid]),
                "Follow-ups",
            )
        return NextStep(
            "No follow-up is pending: close the episode when aftercare is over.",
            phases,
            "Change phase",
        )
    return NextStep("The episode is closed.")  # pragma: no cover - not open


def _homework(summary: ChartSummary, episode: Episode | None) -> None:
    """Homework due (today or still to come) and missed in the last four
    weeks, from the homework review: two queries."""
    if episode is None:
        return
    result = homework_review(episode)
    since = result.today - timedelta(days=7 * ADHERENCE_WEEKS - 1)
    due, missed = [], []
    for row in result.rows:
        a = row.assignment
        for o in row.occurrences:
            if o.state in (DUE, DRAFT) and a.is_active:
                due.append(HomeworkItem(a.title, o.day, o.state))
            elif o.state == MISSED and o.day >= since:
                missed.append(HomeworkItem(a.title, o.day, o.state))
    due.sort(key=lambda i: i.day)
    missed.sort(key=lambda i: i.day, reverse=True)
    summary.homework_due = due[:HOMEWORK_SHOWN]
    summary.homework_missed = missed[:HOMEWORK_SHOWN]
    summary.homework_missed_count = len(missed)


def chart_summary(client: Client, episode: Episode | None) -> ChartSummary:
    """Everything the chart's summary shows for the client and their open
    episode (or None)."""
    plan = chart_plan(episode)
    latest: Any = episode or client.episodes.order_by("-opened_at").first()
    summary = ChartSummary(
        next_step=next_step(client, episode, plan),
        next_appointment=next_appointment(client),
        prompts=open_prompts(client, limit=PROMPTS_SHOWN),
        scores=[ScoreRow(t, spark(t)) for t in score_trends(latest)],
        plan=plan,
        unread=unread_from_client(client),
        to_sign=to_sign(client),
        safety=current_safety_plan(client),
        scores_episode=latest,
    )
    _homework(summary, episode)
    return summary
