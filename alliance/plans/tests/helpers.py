"""Build goals, plans and session records the way the app does: through the
services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

LEVELS = {
    "level_minus_2": "Sees no one outside work in a month.",
    "level_minus_1": "Sees a friend once in the month.",
    "level_0": "Sees a friend twice in the month.",
    "level_plus_1": "Sees friends every week.",
    "level_plus_2": "Sees friends every week and has joined a group.",
}


def goal_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "client_words": "I want to get back to seeing my friends.",
        "statement": "Meet a friend in person at least twice a month.",
        **LEVELS,
        "target_date": timezone.localdate() + timedelta(weeks=12),
        "weight": 1,
    }
    fields.update(overrides)
    return fields


def make_goal(episode: Any, **overrides: Any) -> Any:
    from alliance.plans.services import create_goal

    return create_goal(episode, by=episode.client.clinician, **goal_fields(**overrides))


def plan_fields(chosen: list[Any], **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "problems": "Low mood with withdrawal from friends; worry about work.",
        "approach": "cbt",
        "interventions": ["behavioural-activation", "cognitive-restructuring"],
        "goals": chosen,
        "session_frequency": "weekly",
        "frequency_note": "",
        "expected_sessions": 12,
        "measures": [{"code": "phq9", "how_often": "every_session"}],
        "next_review": timezone.localdate() + timedelta(weeks=6),
    }
    fields.update(overrides)
    return fields


def make_plan(episode: Any, chosen: list[Any], **overrides: Any) -> Any:
    from alliance.plans.services import create_plan

    return create_plan(
        episode, by=episode.client.clinician, **plan_fields(chosen, **overrides)
    )
