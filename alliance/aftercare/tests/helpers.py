"""Helpers for aftercare tests: move an episode through its phases with the
services the app uses, and build PHQ-9 answers with a given total."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from alliance.clients.services import record_consent, transition_episode
from alliance.measures.services import (
    record_administration,
    save_answers,
    submit_administration,
)


def noon(days_ago: int) -> datetime:
    """Noon UTC (lunchtime in London, outside quiet hours) ``days_ago`` days ago."""
    today = timezone.now().astimezone(UTC).date()
    day = today - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def phq9(total: int, *, item9: int = 0) -> dict[str, int]:
    """PHQ-9 answers adding up to ``total`` (item 9 as given; it counts too)."""
    answers = {f"q{n}": 0 for n in range(1, 10)}
    answers["q9"] = item9
    left = total - item9
    for n in range(1, 9):
        step = min(3, left)
        answers[f"q{n}"] = step
        left -= step
    assert left == 0, "total out of range"
    return answers


def gad7(total: int) -> dict[str, int]:
    answers = {}
    left = total
    for n in range(1, 8):
        step = min(3, left)
        answers[f"q{n}"] = step
        left -= step
    return answers


def to_active(episode, clinician, consent_text, *, at=None):
    at = at or noon(300)
    transition_episode(
        episode, "assessment", by=clinician, reason="Assessment booked", at=at
    )
    record_consent(
        episode,
        consent_text=consent_text,
        method="signed_paper",
        given_at=at,
        by=clinician,
    )
    transition_episode(episode, "active", by=clinician, reason="Plan agreed", at=at)
    return episode


def to_aftercare(episode, clinician, *, at):
    transition_episode(episode, "termination", by=clinician, reason="Goals met", at=at)
    transition_episode(
        episode,
        "aftercare",
        by=clinician,
        reason="Final session held; follow-up check-ins agreed.",
        at=at,
    )
    episode.refresh_from_db()
    return episode


def score(episode, clinician, code, answers, *, at):
    return record_administration(episode, code, answers, by=clinician, at=at)


def answer_portal(administration, answers):
    """The client answers a portal questionnaire and sends it."""
    save_answers(administration, answers)
    return submit_administration(administration)
