"""Reads other apps' pages use: the client chart and the risk alert page."""

from __future__ import annotations

from alliance.clients.models import Client
from alliance.safety.models import SafetyPlanVersion


def current_safety_plan(client: Client) -> SafetyPlanVersion | None:
    """The current version of the client's safety plan, or None (one query)."""
    return (
        SafetyPlanVersion.objects.filter(plan__client=client)
        .select_related("plan", "created_by")
        .order_by("-number")
        .first()
    )
