"""Build a small record the way the app does, through the services: a plan
with two goals rated in sessions, two PHQ-9 scores with a known reliable
change, session feedback, homework with entries, techniques used and a
coping toolbox, then the move to termination."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

PROCESS_CANARY = "PROCESS-NOTE-CANARY-7f3a"


def move(
    episode: Any, *phases: str, consent_text: Any = None, discharge: str = ""
) -> Any:
    """Walk the episode through phases (recording consent before active)."""
    from alliance.clients.services import record_consent, transition_episode

    by = episode.client.clinician
    for phase in phases:
        if phase == "active" and episode.active_consent() is None:
            record_consent(
                episode,
                consent_text=consent_text,
                method="verbal",
                given_at=timezone.now(),
                by=by,
            )
        transition_episode(
            episode, phase, by=by, reason=f"To {phase}", discharge=discharge
        )
        episode.refresh_from_db()
    return episode


def to_termination(client: Any, consent_text: Any) -> Any:
    """The client's open episode, moved to termination (which opens its review)."""
    episode = client.current_episode()
    if episode.phase == "termination":
        return episode
    order = ["assessment", "active", "termination"]
    start = order.index(episode.phase) + 1 if episode.phase in order else 0
    return move(episode, *order[start:], consent_text=consent_text)


def _days_ago(days: float) -> Any:
    return timezone.now() - timedelta(days=days)


def full_record(client: Any, consent_text: Any) -> dict[str, Any]:
    """Everything a review and a summary draw on; returns the pieces by name."""
    from alliance.homework.services import client_today, submit_entry
    from alliance.homework.tests.helpers import RELAX, daily
    from alliance.measures.services import record_administration
    from alliance.measures.tests.admin.helpers import phq9
    from alliance.measures.tests.engine.helpers import answers_for_total
    from alliance.notes.services import save_process_note
    from alliance.notes.tests.helpers import signed
    from alliance.plans.services import rate_goal, save_session_record
    from alliance.plans.tests.helpers import make_goal, make_plan
    from alliance.toolbox.services import add_own_skill, add_skill_from_library

    clinician = client.clinician
    episode = move(
        client.current_episode(), "assessment", "active", consent_text=consent_text
    )
    friends = make_goal(
        episode,
        client_words="See my friends again",
        statement="Meet a friend in person at least twice a month.",
    )
    sleep = make_goal(
        episode,
        client_words="Sleep through the night",
        statement="Sleep at least six hours on five nights a week.",
    )
    make_plan(episode, [friends, sleep])
    sessions = [signed(client, hours_ago=24 * days).session for days in (21, 14, 7)]
    first, second, third = sessions
    save_session_record(
        first, by=clinician, version=1, techniques={"behavioural-activation": ""}
    )
    save_session_record(
        second,
        by=clinician,
        version=1,
        techniques={"behavioural-activation": "", "cognitive-restructuring": ""},
    )
    rate_goal(friends, -1, by=clinician, session=first)
    rate_goal(sleep, -1, by=clinician, session=first)
    rate_goal(friends, 1, by=clinician, session=third)
    rate_goal(sleep, 0, by=clinician, session=third)
    # PHQ-9 18 → 6: a fall of 12, beyond the 6-point reliable change, from
    # caseness (≥ 10) to below it: reliable improvement and recovery.
    record_administration(episode, "phq9", phq9(18), by=clinician, at=_days_ago(20))
    record_administration(episode, "phq9", phq9(6), by=clinician, at=_days_ago(6))
    # Alliance check 9 → 12: the alliance trend is rising.
    record_administration(
        episode,
        "alliance_check",
        answers_for_total("alliance_check", 9),
        by=clinician,
        at=_days_ago(21),
    )
    record_administration(
        episode,
        "alliance_check",
        answers_for_total("alliance_check", 12),
        by=clinician,
        at=_days_ago(7),
    )
    # Daily relaxation for ten days including today: 6 of the 9 past days done.
    homework = daily(client, days_ago=9)
    today = client_today(homework)
    for back in (1, 2, 3, 5, 7, 9):
        submit_entry(homework, today - timedelta(days=back), RELAX, by=client.user)
    grounding = add_skill_from_library(client, "grounding", by=clinician)
    walk = add_own_skill(
        client, title="Walk round the park", notes="After work", by=clinician
    )
    # Process notes are the clinician's alone: nothing here may ever show them.
    save_process_note(third, by=clinician, text=PROCESS_CANARY)
    episode = move(episode, "termination")
    return {
        "episode": episode,
        "goals": (friends, sleep),
        "sessions": sessions,
        "homework": homework,
        "skills": (grounding, walk),
    }


def write_plan(client: Any, **overrides: Any) -> Any:
    from alliance.termination.services import save_relapse_plan

    fields: dict[str, Any] = {
        "warning_signs": "Staying in bed past ten\nCancelling on friends",
        "triggers": "Deadlines at work",
        "coping_strategies": "Plan one thing I enjoy each day",
        "supports": "Sister Maya 07700 900123",
        "self_care": "Bed by eleven",
        "come_back": "If the signs last two weeks, call the practice.",
    }
    fields.update(overrides)
    return save_relapse_plan(client, by=client.clinician, **fields)
