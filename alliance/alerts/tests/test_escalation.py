"""Finding 3 of issue #10: alerts never left the screen. A new high alert now
emails its clinician at once (no clinical content); the worker's sweep
escalates it to the duty clinician and the clinician's supervisor when it is
not acknowledged in time, once, and retries failed sends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse

from alliance.accounts.models import DutyShift
from alliance.accounts.services import update_practice
from alliance.alerts.models import AlertNotification, RiskAlert
from alliance.alerts.services import (
    AlertSendError,
    acknowledge_alert,
    claim,
    escalate,
    run_alert_sweep,
)
from alliance.alerts.tests.conftest import CANARY
from alliance.audit.models import AuditEvent

Note = AlertNotification


class BrokenBackend(BaseEmailBackend):
    """An email backend whose server is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def assert_no_clinical_text(message, client):
    text = message.subject + message.body
    assert CANARY not in text
    assert client.given_name not in text
    assert client.family_name not in text
    assert "PHQ-9" not in text


def on_duty(user, clock, **later):
    """Put ``user`` on duty on the practice day of the clock (moved by ``later``)."""
    day = user.practice.today(clock.at + timedelta(**later))
    return DutyShift.objects.create(practice=user.practice, clinician=user, date=day)


def test_a_new_high_alert_emails_its_clinician_once_without_clinical_text(
    cleo, alice, raise_high, clock
):
    alert = raise_high(cleo)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [alice.email]
    assert message.subject == "A risk alert needs your attention"
    assert_no_clinical_text(message, cleo)
    assert (
        "https://alliance.example.org" + reverse("chart:alert", args=[alert.uuid])
    ) in message.body
    note = Note.objects.get(alert=alert)
    assert (note.kind, note.status, note.attempts) == ("raised", "sent", 1)
    # The sweep does not send it again.
    run_alert_sweep()
    assert len(mail.outbox) == 1


def test_medium_and_low_alerts_stay_on_screen_only(cleo, raise_high, clock):
    raise_high(cleo, severity="medium")
    raise_high(cleo, severity="low")
    clock.advance(hours=10)
    run_alert_sweep()
    assert mail.outbox == []
    assert not RiskAlert.objects.filter(escalated_at__isnull=False).exists()


def test_the_sweep_escalates_after_the_window_exactly_once(
    cleo, alice, bob, sam, raise_high, clock
):
    on_duty(bob, clock, hours=4)
    alert = raise_high(cleo)
    mail.outbox.clear()
    clock.advance(hours=3, minutes=59)
    assert run_alert_sweep()["escalated"] == 0
    assert mail.outbox == []
    clock.advance(minutes=1)
    assert run_alert_sweep() == {"escalated": 1, "sent": 2, "failed": 0}
    assert sorted(m.to[0] for m in mail.outbox) == [bob.email, sam.email]
    for message in mail.outbox:
        assert message.subject == "A risk alert has not been acknowledged"
        assert_no_clinical_text(message, cleo)
        assert "Alice Clinician" in message.body
        assert reverse("alerts:duty_open", args=[alert.uuid]) in message.body
    alert.refresh_from_db()
    assert alert.escalated_at == clock.at
    escalations = Note.objects.filter(alert=alert, kind="escalation")
    assert {(n.recipient, n.reason) for n in escalations} == {
        (bob, "duty"),
        (sam, "supervisor"),
    }
    assert AuditEvent.objects.filter(action="alert.escalate").count() == 1
    # The sweep again, and a second worker arriving late: nothing more.
    clock.advance(minutes=5)
    assert run_alert_sweep() == {"escalated": 0, "sent": 0, "failed": 0}
    assert escalate(alert, now=clock.at) == []
    assert len(mail.outbox) == 2


def test_two_workers_claiming_one_message_send_it_once(cleo, alice, sam, clock):
    from alliance.alerts.services import raise_alert

    alert = raise_alert(cleo, source="Session risk check", summary=CANARY)
    note = Note.objects.get(alert=alert)  # pending: on-commit never ran
    assert claim(note, now=clock.at) is True
    assert claim(note, now=clock.at) is False
    # The first worker died mid-send: after a while the message is taken again.
    clock.advance(minutes=16)
    assert claim(note, now=clock.at) is True
    note.refresh_from_db()
    assert note.attempts == 2


