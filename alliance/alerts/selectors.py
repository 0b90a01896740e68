"""Read-only queries about risk alerts for pages."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from alliance.alerts.models import AlertNotification, RiskAlert


def queue(practice_id: int) -> QuerySet[RiskAlert]:
    """Every open alert of the practice, most urgent first (severity, then
    oldest), with the client, their clinician and the escalation messages
    fetched alongside: a fixed number of queries whatever the length."""
    return (
        RiskAlert.objects.open()
        .in_practice(practice_id)
        .by_urgency()
        .select_related("client__clinician", "client__practice")
        .prefetch_related(_notifications())
    )


def _notifications() -> Prefetch:
    return Prefetch(
        "notifications",
        queryset=AlertNotification.objects.select_related("recipient").order_by(
            "kind", "recipient__full_name"
        ),
        to_attr="notes",
    )


def notifications(alert: RiskAlert) -> list[AlertNotification]:
    """The alert's escalation messages; no query when ``queue`` fetched them."""
    if hasattr(alert, "notes"):
        return alert.notes
    return list(
        AlertNotification.objects.filter(alert=alert)
        .select_related("recipient")
        .order_by("kind", "recipient__full_name")
    )
