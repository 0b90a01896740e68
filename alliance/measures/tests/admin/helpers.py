"""Build schedules and administrations the way the app does: through the services."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

PHQ9_ITEMS = [f"q{n}" for n in range(1, 10)]


def phq9(total: int = 0, *, item9: int = 0) -> dict[str, int]:
    """PHQ-9 answers summing to ``total`` (item 9 as given, item 10 answered)."""
    answers = {key: 0 for key in PHQ9_ITEMS}
    answers["q9"] = item9
    remaining = total - item9
    for key in PHQ9_ITEMS[:8]:
        step = min(3, remaining)
        answers[key] = step
        remaining -= step
    assert remaining == 0, "total too high for items 1-8"
    answers["q10"] = 1
    return answers


def days_ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


def record(client: Any, code: str, answers: dict[str, Any], **kwargs: Any) -> Any:
    from alliance.measures.services import record_administration

    return record_administration(
        client.current_episode(), code, answers, by=client.clinician, **kwargs
    )


def move(episode: Any, *phases: str, consent_text: Any = None) -> Any:
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
            episode,
            phase,
            by=by,
            reason=f"To {phase}",
            discharge="completed" if phase == "closed" else "",
        )
        episode.refresh_from_db()
    return episode
