"""Risk alerts reaching a clinician in the demo practice: a duty rota for the
coming weeks (Chloe and Alice take turns, every day) and one high alert from
a client's portal answer last night that nobody acknowledged, so the sweep
has escalated it to the clinician on duty and Ben's supervisor, Sam. All
through the apps' services; only the alert's time is moved back.

Everything here is invented for Alliance.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from alliance.accounts.models import User
from alliance.accounts.services import add_duty_days
from alliance.alerts.models import RiskAlert
from alliance.alerts.services import escalate, raise_alert, send_pending
from alliance.clients.models import Client, Episode

ROTA_WEEKS = 6
ESCALATED_SUMMARY = (
    "Portal check-in at 23:10: answered that they had thought about not "
    "wanting to wake up, more than half the days this week."
)


def seed_alerts(
    clients: list[tuple[Client, str]],
    *,
    staff: dict[str, User],
    now: datetime,
    zone: ZoneInfo,
) -> RiskAlert:
    """The duty rota, and one open high alert already escalated; returns it."""
    admin, alice, ben, chloe = (staff[k] for k in ("admin", "alice", "ben", "chloe"))
    practice = admin.practice
    today = now.astimezone(zone).date()
    until = today + timedelta(weeks=ROTA_WEEKS)
    for offset in range(7):
        day = today + timedelta(days=offset)
        add_duty_days(
            practice,  # type: ignore[arg-type]  # staff always belong to a practice
            clinician=chloe if day.weekday() in (0, 2, 4, 6) else alice,
            start=day,
            repeat_weekly_until=until,
            by=admin,
        )
    client = [
        c
        for c, phase in clients
        if phase == Episode.Phase.ACTIVE and c.clinician_id == ben.pk
    ][-1]
    alert = raise_alert(client, source="Portal check-in", summary=ESCALATED_SUMMARY)
    RiskAlert.objects.filter(pk=alert.pk).update(raised_at=now - timedelta(hours=7))
    alert.refresh_from_db()
    escalate(alert, now=now - timedelta(hours=3))
    send_pending(now=now)
    return alert
