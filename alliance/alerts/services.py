"""Writes about risk alerts: raising and acknowledging them, and making sure
a high one reaches a person (docs/alerts.md): the clinician's email at once,
escalation by the periodic sweep, each message claimed before it is sent and
retried until it goes."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.duty import duty_clinicians
from alliance.accounts.models import Cover, User
from alliance.alerts import notify
from alliance.alerts.models import AlertNotification, RiskAlert
from alliance.audit.models import AuditEvent
from alliance.audit.services import record
from alliance.clients.models import Client, Episode

logger = logging.getLogger("alliance.alerts")
Note = AlertNotification


@transaction.atomic
def raise_alert(
    client: Client,
    *,
    source: str,
    summary: str,
    episode: Episode | None = None,
    severity: str = RiskAlert.Severity.HIGH,
    raised_by: User | None = None,
    source_object: models.Model | None = None,
    request: HttpRequest | None = None,
) -> RiskAlert:
    """Open a risk alert. Call inside the transaction that stores the risk answer,
    so the answer is never saved without its alert."""
    alert = RiskAlert.objects.create(
        client=client,
        episode=episode or client.current_episode(),
        severity=severity,
        source=source,
        source_type=source_object._meta.label_lower
        if source_object is not None
        else "",
        source_uuid=getattr(source_object, "uuid", None),
        summary=summary,
        raised_by=raised_by,
        raised_at=timezone.now(),
    )
    # The source is encrypted on the alert; the audit log names only the kind
    # of record that raised it (docs/decisions/0004).
    record(
        raised_by,
        "alert.raise",
        alert,
        request=request,
        detail={"source_type": alert.source_type},
    )
    if alert.severity == RiskAlert.Severity.HIGH:
        _queue(alert, Note.Kind.RAISED, raised_recipients(alert))
        _send_soon(alert)
    return alert


@transaction.atomic
def acknowledge_alert(
    alert: RiskAlert, *, by: User, action_taken: str, request: HttpRequest | None = None
) -> RiskAlert:
    action_taken = (action_taken or "").strip()
    if not action_taken:
        raise ValidationError("Record the action taken before acknowledging the alert.")
    alert = RiskAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is not None:
        raise ValidationError("This alert was already acknowledged.")
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = by
    alert.action_taken = action_taken
    alert.save(update_fields=["acknowledged_at", "acknowledged_by", "action_taken"])
    # Messages not yet out are no longer needed.
    AlertNotification.objects.filter(
        alert=alert,
        status__in=[AlertNotification.Status.PENDING, AlertNotification.Status.FAILED],
    ).update(status=AlertNotification.Status.CANCELLED)
    record(by, "alert.acknowledge", alert, request=request)
    return alert


SEVERITY_RANK: dict[str, int] = {
    RiskAlert.Severity.LOW: 0,
    RiskAlert.Severity.MEDIUM: 1,
    RiskAlert.Severity.HIGH: 2,
}


@transaction.atomic
def add_to_alert(
    alert: RiskAlert,
    *,
    note: str,
    severity: str | None = None,
    by: User | None = None,
    request: HttpRequest | None = None,
) -> RiskAlert:
    """Add what changed to an open alert (a risk answer changed to a worse
    one) instead of raising a second alert for the same answer. The severity
    only ever goes up; what the alert said before is kept."""
    alert = RiskAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is not None:
        raise ValidationError("This alert was already acknowledged.")
    fields = ["summary"]
    alert.summary = f"{alert.summary}\n{note.strip()}".strip()
    if severity and SEVERITY_RANK.get(severity, 0) > SEVERITY_RANK.get(
        alert.severity, 0
    ):
        alert.severity = severity
        fields.append("severity")
    alert.save(update_fields=fields)
    record(by, "alert.update", alert, request=request, detail={"severity": severity})
    return alert


# --- notification and escalation (docs/alerts.md) ------------------------------

# A claim older than this (a worker that died mid-send) may be taken again.
STALE_CLAIM = timedelta(minutes=15)


class AlertSendError(RuntimeError):
    """Some alert notifications could not be sent; they are marked failed and
    the next sweep tries again. Raised after every other one was tried, so the
    task shows as failed in the task log."""


def accountable_clinician(alert: RiskAlert) -> User:
    """Who answers for the alert: the client's primary clinician."""
    return alert.client.clinician


