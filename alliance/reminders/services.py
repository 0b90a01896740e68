"""Writes about reminders: the client's choices, the one-click unsubscribe, the
daily digest sweep, and enqueueing periodic tasks when they fall due.

The digest email carries counts, times and links only (SECURITY.md R-H8): no
homework title or instructions, no questionnaire name, no surname.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User, zone_of
from alliance.audit.models import AuditEvent
from alliance.audit.services import record
from alliance.clients.models import PORTAL_OPEN, Client
from alliance.core import periodic
from alliance.core.periodic import REMINDER_PREFERENCES
from alliance.reminders.models import PeriodicRun, ReminderDigest, ReminderPreference
from alliance.reminders.selectors import DigestContent, digest_content, preference_for

logger = logging.getLogger("alliance.reminders")

UNSUBSCRIBE_SALT = "alliance.reminders.unsubscribe"
MAX_TOKEN_LENGTH = 200
# The kinds a client can switch off, as ReminderPreference fields.
KINDS = REMINDER_PREFERENCES


class DigestSendError(RuntimeError):
    """Some digests could not be sent; their claims were released, so the next
    sweep tries again. Raised after every other client was served, so the task
    is marked failed in the task log."""


# --- choices ---------------------------------------------------------------


@transaction.atomic
def set_preferences(
    client: Client,
    *,
    appointments: bool,
    homework: bool,
    questionnaires: bool,
    by: User,
    request: HttpRequest | None = None,
) -> ReminderPreference:
    """Save which reminders the client wants (the client themself, on the portal)."""
    preference, _ = ReminderPreference.objects.select_for_update().get_or_create(
        client=client
    )
    preference.appointments = appointments
    preference.homework = homework
    preference.questionnaires = questionnaires
    preference.updated_at = timezone.now()
    preference.save()
    record(
        by,
        "reminders.preferences",
        preference,
        request=request,
        detail={
            "appointments": appointments,
            "homework": homework,
            "questionnaires": questionnaires,
        },
    )
    return preference


def unsubscribe_token(client: Client) -> str:
    """A signed, non-expiring token naming the client, for the link in each
    email. It grants nothing but switching that client's reminders off."""
    return signing.dumps(str(client.uuid), salt=UNSUBSCRIBE_SALT)


