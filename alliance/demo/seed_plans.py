"""Intake assessments, goals, treatment plans and session records for the demo
practice, written through the intake and plans services as a clinician would.

Each demo client's referral reason picks a ``Story`` from
``data/plans.json`` (invented for Alliance, like everything in the demo; read by
``alliance.demo.stories``), so the intake, goals and plan read as
one person's care. A reason no story matches gets a plainer, generic story
built around the reason itself.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from alliance.accounts.models import User
from alliance.clients.models import Client, Episode
from alliance.demo.stories import GoalText, Story, plan_texts
from alliance.intake.models import Intake, IntakeSection
from alliance.intake.services import complete_intake, save_section, start_intake
from alliance.measures.models import Administration
from alliance.notes.models import TherapySession
from alliance.plans.models import (
    LEVEL_FIELDS,
    Goal,
    TreatmentPlan,
    TreatmentPlanVersion,
    instrument_name,
)
from alliance.plans.services import (
    achieve_goal,
    acknowledge_plan_version,
    create_goal,
    create_plan,
    practice_today,
    review_plan,
    save_session_record,
)
from alliance.techniques.library import (
    HOMEWORK_TEMPLATES,
    Technique,
    all_techniques,
    get_technique,
)

P = Episode.Phase
K = IntakeSection.Key


# The texts (invented for Alliance) live in data/plans.json (alliance.demo.stories).
_TEXTS = plan_texts()
# Ordinary answers for a story that gives none of its own.
PREVIOUS = _TEXTS.previous
MEDICAL = _TEXTS.medical
SUBSTANCES = _TEXTS.substances
PROTECTIVE = _TEXTS.protective
# The goal linked to a measure: code, comparison, target, statement, the five
# level descriptions, and the lowest total of each level (highest level last).
MEASURE_GOALS = _TEXTS.measure_goals
STORIES = _TEXTS.stories
# Client responses to each library technique, as the clinician records them.
RESPONSES = _TEXTS.responses
GENERIC_RESPONSES = _TEXTS.generic_responses
MORE_REFLECTIONS = _TEXTS.more_reflections
HOMEWORK_DONE = _TEXTS.homework_done


# -- choosing -------------------------------------------------------------------


def story_for(reason: str) -> Story:
    """The story whose phrase appears in the referral reason, or a generic one
    written around the reason."""
    text = reason.casefold()
    for story in STORIES:
        if story.match in text:
            return story
    return _generic_story(reason)


def _generic_story(reason: str) -> Story:
    reason = reason.strip().rstrip(".") or "Low mood and worry"
    return Story(
        match="",
        words=f"“{reason}.” In the client's words: “I want things to feel "
        "manageable again.”",
        hopes="To feel more in control and get back to the things that matter.",
        history=f"Referred with: {reason}. Difficulties have built over several "
        "months, with low mood and worry most days and some avoidance.",
        family="Lives with family; relationships supportive on the whole.",
        work="Working full time; managing, with less energy than usual.",
        strengths="Motivated for therapy; reflective; supportive people nearby.",
        mental_status="Appropriately dressed; good rapport. Speech normal. Mood "
        "“low”; affect reactive. No perceptual disturbance. Good insight.",
        formulation="Current stress has triggered low mood and worry; "
        "withdrawal and avoidance keep it going. A CBT approach: activity, "
        "worry management and reviewing unhelpful thoughts.",
        diagnoses=(("Mixed anxiety and depressive symptoms", "F41.8"),),
        approach="cbt",
        problems=("depression", "worry", "avoidance"),
        measure="phq9",
        measure_words="“I want to feel more like myself.”",
        goals=(
            GoalText(
                "“I want to do more of the things I've dropped.”",
                "Do three valued activities a week.",
                (
                    "No valued activities.",
                    "One a week.",
                    "Three a week.",
                    "Four or five a week.",
                    "Most days, including one with friends.",
                ),
            ),
            GoalText(
                "“I want to worry less in the evenings.”",
                "Use a worry period and keep evenings worry-free on five days.",
                (
                    "Worry fills most evenings.",
                    "Worry-free on one or two evenings.",
                    "Worry-free on five evenings.",
                    "Most evenings.",
                    "Every evening, and sleeping better.",
                ),
            ),
        ),
        plan_problems=f"{reason}.",
        reflections=(
            "“Planning one thing a day made the week feel less empty.”",
            "“The worries were smaller at six than at midnight.”",
            "“I'm starting to notice what helps.”",
        ),
    )


def _ranked(
    library: list[Technique],
    approaches: set[str],
    problems: tuple[str, ...],
    rng: random.Random,
) -> list[str]:
    """Slugs of the approaches' techniques for these problems, best match first:
    the story's main problem counts most (4, then 2, then 1); ties in a seeded
    order."""
    weights = {problem: 4 >> n for n, problem in enumerate(problems)}
    keyed = []
    for t in library:
        score = sum(weights.get(problem, 0) for problem in t.problems)
        if t.approach in approaches and score:
            keyed.append((-score, rng.random(), t.slug))
    return [slug for _, _, slug in sorted(keyed)]


def pick_techniques(story: Story, rng: random.Random) -> tuple[list[str], list[str]]:
    """(the plan's techniques, spares for a later review), all from the library."""
    library = all_techniques()

    def ranked(*approaches: str) -> list[str]:
        return _ranked(library, set(approaches), story.problems, rng)

    approach = TreatmentPlanVersion.Approach
    if story.approach == approach.INTEGRATIVE:
        lists = [
            ranked("cbt"),
            ranked("skills"),
            ranked("mindfulness_relaxation"),
            ranked("psychodynamic"),
        ]
        chosen = [slugs[0] for slugs in lists if slugs]
        spares = [s for slugs in lists for s in slugs[1:]]
    elif story.approach == approach.CBT:
        main = ranked("cbt")
        support = ranked("mindfulness_relaxation", "skills")
        chosen = main[:3] + support[:1]
        spares = main[3:] + support[1:]
    else:
        main = ranked(story.approach)
        chosen, spares = main[:3], main[3:]
    # A story's own choices come first, as far as the library has them.
    known = {t.slug for t in library}
    preferred = [slug for slug in story.techniques if slug in known]
    if preferred:
        spares = [s for s in chosen + spares if s not in preferred]
        chosen = preferred
    if not chosen:  # a practice library without matches: anything it has
        chosen = [t.slug for t in library[:2]]
    return chosen, [s for s in dict.fromkeys(spares) if s not in chosen]


# -- the seeding ------------------------------------------------------------------


@dataclass
class _Course:
    """One client's seeding: who, their story, and the choices made for them."""

    client: Client
    episode: Episode
    phase: str
    story: Story
    rng: random.Random
    sessions: list[TherapySession] = field(default_factory=list)
    # Techniques that fit but were not chosen, for the plan's review.
    spares: list[str] = field(default_factory=list)

    @property
    def by(self) -> User:
        return self.client.clinician

    @property
    def name(self) -> str:
        return self.client.preferred_name or self.client.given_name


def seed_intakes_and_plans(
    clients: Iterable[tuple[Client, str]],
    *,
    staff: dict[str, User],
    now: datetime,
    zone: ZoneInfo,
    rng: random.Random,
) -> None:
    """Write intakes, goals, treatment plans, goal ratings and session records
    for the demo clients, through the services.

    ``clients`` are (client, phase) pairs. Clients in assessment get a draft
    intake; clients in treatment a completed intake, three goals, an
    acknowledged plan (reviewed once when they have had ten sessions or
    more) and ratings with a session record at their last three to six held
    sessions. The services decide what can still be written: an intake starts
    only in assessment or active treatment, and nothing is written to a closed
    episode, so call this for a client *before* their episode moves on to have
    everything (see ``demo.py``). A client already seeded is left alone, so
    calling this again is harmless. Every write is the client's own
    clinician's, so ``staff`` is not needed today; ``now`` bounds the sessions
    used and ``zone`` dates the texts.

    The caller's ``rng`` is not advanced (its state is copied): adding or
    moving this call never changes the rest of the demo.
    """
    own = random.Random()  # noqa: S311 - invented data, not secrets
    own.setstate(rng.getstate())
    seed = own.getrandbits(32)
    for client, phase in clients:
        episode = client.current_episode()
        if episode is None or episode.phase == P.REFERRAL or _seeded(episode):
            continue
        course = _Course(
            client=client,
            episode=episode,
            phase=phase,
            story=story_for(client.referral_reason or ""),
            # Seeded per client, so one client's story never depends on another's.
            rng=random.Random(f"{seed}:{client.given_name}:{client.family_name}"),  # noqa: S311
        )
        course.sessions = list(
            TherapySession.objects.filter(episode=episode, held_at__lte=now).order_by(
                "held_at", "pk"
            )
        )
        if not course.sessions:
            continue
        if episode.phase == P.ASSESSMENT:
            _draft_intake(course)
            continue
        if episode.phase == P.ACTIVE:
            _completed_intake(course)
        goals = _goals(course)
        version = _plan(course, goals)
        levels = _rate_sessions(course, goals, version)
        _review(course, goals, version, levels, zone)
        _achievements(course, goals, levels)


def _seeded(episode: Episode) -> bool:
    return (
        Intake.objects.filter(episode=episode).exists()
        or Goal.objects.filter(episode=episode).exists()
        or TreatmentPlan.objects.filter(episode=episode).exists()
    )


def _save(intake: Intake, key: str, by: User, **fields: Any) -> None:
    # Every section starts at version 1 and is saved once here.
    save_section(intake, key, by=by, version=1, **fields)


def _risk_screen(course: _Course) -> dict[str, str]:
    story = course.story
    return {
        "current_self_harm_thoughts": IntakeSection.Answer.NO,
        "current_harm_to_others_thoughts": IntakeSection.Answer.NO,
        "history": story.risk_history,
        "protective_factors": story.protective or course.rng.choice(PROTECTIVE),
        # Low throughout: moderate or high would raise alerts, and the demo's
        # one open alert comes from a progress note.
        "risk_level": IntakeSection.RiskLevel.LOW,
    }


def _draft_intake(course: _Course) -> None:
    """A draft, as after a first assessment session: the client's account and
    background so far, the risk screen for some."""
    story, by = course.story, course.by
    intake = start_intake(course.episode, by=by)
    _save(intake, K.PRESENTING, by, text=story.words, hopes=story.hopes)
    _save(intake, K.HISTORY, by, text=story.history)
    _save(intake, K.FAMILY_SOCIAL, by, text=story.family)
    _save(intake, K.STRENGTHS, by, text=story.strengths)
    if course.rng.random() < 0.5:
        _save(intake, K.RISK, by, **_risk_screen(course))
        _save(intake, K.MENTAL_STATUS, by, text=story.mental_status)


def _completed_intake(course: _Course) -> None:
    story, by, rng = course.story, course.by, course.rng
    intake = start_intake(course.episode, by=by)
    _save(intake, K.PRESENTING, by, text=story.words, hopes=story.hopes)
    _save(intake, K.HISTORY, by, text=story.history)
    _save(intake, K.PREVIOUS_TREATMENT, by, text=story.previous or rng.choice(PREVIOUS))
    _save(intake, K.MEDICAL, by, text=story.medical or rng.choice(MEDICAL))
    _save(intake, K.SUBSTANCE_USE, by, text=story.substances or rng.choice(SUBSTANCES))
    _save(intake, K.FAMILY_SOCIAL, by, text=story.family)
    _save(intake, K.WORK_STUDY, by, text=story.work)
    _save(intake, K.STRENGTHS, by, text=story.strengths)
    _save(intake, K.RISK, by, **_risk_screen(course))
    _save(intake, K.MENTAL_STATUS, by, text=story.mental_status)
    _save(intake, K.FORMULATION, by, text=story.formulation)
    _save(
        intake,
        K.DIAGNOSES,
        by,
        diagnoses=[
            {
                "description": description,
                "code_system": "icd10cm" if code else "",
                "code": code,
            }
            for description, code in story.diagnoses
        ],
    )
    complete_intake(intake, by=by)


def _goals(course: _Course) -> list[Goal]:
    """Three goals: the client's main one (weight 3), the one linked to a
    measure (2) and a smaller one (1)."""
    story, rng = course.story, course.rng
    today = practice_today(course.episode)
    # Clients who are finishing aim for their targets soon; others in a few months.
    ending = course.phase != P.ACTIVE
    weeks = (lambda: rng.randint(2, 4)) if ending else (lambda: rng.randint(8, 14))
    first, second = story.goals
    measure = MEASURE_GOALS[story.measure]
    specs = [
        (first.client_words, first.statement, first.levels, 3, {}),
        (
            story.measure_words,
            measure["statement"],
            measure["levels"],
            2,
            {
                "measure_code": story.measure,
                "measure_comparison": measure["measure_comparison"],
                "measure_target": measure["measure_target"],
            },
        ),
        (second.client_words, second.statement, second.levels, 1, {}),
    ]
    return [
        create_goal(
            course.episode,
            by=course.by,
            client_words=words,
            statement=statement,
            **dict(zip(LEVEL_FIELDS, levels, strict=True)),
            target_date=today + timedelta(weeks=weeks()),
            weight=weight,
            **link,
        )
        for words, statement, levels, weight, link in specs
    ]


MEASURES = [
    {"code": "phq9", "how_often": "every_session"},
    {"code": "gad7", "how_often": "every_session"},
]


def _plan(course: _Course, goals: list[Goal]) -> TreatmentPlanVersion:
    story, rng = course.story, course.rng
    today = practice_today(course.episode)
    interventions, course.spares = pick_techniques(story, rng)
    version = create_plan(
        course.episode,
        by=course.by,
        problems=story.plan_problems,
        approach=story.approach,
        interventions=interventions,
        goals=goals,
        session_frequency=TreatmentPlanVersion.Frequency.WEEKLY,
        frequency_note="",
        expected_sessions=rng.randint(12, 16),
        measures=MEASURES,
        # One in three falls within the week or so, so the home page lists reviews due.
        next_review=today + timedelta(days=(10, 21, 4)[course.episode.client_id % 3]),
    )
    _acknowledge(course, version)
    return version


def _acknowledge(course: _Course, version: TreatmentPlanVersion) -> None:
    """The client signs the plan on paper. The services date a version now, so
    the signature is dated now too. A test that patches
    ``django.utils.timezone.now`` leaves the models' ``default=timezone.now``
    on the real clock; when that clock is ahead, no date would be accepted, and
    the plan is left unacknowledged rather than breaking the demo."""
    at = timezone.now()
    if at >= version.created_at.replace(second=0, microsecond=0):
        acknowledge_plan_version(
            version, by=course.by, method="signed_paper", given_at=at
        )


def _measure_totals(course: _Course, code: str) -> list[tuple[datetime, float]]:
    return list(
        Administration.objects.current()  # type: ignore[arg-type]  # submitted scores: both set
        .filter(episode=course.episode, instrument=code, total__isnull=False)
        .order_by("taken_at")
        .values_list("taken_at", "total")
    )


def _trend(totals: list[tuple[datetime, float]], rng: random.Random) -> str:
    """ "better", "same" or "worse", from the PHQ-9 or GAD-7 course the client
    has had; without scores, mostly better."""
    if len(totals) >= 2:
        change = totals[0][1] - totals[-1][1]
        if change >= 4:
            return "better"
        return "worse" if change <= -4 else "same"
    return "better" if rng.random() < 0.75 else "same"


def _measure_level(
    session: TherapySession, totals: list[tuple[datetime, float]], code: str
) -> int | None:
    """The measure goal's level from the score taken at the session, if any."""
    near = [
        (abs(taken - session.held_at), total)
        for taken, total in totals
        if taken and abs(taken - session.held_at) <= timedelta(hours=3)
    ]
    if not near:
        return None
    total = min(near)[1]
    for floor, level in MEASURE_GOALS[code]["floors"]:
        if total >= floor:
            return level
    return 2


def _path(start: int, end: int, steps: int) -> list[int]:
    if steps == 1:
        return [end]
    return [start + round((end - start) * j / (steps - 1)) for j in range(steps)]


def _rate_sessions(
    course: _Course, goals: list[Goal], version: TreatmentPlanVersion
) -> dict[int, list[int]]:
    """Ratings and a session record at the last three to six held sessions.
    Returns each goal's levels, oldest first."""
    story, rng = course.story, course.rng
    count = min(len(course.sessions), rng.randint(3, 6))
    sessions = course.sessions[-count:]
    totals = _measure_totals(course, story.measure)
    trend = _trend(_measure_totals(course, "phq9") or totals, rng)
    finishing = course.phase != P.ACTIVE
    main, linked, small = goals
    start = rng.choice((-2, -1))
    if trend == "better":
        paths = {
            main.pk: _path(start, 1 if finishing else rng.choice((0, 1)), count),
            small.pk: _path(-1, 2 if finishing else rng.choice((0, 1)), count),
        }
    elif trend == "worse":
        paths = {main.pk: _path(-1, -2, count), small.pk: [-1] * count}
    else:  # much the same: flat, with one better week
        wobble = [-1] * count
        wobble[count // 2] = 0
        paths = {main.pk: wobble, small.pk: [-1] * count}
    fallback = paths[main.pk]
    paths[linked.pk] = [
        level if level is not None else fallback[j]
        for j, level in enumerate(
            _measure_level(s, totals, story.measure) for s in sessions
        )
    ]
    slugs = list(version.interventions)
    reflections = list(story.reflections) + list(MORE_REFLECTIONS)
    if trend != "better":  # the story's hopeful words come later, if at all
        reflections = [MORE_REFLECTIONS[-1], MORE_REFLECTIONS[0], *reflections]
    homework = ""
    for j, session in enumerate(sessions):
        addressed = [goals[(j + k) % 3] for k in range(2)]
        # One technique a session, two in every other one.
        used = [slugs[(j + n) % len(slugs)] for n in range(1 + j % 2)] if slugs else []
        techniques = {}
        for n, slug in enumerate(dict.fromkeys(used)):
            responses = RESPONSES.get(slug, GENERIC_RESPONSES)
            techniques[slug] = responses[(j + n) % len(responses)]
        reviewed = f"{homework}: {rng.choice(HOMEWORK_DONE)}." if homework else ""
        homework = _homework(used)
        save_session_record(
            session,
            by=course.by,
            version=1,
            goals_addressed=addressed,
            techniques=techniques,
            reflections=reflections[j % len(reflections)],
            homework_reviewed=reviewed,
            homework_assigned=f"{homework} until next session." if homework else "",
            ratings={goal: paths[goal.pk][j] for goal in goals},
        )
    return paths


def _homework(slugs: list[str]) -> str:
    """The first homework template the session's techniques suggest."""
    for slug in slugs:
        for key in get_technique(slug).homework_templates:
            if key in HOMEWORK_TEMPLATES and key != "custom":
                return HOMEWORK_TEMPLATES[key]
    return ""


def _review(
    course: _Course,
    goals: list[Goal],
    version: TreatmentPlanVersion,
    paths: dict[int, list[int]],
    zone: ZoneInfo,
) -> None:
    """A second plan version, from the review at the eighth session, for
    clients who have had ten sessions or more: what changed, why, and one more
    technique."""
    if len(course.sessions) < 10:
        return
    story, rng = course.story, course.rng
    held = course.sessions[7].held_at
    eighth = held.astimezone(zone)
    added = course.spares[:1]
    # The scores up to the review, when the demo has them; else the goals' course.
    scores = [
        total
        for taken, total in _measure_totals(course, story.measure)
        if taken <= held + timedelta(hours=3)
    ]
    scored = ""
    if len(scores) >= 2:
        label = instrument_name(story.measure)
        scored = f" {label} {scores[0]:.0f} at the start, {scores[-1]:.0f} now."
        change = scores[0] - scores[-1]
    else:
        main = paths[goals[0].pk]
        change = 3 * (main[-1] - main[0])
    if change >= 3:
        progress, extra = "Goals moving in the right direction", 2
    elif change <= -3:
        progress = "A harder stretch; agreed to keep weekly sessions and involve the GP"
        extra = 4
    else:
        progress, extra = (
            "Little change yet; looked together at what gets in the way",
            4,
        )
    techniques = (
        f"; added {get_technique(added[0]).name.lower()}"
        if added
        else "; kept the same techniques"
    )
    reason = (
        f"Review with {course.name} at the eighth session "
        f"({eighth.day} {eighth:%B}).{scored} {progress}{techniques}, and extended "
        f"the course by {extra} sessions."
    )
    today = practice_today(course.episode)
    reviewed = review_plan(
        version.plan,
        by=course.by,
        reason=reason,
        problems=story.plan_problems,
        approach=version.approach,
        interventions=[*version.interventions, *added],
        goals=goals,
        session_frequency=version.session_frequency,
        frequency_note=version.frequency_note,
        expected_sessions=min(version.expected_sessions + extra, 20),
        measures=version.measures,
        next_review=today + timedelta(weeks=rng.randint(3, 6)),
    )
    _acknowledge(course, reviewed)


def _achievements(
    course: _Course, goals: list[Goal], paths: dict[int, list[int]]
) -> None:
    """Clients who are finishing have met a goal they rated at +1 or more."""
    if course.phase == P.ACTIVE:
        return
    for goal in goals:
        if paths[goal.pk][-1] >= 1:
            achieve_goal(
                goal,
                by=course.by,
                note=f"Met and held; {course.name} plans to keep it going after "
                "therapy.",
            )
            return
