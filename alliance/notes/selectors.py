"""Read-only queries other pages use (home, client chart). Bounded, and never
touching process notes: those are reached by their author alone."""

from __future__ import annotations

from alliance.accounts.models import User
from alliance.clients.models import Client
from alliance.notes.models import SECTION_FIELDS, ProgressNote

CHART_LIMIT = 50
UNSIGNED_LIMIT = 50

# Lists show dates and status only; leave the ciphertext in the database.
_FREE_TEXT = (*SECTION_FIELDS, "risk_notes")


def chart_notes(client: Client) -> list[ProgressNote]:
    """The client's progress notes, newest session first, at most 50."""
    return list(
        ProgressNote.objects.filter(episode__client=client)
        .select_related("session__appointment", "author", "signed_by", "cosigned_by")
        .defer(*_FREE_TEXT)
        .order_by("-session__held_at", "-id")[:CHART_LIMIT]
    )


def unsigned_notes(user: User) -> list[ProgressNote]:
    """Unsigned progress notes the user wrote, oldest session first, at most 50."""
    return list(
        ProgressNote.objects.unsigned()
        .for_clinician(user)
        .select_related("session", "episode__client")
        .defer(*_FREE_TEXT)
        .order_by("session__held_at", "id")[:UNSIGNED_LIMIT]
    )


def awaiting_cosign(user: User) -> list[ProgressNote]:
    """Signed notes of the user's current supervisees not yet co-signed, oldest
    first, at most 50. Empty for anyone who supervises nobody."""
    supervisees = user.supervisee_ids()
    if not supervisees:
        return []
    return list(
        ProgressNote.objects.filter(
            author_id__in=supervisees, signed_at__isnull=False, cosigned_at__isnull=True
        )
        .select_related("session", "episode__client", "author")
        .defer(*_FREE_TEXT)
        .order_by("signed_at", "id")[:UNSIGNED_LIMIT]
    )
