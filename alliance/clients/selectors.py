"""Read-only queries for the pages that show clients and episodes (the client
chart in ``alliance.chart`` composes these with other apps' selectors)."""

from __future__ import annotations

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
