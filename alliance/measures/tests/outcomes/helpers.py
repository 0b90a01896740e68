"""Build scored episodes the way the app does: scores through
``record_administration`` (backdated), sessions booked and marked held."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from conftest import make_client

_slots = count()


def phq9(total: int) -> dict[str, int]:
    """PHQ-9 answers summing to ``total``, item 9 (risk) left at 0."""
    return _answers(total, [f"q{n}" for n in range(1, 9)], extra={"q9": 0})


def gad7(total: int) -> dict[str, int]:
    return _answers(total, [f"q{n}" for n in range(1, 8)])


def _answers(
    total: int, keys: list[str], extra: dict[str, int] | None = None
) -> dict[str, int]:
    answers = dict(extra or {})
    left = total
    for key in keys:
        answers[key] = min(3, left)
        left -= answers[key]
    assert left == 0, "total too high for the items"
    return answers


ANSWERS = {"phq9": phq9, "gad7": gad7}


def score(episode: Any, code: str, total: int, *, at: datetime) -> Any:
    from alliance.measures.services import record_administration

    return record_administration(
        episode, code, ANSWERS[code](total), by=episode.client.clinician, at=at
    )


def hold_sessions(
    client: Any, n: int, *, status: str = "held", purpose: str = "treatment"
) -> list[Any]:
    """Book ``n`` past appointments in the client's open episode for
    ``purpose`` (treatment by default) and set their status (held by
    default)."""
    from alliance.scheduling.services import book_appointment, set_status

    appointments = []
    for _ in range(n):
        # A fresh slot each time, so no two appointments clash.
        starts = timezone.now() - timedelta(days=400) + timedelta(hours=next(_slots))
        appointment = book_appointment(
            client=client,
            clinician=client.clinician,
            starts_at=starts,
            duration_minutes=50,
            modality="video",
            location="",
            purpose=purpose,
            by=client.clinician,
        )
        if status != "booked":
            reason = "Client unwell." if status == "cancelled" else ""
            appointment = set_status(
                appointment, status, by=client.clinician, reason=reason
            )
        appointments.append(appointment)
    return appointments


def scored_episode(
    clinician: Any,
    name: str,
    *,
    phq9: Sequence[int] = (),
    gad7: Sequence[int] = (),
    sessions: int = 0,
    last_days_ago: float = 1,
    ended: bool = True,
) -> Any:
    """A new client of ``clinician`` whose episode has these PHQ-9 and GAD-7
    totals (oldest first, a week apart, the last ``last_days_ago`` days ago)
    and ``sessions`` held treatment sessions; ``ended`` (the default) closes
    it an hour after the last score."""
    client = make_client(clinician, given_name=name)
    episode = client.current_episode()
    for code, totals in (("phq9", phq9), ("gad7", gad7)):
        for weeks_before, total in enumerate(reversed(totals)):
            at = timezone.now() - timedelta(days=last_days_ago + 7 * weeks_before)
            score(episode, code, total, at=at)
    hold_sessions(client, sessions)
    if ended:
        end_episode(
            episode, at=timezone.now() - timedelta(days=last_days_ago, hours=-1)
        )
    return episode


def end_episode(episode: Any, *, at: datetime, phase: str = "closed") -> Any:
    """Record that treatment ended at ``at``: the episode moves to ``phase``
    (closed or aftercare) then, as its transition says."""
    from alliance.clients.models import EpisodeTransition

    EpisodeTransition.objects.create(
        episode=episode,
        from_phase=episode.phase,
        to_phase=phase,
        by=episode.clinician,
        at=at,
    )
    episode.phase = phase
    episode.closed_at = at if phase == "closed" else None
    episode.save(update_fields=["phase", "closed_at"])
    return episode
