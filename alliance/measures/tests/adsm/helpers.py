"""Scores on any built-in measure with a chosen total, recorded through the
services, and an intake with a provisional diagnosis."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from alliance.measures.engine import get_instrument


def answers_for(code: str, total: float) -> dict[str, int]:
    """Answers whose score is ``total``: a sum spread over the items from the
    first, or for a mean-scored measure the sum ``total`` × items."""
    instrument = get_instrument(code)
    items = list(instrument.scored_items)
    low = min(items[0].values)
    high = max(items[0].values)
    target = total * len(items) if instrument.scoring.method == "mean" else total
    assert float(target).is_integer(), "the total must be reachable"
    left = int(target) - low * len(items)
    answers = {}
    for item in items:
        step = min(high - low, left)
        answers[item.key] = low + step
        left -= step
    assert left == 0, "total too high for the items"
    return answers


def record(episode: Any, code: str, totals: list[float], *, days_ago: int = 1) -> None:
    """Record ``totals`` (oldest first, a week apart) on ``code``."""
    from alliance.measures.services import record_administration

    for weeks_before, total in enumerate(reversed(totals)):
        at = timezone.now() - timedelta(days=days_ago + 7 * weeks_before)
        record_administration(
            episode,
            code,
            answers_for(code, total),
            by=episode.client.clinician,
            at=at,
        )


def diagnose(episode: Any, *codes: tuple[str, str], at: Any = None) -> None:
    """Give the episode an intake (started ``at``, default now) listing these
    (code system, code) pairs."""
    from alliance.intake.models import Intake, ProvisionalDiagnosis

    intake = Intake.objects.create(
        episode=episode, created_by=episode.clinician, created_at=at or timezone.now()
    )
    for position, (system, code) in enumerate(codes):
        ProvisionalDiagnosis.objects.create(
            intake=intake,
            position=position,
            description="Working diagnosis",
            code_system=system,
            code=code,
        )
