"""Read-only queries other pages use (home, client chart). Bounded, and never
touching process notes: those are reached by their author alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from alliance.accounts.models import Supervision, User
from alliance.clients.models import Client
from alliance.core.prepared import prepared
from alliance.notes.models import SECTION_FIELDS, ProgressNote

CHART_LIMIT = 50
UNSIGNED_LIMIT = 50

# Lists show dates and status only; leave the ciphertext in the database.
_FREE_TEXT = (*SECTION_FIELDS, "risk_notes")
# What the home's note lists show (notes/_unsigned.html, _awaiting_cosign.html):
# the session's link and date, the client's name, the note's structure and
# signature; the rest of each row stays unread (issue #13).
_LISTING_FIELDS = (
    "uuid",
    "structure",
    "author",
    "signed_at",
    "cosigned_at",
    "session__uuid",
    "session__held_at",
    *Client.listing_fields("episode__client"),
)


def chart_notes(client: Client) -> list[ProgressNote]:
    """The client's progress notes, newest session first, at most 50."""
    return list(
        ProgressNote.objects.filter(episode__client=client)
        .select_related("session__appointment", "author", "signed_by", "cosigned_by")
        .defer(*_FREE_TEXT)
        .order_by("-session__held_at", "-id")[:CHART_LIMIT]
    )


TO_SIGN_LIMIT = 20


def to_sign(client: Client) -> list[ProgressNote]:
    """The client's notes that still need a signature: unsigned ones, and
    signed ones awaiting the co-signature of the author's current supervisor.
    Oldest session first, at most ``TO_SIGN_LIMIT``: one query."""
    return _to_sign(client.pk)


@prepared
def _to_sign(client_id: int) -> QuerySet[ProgressNote]:
    supervised = Supervision.objects.filter(
        supervisee=OuterRef("author_id"), ended_at__isnull=True
    )
    return (
        ProgressNote.objects.filter(episode__client_id=client_id)
        .filter(
            Q(signed_at__isnull=True)
            | Q(cosigned_at__isnull=True, signed_at__isnull=False)
            & Q(Exists(supervised))
        )
        .select_related("session", "author")
        # The chart's summary shows the session's link and date and the
        # author's name (issue #13).
        .only(
            "uuid",
            "signed_at",
            "cosigned_at",
            "session__uuid",
            "session__held_at",
            "author__full_name",
            "author__email",
        )
        .order_by("session__held_at", "id")[:TO_SIGN_LIMIT]
    )


def unsigned_notes(user: User) -> list[ProgressNote]:
    """Unsigned progress notes the user wrote, oldest session first, at most 50."""
    return _unsigned_notes(user.pk)


@prepared
def _unsigned_notes(author_id: int) -> QuerySet[ProgressNote]:
    return (
        ProgressNote.objects.unsigned()
        .filter(author_id=author_id)
        .select_related("session", "episode__client")
        .only(*_LISTING_FIELDS)
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
        ProgressNote.objects.awaiting_cosign_by(supervisees)
        .select_related("session", "episode__client", "author")
        .defer(*_FREE_TEXT)
        .order_by("signed_at", "id")
    )


# The home counts a co-sign backlog up to this many notes and says "more
# than" past it: counting a backlog of thousands on every home page would
# read every one of them (issue #13); the queue page pages through them all.
COSIGN_COUNT_CAP = 500


@dataclass(frozen=True)
class CosignSummary:
    count: int
    oldest_signed_at: datetime | None
    # The backlog is longer than ``count`` (``COSIGN_COUNT_CAP``).
    more: bool = False


@prepared
def _awaiting_ids(supervisee_ids: list[int]) -> QuerySet[ProgressNote, int]:
    """Ids of notes awaiting co-signature, up to one past the cap."""
    return (
        ProgressNote.objects.awaiting_cosign_by(supervisee_ids)
        .order_by()
        .values_list("pk", flat=True)[: COSIGN_COUNT_CAP + 1]
    )


def cosign_summary(
    user: User, oldest: list[ProgressNote] | None = None
) -> CosignSummary:
    """How many notes await the user's co-signature, up to
    ``COSIGN_COUNT_CAP``, and when the oldest was signed. ``oldest``: the
    queue's first notes when the caller has read them (``awaiting_cosign``),
    so the date needs no query of its own; one or two queries, bounded
    whatever the backlog."""
    if not user.supervisee_ids():
        return CosignSummary(0, None)
    count = len(_awaiting_ids(user.supervisee_ids()))
    if not count:
        return CosignSummary(0, None)
    first = oldest[0] if oldest else cosign_queue(user).first()
    return CosignSummary(
        min(count, COSIGN_COUNT_CAP),
        first.signed_at if first is not None else None,
        more=count > COSIGN_COUNT_CAP,
    )


def next_to_cosign(user: User, supervisee_id: int | None = None) -> ProgressNote | None:
    """The oldest note still awaiting the user's co-signature (for "co-sign
    and next")."""
    return cosign_queue(user, supervisee_id).first()


def awaiting_cosign(user: User, limit: int = UNSIGNED_LIMIT) -> list[ProgressNote]:
    """Signed notes of the user's current supervisees not yet co-signed, oldest
    first, at most ``limit`` (the whole queue is ``cosign_queue``, paged on
    its own page). Empty for anyone who supervises nobody."""
    supervisees = user.supervisee_ids()
    if not supervisees:
        return []
    return _awaiting(supervisees, limit=limit)


@prepared
def _awaiting(supervisee_ids: list[int], *, limit: int) -> QuerySet[ProgressNote]:
    """``cosign_queue`` of these supervisees, the listing's columns only."""
    return (
        ProgressNote.objects.awaiting_cosign_by(supervisee_ids)
        .select_related("session", "episode__client", "author")
        .only(*_LISTING_FIELDS, "author__full_name", "author__email")
        .order_by("signed_at", "id")[:limit]
    )
