"""Hand-built records for the report tests: episodes with a phase history at
chosen times, and appointments with a chosen status and time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from alliance.clients.models import Episode, EpisodeTransition
from alliance.scheduling.models import Appointment
from conftest import make_client

LONDON = ZoneInfo("Europe/London")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment on the practice's wall clock (Europe/London)."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def episode(
    clinician,
    name: str,
    opened: datetime,
    moves: Sequence[tuple[str, datetime]] = (),
    *,
    reason: str = "",
) -> Episode:
    """A new client of ``clinician`` whose episode opened (in referral) at
    ``opened`` and then moved to each phase at its time."""
    client = make_client(clinician, given_name=name)
    ep = client.current_episode()
    Episode.objects.filter(pk=ep.pk).update(opened_at=opened)
    EpisodeTransition.objects.filter(episode=ep).update(at=opened)
    phase = "referral"
    for to, when in moves:
        EpisodeTransition.objects.create(
            episode=ep, from_phase=phase, to_phase=to, by=clinician, at=when
        )
        phase = to
    closed = moves[-1][1] if moves and phase == "closed" else None
    Episode.objects.filter(pk=ep.pk).update(
        phase=phase,
        closed_at=closed,
        discharge_reason=reason if phase == "closed" else "",
    )
    ep.refresh_from_db()
    return ep


def appointment(
    ep: Episode,
    starts: datetime,
    status: str = "held",
    *,
    purpose: str = "treatment",
    cancelled_before: timedelta | None = None,
) -> Appointment:
    """An appointment of the episode's client on its clinician's calendar."""
    return Appointment.objects.create(
        clinician=ep.clinician,
        client=ep.client,
        episode=ep,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=50),
        status=status,
        purpose=purpose,
        cancelled_at=starts - cancelled_before if cancelled_before else None,
        created_by=ep.clinician,
    )
