"""Read-only queries other pages use (home, client chart). Bounded, and never
touching process notes: those are reached by their author alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet

from alliance.accounts.models import Supervision, User
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


def to_sign(client: Client, limit: int = 20) -> list[ProgressNote]:
    """The client's notes that still need a signature: unsigned ones, and
    signed ones awaiting the co-signature of the author's current supervisor.
    Oldest session first, at most ``limit``: one query."""
    supervised = Supervision.objects.filter(
        supervisee=OuterRef("author_id"), ended_at__isnull=True
    )
    return list(
        ProgressNote.objects.filter(episode__client=client)
        .filter(
            Q(signed_at__isnull=True)
            | Q(cosigned_at__isnull=True, signed_at__isnull=False)
            & Q(Exists(supervised))
        )
        .select_related("session", "author")
        .defer(*_FREE_TEXT)
        .order_by("session__held_at", "id")[:limit]
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


def cosign_queue(
    user: User, supervisee_id: int | None = None
) -> QuerySet[ProgressNote]:
    """Signed notes of the user's current supervisees (or of the one given,
    if the user supervises them) not yet co-signed, oldest signature first.
    A queryset for the queue page to page through; empty for anyone who
    supervises nobody."""
    supervisees = user.supervisee_ids()
    if supervisee_id is not None:
        supervisees = [pk for pk in supervisees if pk == supervisee_id]
    return (
        ProgressNote.objects.filter(
            author_id__in=supervisees, signed_at__isnull=False, cosigned_at__isnull=True
        )
        .select_related("session", "episode__client", "author")
        .defer(*_FREE_TEXT)
        .order_by("signed_at", "id")
    )


@dataclass(frozen=True)
class CosignSummary:
    count: int
    oldest_signed_at: datetime | None


def cosign_summary(user: User) -> CosignSummary:
    """How many notes await the user's co-signature and when the oldest was
    signed: one query, whatever the number."""
    if not user.supervisee_ids():
        return CosignSummary(0, None)
    totals = (
        cosign_queue(user).order_by().aggregate(n=Count("id"), oldest=Min("signed_at"))
    )
    return CosignSummary(totals["n"], totals["oldest"])


def next_to_cosign(user: User, supervisee_id: int | None = None) -> ProgressNote | None:
    """The oldest note still awaiting the user's co-signature (for "co-sign
    and next")."""
    return cosign_queue(user, supervisee_id).first()


def awaiting_cosign(user: User, limit: int = UNSIGNED_LIMIT) -> list[ProgressNote]:
    """Signed notes of the user's current supervisees not yet co-signed, oldest
    first, at most ``limit`` (the whole queue is ``cosign_queue``, paged on
    its own page). Empty for anyone who supervises nobody."""
    if not user.supervisee_ids():
        return []
    return list(cosign_queue(user)[:limit])
