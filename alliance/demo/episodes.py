"""The open episode of a demo client the seeders just put in care."""

from __future__ import annotations

from alliance.clients.models import Client, Episode


def open_episode(client: Client) -> Episode:
    """The client's open episode; the seeders call it only for clients they
    have put in care, so a missing one is a bug in the demo, said plainly."""
    episode = client.current_episode()
    if episode is None:
        raise RuntimeError(f"The demo expected an open episode for {client.pk}.")
    return episode
