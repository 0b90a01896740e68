"""Read-only queries for the supervision pages and the home pages. Lists show
dates, people and counts only: no client names and no free text, so a list is
not a read of any client's data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q, QuerySet

from alliance.accounts.models import User
from alliance.clients.models import Client
from alliance.core.prepared import prepared, totals
from alliance.supervision.models import SupervisionSession


def sessions_of(
    user: User, supervisee_id: int | None = None
) -> QuerySet[SupervisionSession]:
    """The records ``user`` supervised or was supervised in, newest first
    (those with one supervisee, if given), with the number of clients
    discussed and of agreed actions not yet done. One query per page."""
    sessions = SupervisionSession.objects.involving(user)
    if supervisee_id is not None:
        sessions = sessions.filter(supervisee_id=supervisee_id)
    return (
        sessions.select_related("supervisor", "supervisee", "practice")
        .defer("notes")
        .annotate(
            n_clients=Count("discussed", distinct=True),
            n_open=Count(
                "actions", filter=Q(actions__done_at__isnull=True), distinct=True
            ),
        )
        .order_by("-held_on", "-id")
    )


def clients_to_discuss(supervisee: User) -> QuerySet[Client]:
    """The supervisee's own clients (primary clinician), by name."""
    return Client.objects.filter(  # type: ignore[misc]  # None: IS NULL, as at run time
        practice_id=supervisee.practice_id, clinician_id=supervisee.pk
    ).order_by("family_name", "given_name", "pk")


@dataclass(frozen=True)
class SupervisionSummary:
    count: int
    last_held_on: date | None
    open_actions: int


def summary_for_supervisee(user: User) -> SupervisionSummary | None:
    """For the supervisee's home: how many records, the latest date and the
    agreed actions still open; ``None`` for someone with no record. One
    query."""
    summary = _supervision_totals.first(user.pk, user.practice_id)
    return SupervisionSummary(*summary) if summary else None


@prepared
def _supervision_totals(
    supervisee_id: int, practice_id: int | None
) -> QuerySet[SupervisionSession, tuple[int, date, int]]:
    """One row of totals, or none for no records (``totals``)."""
    return totals(
        SupervisionSession.objects.filter(  # type: ignore[misc]  # None: IS NULL, as at run time
            supervisee_id=supervisee_id, practice_id=practice_id
        ),
        "supervisee_id",
        n=Count("id", distinct=True),
        last=Max("held_on"),
        open=Count("actions", filter=Q(actions__done_at__isnull=True), distinct=True),
    )
