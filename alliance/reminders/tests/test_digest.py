"""The daily reminder email, sent by the worker: what it says, and when."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail

from alliance.audit.models import AuditEvent
from alliance.reminders.models import ReminderDigest
from alliance.reminders.tests.conftest import LONDON, book, homework_due, run_worker
from conftest import make_client

SWEEP = "alliance.reminders.tasks.send_reminder_digests"


def _tomorrow_at(clock, hour, minute=0):
    local = clock.at.astimezone(LONDON)
    return datetime.combine(
        local.date() + timedelta(days=1),
        datetime.min.time().replace(hour=hour, minute=minute),
        tzinfo=LONDON,
    )


def test_it_sends_one_email_for_an_appointment_tomorrow(rosa, clock):
    book(rosa, _tomorrow_at(clock, 10))
    run_worker()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [rosa.user.email]
    assert "Hello Rosa," in email.body
    assert "- You have an appointment tomorrow at 10:00." in email.body
    assert "https://alliance.example.org/portal/" in email.body
    assert "https://alliance.example.org/reminders/" in email.body
    assert "https://alliance.example.org/reminders/unsubscribe/" in email.body
    assert email.extra_headers["List-Unsubscribe"].startswith(
        "<https://alliance.example.org/reminders/unsubscribe/"
    )
    digest = ReminderDigest.objects.get()
    assert digest.client == rosa
    assert digest.sent_on == clock.at.date()
    assert digest.sent_at == clock.at
    assert digest.kinds == {"appointments": 1}
    event = AuditEvent.objects.get(action="reminder.digest")
    assert event.actor is None
    assert event.actor_label == "system"
    assert event.client_uuid == rosa.uuid
    assert event.outcome == "ok"
    assert event.detail == {"kinds": {"appointments": 1}}


def test_it_sends_at_most_one_a_day(rosa, clock):
    book(rosa, _tomorrow_at(clock, 10))
    run_worker()
    clock.advance(minutes=20)
    run_worker()
    clock.advance(hours=6)
    run_worker()
    assert len(mail.outbox) == 1
    assert ReminderDigest.objects.count() == 1

    clock.advance(hours=18)  # 09:20 the next day: the appointment is today
    run_worker()
    assert len(mail.outbox) == 2
    assert "- You have an appointment today at 10:00." in mail.outbox[1].body
    assert ReminderDigest.objects.count() == 2


def test_it_keeps_quiet_hours_and_sends_in_the_morning(rosa, clock, practice):
    assert (practice.quiet_hours_start.hour, practice.quiet_hours_end.hour) == (21, 8)
    book(rosa, datetime(2030, 3, 6, 10, 0, tzinfo=LONDON))
    clock.at = datetime(2030, 3, 5, 22, 30, tzinfo=LONDON)
    run_worker()
    assert mail.outbox == []
    assert ReminderDigest.objects.count() == 0

    clock.at = datetime(2030, 3, 6, 7, 45, tzinfo=LONDON)
    run_worker()
    assert mail.outbox == []

    clock.at = datetime(2030, 3, 6, 8, 5, tzinfo=LONDON)
    run_worker()
    assert len(mail.outbox) == 1
    assert "- You have an appointment today at 10:00." in mail.outbox[0].body


def test_it_respects_the_practice_time_zone(rosa, clock, practice):
    practice.time_zone = "Australia/Sydney"
    practice.save(update_fields=["time_zone"])
    from zoneinfo import ZoneInfo

    sydney = ZoneInfo("Australia/Sydney")
    # 22:00 in London and UTC, but 09:00 on Wednesday in Sydney (AEDT, +11).
    clock.at = datetime(2030, 3, 5, 22, 0, tzinfo=LONDON)
    book(rosa, datetime(2030, 3, 7, 10, 0, tzinfo=sydney))
    run_worker()
    assert len(mail.outbox) == 1
    assert "- You have an appointment tomorrow at 10:00." in mail.outbox[0].body
    assert ReminderDigest.objects.get().sent_on.isoformat() == "2030-03-06"


def test_it_stays_quiet_at_night_in_the_practice_time_zone(rosa, clock, practice):
    practice.time_zone = "Australia/Sydney"
    practice.save(update_fields=["time_zone"])
    # 10:00 in London, 21:00 in Sydney: quiet hours there.
    clock.at = datetime(2030, 3, 5, 10, 0, tzinfo=LONDON)
    book(rosa, clock.at + timedelta(hours=20))
    run_worker()
    assert mail.outbox == []


def test_it_sends_nothing_when_nothing_is_due(rosa, clock):
    run_worker()
    assert mail.outbox == []
    assert ReminderDigest.objects.count() == 0
    assert not AuditEvent.objects.filter(action="reminder.digest").exists()


def test_it_skips_a_client_without_a_portal_login(alice, clock):
    no_login = make_client(alice, given_name="Nolan")
    book(no_login, _tomorrow_at(clock, 10))
    run_worker()
    assert mail.outbox == []


def test_it_skips_a_client_whose_login_is_disabled(rosa, clock):
    book(rosa, _tomorrow_at(clock, 10))
    rosa.user.is_active = False
    rosa.user.save(update_fields=["is_active"])
    run_worker()
    assert mail.outbox == []


def test_it_ignores_cancelled_and_later_appointments(rosa, clock):
    from alliance.scheduling.services import set_status

    cancelled = book(rosa, _tomorrow_at(clock, 10))
    set_status(cancelled, "cancelled", by=rosa.clinician, reason="Unwell")
    book(rosa, clock.at + timedelta(hours=37))
    run_worker()
    assert mail.outbox == []


def test_it_lists_several_appointments_by_time(rosa, clock):
    book(rosa, clock.at + timedelta(hours=3))
    book(rosa, _tomorrow_at(clock, 16, 30))
    run_worker()
    assert (
        "- You have 2 appointments: today at 12:00 and tomorrow at 16:30."
        in mail.outbox[0].body
    )


def test_it_counts_homework_due_today_or_tomorrow(rosa, clock):
    today = clock.at.date()
    homework_due(rosa, today)
    homework_due(rosa, today + timedelta(days=1))
    homework_due(rosa, today + timedelta(days=3))  # later: not yet
    homework_due(rosa, today, reminder=False)  # the client asked for none
    run_worker()
    assert "- 2 homework tasks due today or tomorrow." in mail.outbox[0].body
    assert ReminderDigest.objects.get().kinds == {"homework": 2}


def test_it_leaves_out_homework_already_sent_in(rosa, clock):
    from alliance.homework.services import submit_entry

    assignment = homework_due(rosa, clock.at.date())
    submit_entry(
        assignment,
        clock.at.date(),
        {"today": 6, "step_up": "Walk", "went_better": "Slept"},
        by=rosa.user,
    )
    run_worker()
    assert mail.outbox == []


def test_it_counts_questionnaires_due_and_begun(rosa, clock):
    from alliance.measures.services import schedule_measure, start_administration

    episode = rosa.current_episode()
    schedule_measure(episode, "phq9", when="every_session", by=rosa.clinician)
    schedule_measure(episode, "gad7", when="every_session", by=rosa.clinician)
    # Begun on the portal: counted once, as a draft, not again as due.
    start_administration(episode, "gad7", mode="portal", by=rosa.user)
    run_worker()
    assert "- 2 questionnaires to complete." in mail.outbox[0].body


def test_the_email_holds_no_clinical_detail_and_no_surname(rosa, clock):
    from alliance.measures.services import schedule_measure

    book(rosa, _tomorrow_at(clock, 10))
    homework_due(rosa, clock.at.date())
    schedule_measure(
        rosa.current_episode(), "phq9", when="every_session", by=rosa.clinician
    )
    run_worker()
    email = mail.outbox[0]
    text = f"{email.subject}\n{email.body}"
    assert "- You have an appointment tomorrow at 10:00." in text
    assert "- 1 homework task due today or tomorrow." in text
    assert "- 1 questionnaire to complete." in text
    # The unsubscribe link's token is a signature, random letters that may
    # spell "phq" by chance (seen in CI): it is set aside, the rest is read.
    token = re.search(r"/unsubscribe/([^/\s]+)/", text)
    assert token is not None
    text = text.replace(token.group(1), "TOKEN")
    for secret in (
        "CANARY",
        "Quillfeather",
        "PHQ",
        "Scaling",
        "video",
        "Alice",
        "Low mood",
    ):
        assert secret.lower() not in text.lower(), secret
    assert ReminderDigest.objects.get().kinds == {
        "appointments": 1,
        "homework": 1,
        "questionnaires": 1,
    }


def test_a_failed_send_is_logged_and_tried_again(rosa, alice, clock, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from alliance.reminders.tests.conftest import with_portal

    other = with_portal(make_client(alice, given_name="Otto"))
    book(rosa, _tomorrow_at(clock, 10))
    book(other, _tomorrow_at(clock, 11))
    real_send = mail.EmailMessage.send

    def send(message, *args, **kwargs):
        if message.to == [rosa.user.email]:
            raise ConnectionRefusedError("mail server down")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", send)
    run_worker()
    # Otto still got his; Rosa's failure left no claim, an audit row and a
    # failed task in the task log.
    assert [m.to for m in mail.outbox] == [[other.user.email]]
    assert list(ReminderDigest.objects.values_list("client", flat=True)) == [other.pk]
    failed = AuditEvent.objects.get(action="reminder.digest", outcome="failed")
    assert failed.client_uuid == rosa.uuid
    assert failed.detail == {"error": "ConnectionRefusedError"}
    assert DBTaskResult.objects.get(task_path=SWEEP).status == "FAILED"

    monkeypatch.setattr(mail.EmailMessage, "send", real_send)
    clock.advance(minutes=15)
    run_worker()
    assert [m.to for m in mail.outbox] == [[other.user.email], [rosa.user.email]]


def test_a_digest_claimed_by_another_worker_is_not_sent_again(rosa, clock):
    # Another worker has claimed today's digest and is sending it now.
    ReminderDigest.objects.create(
        client=rosa, sent_on=clock.at.date(), claimed_at=clock.at, kinds={}
    )
    book(rosa, _tomorrow_at(clock, 10))
    run_worker()
    assert mail.outbox == []


def test_the_claim_is_unique_per_client_and_day(rosa, clock):
    from django.db import IntegrityError, transaction

    ReminderDigest.objects.create(client=rosa, sent_on=clock.at.date())
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderDigest.objects.create(client=rosa, sent_on=clock.at.date())