def test_the_worker_command_runs_the_sweep(cleo, sam, raise_high, clock, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    alert = raise_high(cleo)  # enqueued, not yet sent
    assert mail.outbox == []
    call_command("worker", "--batch", "--no-startup-delay")
    assert [m.to for m in mail.outbox] == [[cleo.clinician.email]]
    clock.advance(hours=2)
    call_command("worker", "--batch", "--no-startup-delay")
    assert len(mail.outbox) == 1
    clock.advance(hours=2)
    call_command("worker", "--batch", "--no-startup-delay")
    call_command("worker", "--batch", "--no-startup-delay")
    assert [m.to for m in mail.outbox[1:]] == [[sam.email]]
    alert.refresh_from_db()
    assert alert.escalated_at is not None


def test_a_failed_send_is_retried_at_the_next_sweep(
    cleo, alice, raise_high, clock, settings
):
    settings.EMAIL_BACKEND = "alliance.alerts.tests.test_escalation.BrokenBackend"
    alert = raise_high(cleo)
    note = Note.objects.get(alert=alert)
    assert (note.status, note.attempts, note.last_error) == (
        "failed",
        1,
        "ConnectionRefusedError",
    )
    assert AuditEvent.objects.filter(action="alert.notify", outcome="failed").exists()
    with pytest.raises(AlertSendError):
        run_alert_sweep()
    note.refresh_from_db()
    assert (note.status, note.attempts) == ("failed", 2)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run_alert_sweep()["sent"] == 1
    note.refresh_from_db()
    assert (note.status, note.attempts, note.last_error) == ("sent", 3, "")
    assert [m.to for m in mail.outbox] == [[alice.email]]


def test_without_duty_or_supervisor_it_reaches_the_practice_admins(
    dan, bob, ada, raise_high, clock
):
    raise_high(dan)
    mail.outbox.clear()
    clock.advance(hours=4)
    run_alert_sweep()
    assert [m.to for m in mail.outbox] == [[ada.email]]
    message = mail.outbox[0]
    assert_no_clinical_text(message, dan)
    assert "practice admin" in message.body
    assert reverse("alerts:queue") in message.body


def test_an_acknowledged_alert_is_not_escalated(cleo, alice, sam, raise_high, clock):
    alert = raise_high(cleo)
    acknowledge_alert(alert, by=alice, action_taken="Phoned; safe tonight.")
    clock.advance(hours=5)
    run_alert_sweep()
    assert len(mail.outbox) == 1
    alert.refresh_from_db()
    assert alert.escalated_at is None


def test_the_window_is_the_practice_setting(cleo, sam, ada, raise_high, clock):
    update_practice(cleo.practice, by=ada, alert_escalation_hours=1)
    raise_high(cleo)
    clock.advance(hours=1)
    assert run_alert_sweep()["escalated"] == 1


def test_the_alert_page_shows_to_whom_and_when_it_was_escalated(
    cleo, alice, sam, raise_high, clock, as_user
):
    alert = raise_high(cleo)
    page = as_user(alice).get(alert.get_absolute_url()).content.decode()
    assert "Escalates at" in page
    clock.advance(hours=4)
    run_alert_sweep()
    page = as_user(alice).get(alert.get_absolute_url()).content.decode()
    assert "Escalated" in page
    assert "Sam Supervisor (supervisor)" in page


def test_the_sweep_is_registered_with_the_worker():
    from alliance.core import periodic

    entry = periodic.PERIODIC["alerts.sweep"]
    assert entry.every == timedelta(minutes=5)
    assert entry.task.module_path == "alliance.alerts.tasks.alert_sweep"


class FakeSmsChannel:
    """A second channel, as an SMS backend would plug in."""

    name = "sms"
    sent: list = []

    def can_reach(self, recipient):
        return True

    def send(self, recipient, message):
        FakeSmsChannel.sent.append((recipient.email, message.subject, message.body))


def test_another_channel_plugs_in_beside_email(cleo, alice, raise_high, settings):
    settings.ALLIANCE_ALERT_CHANNELS = [
        "alliance.alerts.notify.EmailChannel",
        "alliance.alerts.tests.test_escalation.FakeSmsChannel",
    ]
    FakeSmsChannel.sent = []
    alert = raise_high(cleo)
    assert len(mail.outbox) == 1
    assert [(to, subject) for to, subject, _ in FakeSmsChannel.sent] == [
        (alice.email, "A risk alert needs your attention")
    ]
    assert CANARY not in FakeSmsChannel.sent[0][2]
    assert sorted(
        Note.objects.filter(alert=alert).values_list("channel", "status")
    ) == [("email", "sent"), ("sms", "sent")]


def test_a_new_high_alert_also_emails_the_colleague_covering_the_clinician(
    cleo, alice, bob, raise_high, clock
):
    """While Alice is away, Bob covers her (accounts.Cover): he can act on her
    clients' alerts, so he is told at once too; once the cover ends, he is not."""
    from alliance.accounts.models import Cover

    today = alice.practice.today()
    cover = Cover.objects.create(
        practice=alice.practice,
        clinician=alice,
        cover=bob,
        starts_on=today,
        ends_on=today + timedelta(days=3),
        created_by=alice,
    )
    alert = raise_high(cleo)
    assert sorted(m.to[0] for m in mail.outbox) == [alice.email, bob.email]
    [to_bob] = [m for m in mail.outbox if m.to == [bob.email]]
    assert "whom you are covering" in to_bob.body
    assert_no_clinical_text(to_bob, cleo)
    assert reverse("chart:alert", args=[alert.uuid]) in to_bob.body

    cover.ends_on = today - timedelta(days=1)
    cover.starts_on = today - timedelta(days=2)
    cover.save()
    mail.outbox.clear()
    raise_high(cleo)
    assert [m.to for m in mail.outbox] == [[alice.email]]
