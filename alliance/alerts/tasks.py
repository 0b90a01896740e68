"""Background work for risk alerts, run by ``alliance worker``: sending a new
alert's notifications, and the escalation sweep (registered in
``apps.AlertsConfig.ready``). Tasks take ids, never text."""

from __future__ import annotations

from django_tasks import task

from alliance.alerts.services import run_alert_sweep, send_pending


@task()
def send_alert_notifications(alert_id: int) -> dict[str, int]:
    """Send a new alert's waiting notifications at once."""
    return send_pending(alert_id=alert_id)


@task()
def alert_sweep() -> dict[str, int]:
    """Escalate unacknowledged high alerts past their practice's window and
    retry any notification that failed."""
    return run_alert_sweep()
