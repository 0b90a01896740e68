"""Read-only queries for the pages that show clients and episodes (the client
chart in ``alliance.chart`` composes these with other apps' selectors)."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery

from alliance.accounts.models import User
from alliance.clients.models import Client, Episode


def chart_episodes(client: Client) -> list[Episode]:
    """Every episode of the client, newest first, with its timeline prefetched."""
    return list(
        client.episodes.prefetch_related(
            "transitions__by",
            "consents__consent_text",
            "clinician_changes__from_clinician",
            "clinician_changes__to_clinician",
            "clinician_changes__by",
        )
    )


def ending_alerts(episode: Episode | None) -> list[object]:
    """Open high-risk alerts that hold up aftercare or closing, when the
    episode could otherwise move there."""
    if episode is None or not set(episode.next_phases()) & set(Episode.ENDED_PHASES):
        return []
    return list(episode.open_high_alerts())


def aftercare_appointments(episode: Episode | None) -> list[object]:
    """Booked appointments to come, shown by the phase form when the episode
    can move to aftercare (the move asks to confirm that they stay)."""
    if episode is None or Episode.Phase.AFTERCARE not in episode.next_phases():
        return []
    return list(episode.future_appointments())


def caseload(member: User) -> list[Client]:
    """The member's clients with the phase of their latest episode, those in
    care first (the caseload transfer page)."""
    latest = Episode.objects.filter(client=OuterRef("pk")).order_by("-opened_at")
    # Any: each row gains in_care and phase_label below, for the page.
    rows: list[Any] = list(
        Client.objects.filter(practice_id=member.practice_id, clinician=member)  # type: ignore[misc]  # None: IS NULL, as at run time
        .annotate(latest_phase=Subquery(latest.values("phase")[:1]))
        .order_by("family_name", "given_name")
    )
    for row in rows:
        row.in_care = row.latest_phase not in (None, Episode.Phase.CLOSED)
        row.phase_label = (
            Episode.Phase(row.latest_phase).label if row.latest_phase else ""
        )
    rows.sort(key=lambda r: not r.in_care)
    return rows
