"""Reading guide shares for the chart and the portal."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from alliance.clients.models import Client
from alliance.guides.library import Guide, all_guides
from alliance.guides.models import GuideShare


def shares_of(client: Client) -> QuerySet[GuideShare]:
    return GuideShare.objects.filter(client=client)


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