def raised_recipients(alert: RiskAlert) -> list[tuple[User, str]]:
    """Who is told of a new high alert at once: the primary clinician, and
    any colleague covering them today (accounts.Cover), who can act on it
    while they are away."""
    clinician = accountable_clinician(alert)
    recipients = [(clinician, "clinician")]
    practice = alert.client.practice
    covers = User.objects.filter(
        is_active=True,
        covering__in=Cover.objects.in_force_on(practice.today()).filter(
            clinician=clinician, practice=practice
        ),
    ).distinct()
    recipients += [(user, "cover") for user in covers if user.pk != clinician.pk]
    return recipients


def _queue(alert: RiskAlert, kind: str, recipients: list[tuple[User, str]]) -> int:
    """Create a pending notification per recipient and channel; a row that
    exists already is left alone (the unique constraint)."""
    channels = notify.channels()
    rows = [
        Note(
            alert=alert,
            recipient=user,
            kind=kind,
            reason=reason,
            channel=name,
        )
        for user, reason in recipients
        for name, channel in channels.items()
        if channel.can_reach(user)
    ]
    Note.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _send_soon(alert: RiskAlert) -> None:
    """After the transaction commits, hand the alert's notifications to the
    task queue (``alliance worker``); the sweep catches any that are missed."""

    def enqueue() -> None:
        from alliance.alerts.tasks import send_alert_notifications

        try:
            send_alert_notifications.enqueue(alert.pk)
        except Exception:  # the sweep sends it instead
            logger.exception("Could not enqueue notifications of alert %s", alert.pk)

    transaction.on_commit(enqueue)


def escalation_recipients(alert: RiskAlert, now: datetime) -> list[tuple[User, str]]:
    """Who an unacknowledged alert goes to: the practice's duty clinicians
    today and the clinician's supervisors; when there is neither, the
    practice admins, so it still reaches someone. Never the accountable
    clinician (who was told already)."""
    practice = alert.client.practice
    clinician = accountable_clinician(alert)
    found: dict[int, tuple[User, str]] = {}
    for user in duty_clinicians(practice, practice.today(now)):
        found.setdefault(user.pk, (user, "duty"))
    supervisors = User.objects.clinicians().filter(
        practice=practice,
        supervising__supervisee=clinician,
        supervising__ended_at__isnull=True,
    )
    for user in supervisors:
        found.setdefault(user.pk, (user, "supervisor"))
    found.pop(clinician.pk, None)
    if not found:
        admins = User.objects.filter(
            practice=practice, role=User.Role.ADMIN, is_active=True
        )
        found = {user.pk: (user, "admin") for user in admins}
    return list(found.values())


def escalate(alert: RiskAlert, *, now: datetime) -> list[tuple[User, str]]:
    """Mark the alert escalated and queue its escalation messages, once: the
    conditional update lets exactly one sweep (of any worker) do it."""
    with transaction.atomic():
        won = RiskAlert.objects.filter(
            pk=alert.pk, escalated_at__isnull=True, acknowledged_at__isnull=True
        ).update(escalated_at=now)
        if not won:
            return []
        alert.escalated_at = now
        recipients = escalation_recipients(alert, now)
        _queue(alert, Note.Kind.ESCALATION, recipients)
        record(
            None,
            "alert.escalate",
            alert,
            detail={
                "to": [str(user.uuid) for user, _ in recipients],
                "as": [reason for _, reason in recipients],
            },
        )
    return recipients


def escalate_due(now: datetime) -> int:
    """Escalate every open high alert older than its practice's window."""
    candidates = (
        RiskAlert.objects.open()
        .filter(severity=RiskAlert.Severity.HIGH, escalated_at__isnull=True)
        .select_related("client__practice", "client__clinician")
    )
    count = 0
    for alert in candidates:
        window = timedelta(hours=alert.client.practice.alert_escalation_hours)
        if now - alert.raised_at >= window and escalate(alert, now=now):
            count += 1
    return count