def client_for_token(token: str) -> Client | None:
    """The client an unsubscribe token names, or None for a bad or unknown one."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, str):
        return None
    try:
        return Client.objects.select_related("practice").get(uuid=value)
    except (Client.DoesNotExist, ValidationError):
        return None


@transaction.atomic
def unsubscribe(
    client: Client, *, request: HttpRequest | None = None
) -> ReminderPreference:
    """Switch every kind of reminder off (the link in the email)."""
    preference, _ = ReminderPreference.objects.select_for_update().get_or_create(
        client=client
    )
    preference.appointments = False
    preference.homework = False
    preference.questionnaires = False
    preference.updated_at = timezone.now()
    preference.save()
    actor = request.user if request is not None else None
    record(
        actor,
        "reminders.unsubscribe",
        preference,
        request=request,
        client_uuid=client.uuid,
    )
    return preference


# --- the daily digest -------------------------------------------------------


def _candidates() -> list[Client]:
    """Clients with an active portal login and at least one kind of reminder on."""
    return list(
        Client.objects.filter(user__isnull=False, user__is_active=True)
        .exclude(user__email="")
        .exclude(
            reminder_preference__appointments=False,
            reminder_preference__homework=False,
            reminder_preference__questionnaires=False,
        )
        .select_related("practice", "user", "reminder_preference")
        .order_by("pk")
    )


def _site_link(name: str, *args: Any) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def digest_email(client: Client, content: DigestContent) -> EmailMessage:
    """The reminder email: a greeting by first name, one line per kind, and
    links to the portal, the reminder choices and the unsubscribe page."""
    unsubscribe_url = _site_link("reminders:unsubscribe", unsubscribe_token(client))
    context = {
        "first_name": client.preferred_name or client.given_name,
        "practice": client.practice,
        "lines": [line.text for line in content.lines],
        "portal_url": _site_link("portal:home"),
        "preferences_url": _site_link("reminders:preferences"),
        "unsubscribe_url": unsubscribe_url,
        "quiet_start": client.practice.quiet_hours_start,
        "quiet_end": client.practice.quiet_hours_end,
    }
    body = render_to_string("reminders/digest_email.txt", context)
    subject = render_to_string("reminders/digest_subject.txt", context).strip()
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[client.user.email],  # type: ignore[union-attr]  # digests go to portal clients
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>"},
    )


def _claim(
    client: Client, day: Any, now: datetime, counts: dict[str, int]
) -> ReminderDigest | None:
    """The day's digest row for this client, newly claimed, or None when one
    exists already (sent, or being sent by another worker)."""
    try:
        with transaction.atomic():
            return ReminderDigest.objects.create(
                client=client, sent_on=day, claimed_at=now, kinds=counts
            )
    except IntegrityError:
        return None


def send_digest(client: Client, *, now: datetime) -> ReminderDigest | None:
    """Send the client's reminder email for the practice-local day of ``now``
    if they should get one: an open portal, outside quiet hours, none sent yet
    today, and something due. Returns the digest, or None when none was sent.
    A failed send releases the claim and raises."""
    practice = client.practice
    local = now.astimezone(zone_of(practice))
    if practice.in_quiet_hours(local.time()):
        return None
    if client.portal_access(now) != PORTAL_OPEN:
        return None
    day = local.date()
    if ReminderDigest.objects.filter(client=client, sent_on=day).exists():
        return None
    content = digest_content(client, now, preference_for(client))
    if not content.lines:
        return None
    digest = _claim(client, day, now, content.counts)
    if digest is None:
        return None
    try:
        digest_email(client, content).send()
    except Exception as exc:
        with transaction.atomic():
            digest.delete()
            record(
                None,
                "reminder.digest",
                None,
                client_uuid=client.uuid,
                outcome=AuditEvent.Outcome.FAILED,
                detail={"error": type(exc).__name__},
            )
        raise
    with transaction.atomic():
        digest.sent_at = timezone.now()
        digest.save(update_fields=["sent_at"])
        record(
            None,
            "reminder.digest",
            digest,
            client_uuid=client.uuid,
            detail={"kinds": content.counts},
        )
    return digest


def send_digests(now: datetime | None = None) -> dict[str, int]:
    """Send each client the reminder email due at ``now`` (default: the
    current time); at most one per client per practice-local day. Returns
    {"sent": n, "failed": n}; raises DigestSendError after the sweep when any
    send failed."""
    now = now or timezone.now()
    sent = failed = 0
    for client in _candidates():
        try:
            digest = send_digest(client, now=now)
        except Exception:
            logger.exception("Reminder digest for client %s failed", client.uuid)
            failed += 1
            continue
        if digest is not None:
            sent += 1
    if failed:
        raise DigestSendError(
            f"{failed} reminder email(s) could not be sent ({sent} sent); "
            "they will be tried again at the next sweep."
        )
    return {"sent": sent, "failed": failed}


# --- periodic tasks -----------------------------------------------------------


def enqueue_due_periodic(now: datetime | None = None) -> list[str]:
    """Enqueue each registered periodic task whose interval has passed since
    it was last enqueued; returns their names. Each decision is taken under a
    row lock (SQLite: the write lock), so two workers never both enqueue."""
    now = now or timezone.now()
    enqueued = []
    registry = periodic.PERIODIC
    for name in sorted(registry):
        entry = registry[name]
        with transaction.atomic():
            PeriodicRun.objects.get_or_create(name=name)
            run = PeriodicRun.objects.select_for_update().get(name=name)
            last = run.last_enqueued_at
            if last is not None and now - last < entry.every:
                continue
            entry.task.enqueue()
            run.last_enqueued_at = now
            run.save(update_fields=["last_enqueued_at"])
        enqueued.append(name)
    return enqueued
