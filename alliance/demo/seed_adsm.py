"""ADSM, WSAS and employment data for the demo, so the outcomes page's further
sections have something to show: every open demo episode whose intake names an
anxiety disorder gets its disorder-specific measure alongside each PHQ-9 it
already has (scaled from the PHQ-9, so it moves the same way), every scored
episode a WSAS, and episodes past assessment an employment status."""

from __future__ import annotations

import random
from typing import Any

from alliance.clients.models import Client, Episode
from alliance.measures.adsm import GAD7, episode_outcomes
from alliance.measures.engine import get_instrument
from alliance.measures.models import Administration, EmploymentStatus
from alliance.measures.services import record_administration, record_employment

START_STATUSES = ("01", "01", "01", "02", "03", "04", "05")


def _answers(code: str, fraction: float) -> dict[str, int]:
    """Answers at about ``fraction`` of the measure's range, spread from the
    first item."""
    instrument = get_instrument(code)
    items = list(instrument.scored_items)
    low, high = min(items[0].values), max(items[0].values)
    left = round(fraction * (high - low) * len(items))
    answers = {}
    for item in items:
        step = min(high - low, left)
        answers[item.key] = low + step
        left -= step
    return answers


def seed_adsm(clients: list[tuple[Client, str]], *, rng: random.Random) -> None:
    episodes = Episode.objects.filter(client__in=[c for c, _ in clients]).exclude(
        phase=Episode.Phase.CLOSED
    )
    outcomes = {o.episode_id: o for o in episode_outcomes(episodes)}
    for episode in episodes.select_related("client__practice", "clinician"):
        phq = list(
            Administration.objects.current()
            .filter(episode=episode, instrument="phq9", total__isnull=False)
            .order_by("taken_at", "id")
            .values_list("taken_at", "total")
        )
        if not phq:
            continue
        outcome: Any = outcomes.get(episode.pk)
        adsm = outcome.problem.measures[0] if outcome else GAD7
        by = episode.clinician
        age = episode.client.age_on(episode.client.practice.today())
        if get_instrument("wsas").age_problem(age):
            continue  # the ADSMs and the WSAS are for adults
        for taken_at, total in phq:
            fraction = min(1.0, total / 27 * 1.1)  # type: ignore[operator]  # filtered on total__isnull=False
            if adsm != GAD7:
                record_administration(
                    episode, adsm, _answers(adsm, fraction), by=by, at=taken_at
                )
            record_administration(
                episode, "wsas", _answers("wsas", fraction * 0.9), by=by, at=taken_at
            )
        if episode.phase == Episode.Phase.REFERRAL:
            continue
        start = rng.choice(START_STATUSES)
        record_employment(episode, stage="start", status=start, by=by)
        if episode.phase in (Episode.Phase.TERMINATION, Episode.Phase.AFTERCARE):
            end = EmploymentStatus.Status.EMPLOYED if rng.random() < 0.6 else start
            record_employment(episode, stage="end", status=end, by=by)
