"""The demo portal client's journal and guides: a few invented entries, some
private and some shared, and two guides shared by the clinician, so the portal
and the chart cards have content."""

from __future__ import annotations

from datetime import datetime, timedelta

from alliance.clients.models import Client
from alliance.guides.models import GuideShare
from alliance.journal.models import JournalEntry

# (days ago, shared with the clinician, text): invented, our own words.
ENTRIES: tuple[tuple[int, bool, str], ...] = (
    (
        18,
        False,
        "Could not sleep again. Kept going over the conversation at work and "
        "what I should have said.",
    ),
    (
        12,
        True,
        "Went for the walk we planned even though I did not feel like it. "
        "Felt a bit lighter afterwards, maybe a 4 instead of a 2.",
    ),
    (
        7,
        False,
        "Not ready to talk about this yet, but writing it down helps.",
    ),
    (
        3,
        True,
        "Noticed the 'I always mess things up' thought twice today. The second "
        "time I caught it and wrote down what actually happened.",
    ),
)


# (days ago, guide slug) shared by the clinician.
GUIDES: tuple[tuple[int, str], ...] = ((20, "what-therapy-is-like"), (13, "depression"))


def seed_journal(client: Client, *, now: datetime) -> None:
    """Write the journal entries and guide shares for the demo's portal client."""
    for days, slug in GUIDES:
        GuideShare.objects.create(
            client=client,
            slug=slug,
            shared_by=client.clinician,
            shared_at=now - timedelta(days=days),
        )
    for days, shared, body in ENTRIES:
        at = now - timedelta(days=days, hours=2)
        JournalEntry.objects.create(
            client=client,
            body=body,
            created_at=at,
            updated_at=at,
            shared_at=at + timedelta(minutes=5) if shared else None,
        )
