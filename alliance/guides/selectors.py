"""Reading guide shares for the chart and the portal."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from alliance.clients.models import Client
from alliance.core.prepared import prepared, totals
from alliance.guides.library import Guide, all_guides
from alliance.guides.models import GuideShare


def shares_of(client: Client) -> QuerySet[GuideShare]:
    return GuideShare.objects.filter(client=client)


def guide_count(client: Client) -> int:
    """How many guides are shared with the client (the portal's link)."""
    return _guide_count.first(client.pk) or 0


@prepared
def _guide_count(client_id: int) -> QuerySet[GuideShare, int]:
    """One row with the count (none when nothing is shared)."""
    return totals(
        GuideShare.objects.filter(client_id=client_id), "client_id", n=Count("*")
    )


@dataclass
class ChartGuides:
    client: Client
    shared: list[GuideShare]
    unshared: list[Guide]


def chart_guides(client: Client) -> ChartGuides:
    """The chart card: guides shared, and the rest to choose from (one query)."""
    shared = [s for s in shares_of(client) if s.guide is not None]
    slugs = {s.slug for s in shared}
    return ChartGuides(client, shared, [g for g in all_guides() if g.slug not in slugs])