def _link(name: str, *args: Any) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def alert_message(note: AlertNotification) -> notify.AlertMessage:
    """The text of a notification: no client name, no summary, no source."""
    alert = note.alert
    practice = alert.client.practice
    clinician = accountable_clinician(alert)
    if note.kind == Note.Kind.RAISED:
        link = _link("chart:alert", alert.uuid)
    elif note.reason == "admin":
        link = _link("alerts:queue")
    else:
        link = _link("alerts:duty_open", alert.uuid)
    raised = alert.raised_at.astimezone(practice.zone)
    context = {
        "note": note,
        "first_name": note.recipient.full_name.split(" ")[0]
        if note.recipient.full_name
        else "",
        "practice": practice,
        "clinician": clinician,
        "raised": raised,
        "hours": practice.alert_escalation_hours,
        "link": link,
    }
    body = render_to_string("alerts/notification_email.txt", context)
    subject = (
        "A risk alert needs your attention"
        if note.kind == Note.Kind.RAISED
        else "A risk alert has not been acknowledged"
    )
    return notify.AlertMessage(subject=subject, body=body, link=link)


def claim(note: AlertNotification, *, now: datetime) -> bool:
    """Take a notification for sending; False when another worker has it or
    it is done. One conditional update, so only one claimant wins."""
    claimable = Q(status__in=[Note.Status.PENDING, Note.Status.FAILED]) | Q(
        status=Note.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    return bool(
        Note.objects.filter(claimable, pk=note.pk).update(
            status=Note.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def deliver(note: AlertNotification, *, now: datetime) -> bool | None:
    """Claim and send one notification. True sent, False failed (kept for the
    next sweep), None when it was not ours to send."""
    if not claim(note, now=now):
        return None
    channel = notify.channels().get(note.channel)
    try:
        if channel is None:
            raise LookupError(f"No alert channel named {note.channel!r}")
        channel.send(note.recipient, alert_message(note))
    except Exception as exc:
        logger.exception("Alert notification %s could not be sent", note.pk)
        with transaction.atomic():
            Note.objects.filter(pk=note.pk).update(
                status=Note.Status.FAILED, last_error=type(exc).__name__[:100]
            )
            record(
                None,
                "alert.notify",
                note.alert,
                outcome=AuditEvent.Outcome.FAILED,
                detail={
                    "kind": note.kind,
                    "to": str(note.recipient.uuid),
                    "channel": note.channel,
                    "error": type(exc).__name__,
                },
            )
        return False
    with transaction.atomic():
        Note.objects.filter(pk=note.pk).update(
            status=Note.Status.SENT, sent_at=timezone.now(), last_error=""
        )
        record(
            None,
            "alert.notify",
            note.alert,
            detail={
                "kind": note.kind,
                "to": str(note.recipient.uuid),
                "channel": note.channel,
            },
        )
    return True


def send_pending(
    *, now: datetime | None = None, alert_id: int | None = None
) -> dict[str, int]:
    """Send every notification of an open alert that is waiting, failed
    before, or stuck with a dead worker. Returns {"sent": n, "failed": n}."""
    now = now or timezone.now()
    due = (
        Note.objects.filter(alert__acknowledged_at__isnull=True)
        .filter(
            Q(status__in=[Note.Status.PENDING, Note.Status.FAILED])
            | Q(status=Note.Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
        )
        .select_related(
            "alert__client__practice", "alert__client__clinician", "recipient"
        )
    )
    if alert_id is not None:
        due = due.filter(alert_id=alert_id)
    sent = failed = 0
    for note in due:
        outcome = deliver(note, now=now)
        if outcome is True:
            sent += 1
        elif outcome is False:
            failed += 1
    return {"sent": sent, "failed": failed}


def run_alert_sweep(now: datetime | None = None) -> dict[str, int]:
    """The periodic sweep (``alliance worker``): escalate what waited too
    long, then send whatever is waiting or failed before."""
    now = now or timezone.now()
    escalated = escalate_due(now)
    counts = send_pending(now=now)
    if counts["failed"]:
        raise AlertSendError(
            f"{counts['failed']} alert notification(s) could not be sent "
            f"({counts['sent']} sent); they will be tried again at the next sweep."
        )
    return {"escalated": escalated, **counts}
