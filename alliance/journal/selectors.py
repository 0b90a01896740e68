"""Reading the journal: the client's own entries, and the clinician's view of
the shared ones only."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from alliance.clients.models import Client
from alliance.core.prepared import prepared, totals
from alliance.journal.models import JournalEntry

CHART_LATEST = 3


def own_entries(client: Client) -> QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(client=client)


def shared_entries(client: Client) -> QuerySet[JournalEntry]:
    """What the clinician may read: entries shared now, newest shared first."""
    return JournalEntry.objects.filter(client=client, shared_at__isnull=False).order_by(
        "-shared_at", "-id"
    )


@dataclass
class ChartJournal:
    client: Client
    latest: list[JournalEntry] = field(default_factory=list)
    count: int = 0


def chart_journal(client: Client) -> ChartJournal:
    """The chart card: how many entries the client shares and the latest
    three (two queries)."""
    shared = shared_entries(client)
    return ChartJournal(client, list(shared[:CHART_LATEST]), shared.count())


@dataclass
class PortalJournal:
    count: int
    shared: int


def portal_journal(client: Client) -> PortalJournal:
    """The portal home's line: how many entries, how many shared (one query)."""
    counts = _journal_totals.first(client.pk)
    return PortalJournal(*counts) if counts else PortalJournal(0, 0)


@prepared
def _journal_totals(client_id: int) -> QuerySet[JournalEntry, tuple[int, int]]:
    """One row of counts, or none when there is no entry."""
    return totals(
        JournalEntry.objects.filter(client_id=client_id),
        "client_id",
        count=Count("id"),
        shared=Count("id", filter=Q(shared_at__isnull=False)),
    )
