"""Reads other apps' pages use: the client chart and the risk alert page."""

from __future__ import annotations

from django.db.models import QuerySet

from alliance.clients.models import Client
from alliance.core.prepared import first_of, prepared
from alliance.safety.models import SafetyPlanVersion


def current_safety_plan(client: Client) -> SafetyPlanVersion | None:
    """The current version of the client's safety plan, or None (one query)."""
    return _latest_version.first(client.pk)


@prepared
def _latest_version(client_id: int) -> QuerySet[SafetyPlanVersion]:
    return first_of(
        SafetyPlanVersion.objects.filter(plan__client_id=client_id)
        .select_related("plan", "created_by")
        .order_by("-number")
    )
