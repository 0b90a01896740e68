"""The "you have a new message" emails: who gets them, what they say (no
text, no client name in the subject), one an hour per thread, the client's
quiet hours, the cover, the per-person switch and the signed stop link."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import Cover
from alliance.audit.models import AuditEvent
from alliance.messaging import services
from alliance.messaging.models import MessageEmailChoice, MessageNotice
from alliance.messaging.tests.helpers import from_client, from_clinician

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_quiet_hours(practice):
    practice.quiet_hours_start = practice.quiet_hours_end
    practice.save()


def sweep(minutes: int = 1):
    return services.send_due_notices(timezone.now() + timedelta(minutes=minutes))


def test_it_emails_the_client_without_the_text_or_a_name_in_the_subject(
    cleo, mailoutbox
):
    from_clinician(cleo, "CANARY-BODY about your panic diary")
    assert sweep()["sent"] == 1
    (mail,) = mailoutbox
    assert mail.to == [cleo.user.email]
    assert "new message" in mail.subject.lower()
    assert "Cleo" not in mail.subject
    assert "CANARY-BODY" not in mail.body and "CANARY-BODY" not in mail.subject
    assert reverse("messaging:mine") in mail.body
    assert "List-Unsubscribe" in mail.extra_headers
    assert AuditEvent.objects.filter(action="message.email").exists()


def test_it_emails_the_clinician_with_a_link_to_the_thread_and_no_client_name(
    cleo, alice, mailoutbox
):
    from_client(cleo, "CANARY-BODY")
    sweep()
    (mail,) = mailoutbox
    assert mail.to == [alice.email]
    assert reverse("messaging:thread", args=[cleo.uuid]) in mail.body
    assert cleo.given_name not in mail.subject + mail.body
    assert cleo.family_name not in mail.subject + mail.body
    assert "CANARY-BODY" not in mail.body


def test_it_sends_one_email_per_thread_per_hour(cleo, mailoutbox):
    for n in range(3):
        from_clinician(cleo, f"Message {n}")
    assert MessageNotice.objects.count() == 1
    sweep()
    assert len(mailoutbox) == 1
    from_clinician(cleo, "One more, a few minutes later")
    assert sweep(5)["sent"] == 0
    assert len(mailoutbox) == 1
    # An hour after the first email the waiting one goes out.
    assert sweep(61)["sent"] == 1
    assert len(mailoutbox) == 2


def test_it_sends_nothing_when_the_message_was_read_first(cleo, portal, mailoutbox):
    from_clinician(cleo)
    portal.get(reverse("messaging:mine"))
    assert sweep()["cancelled"] == 1
    assert mailoutbox == []


def test_it_waits_for_the_end_of_the_clients_quiet_hours(cleo, practice, mailoutbox):
    local = timezone.now().astimezone(ZoneInfo(practice.time_zone))
    practice.quiet_hours_start = (local - timedelta(hours=1)).time()
    practice.quiet_hours_end = (local + timedelta(hours=1)).time()
    practice.save()
    from_clinician(cleo)
    assert sweep()["waiting"] == 1
    assert mailoutbox == []
    assert sweep(90)["sent"] == 1


def test_quiet_hours_do_not_hold_back_the_clinicians_email(cleo, practice, mailoutbox):
    local = timezone.now().astimezone(ZoneInfo(practice.time_zone))
    practice.quiet_hours_start = (local - timedelta(hours=1)).time()
    practice.quiet_hours_end = (local + timedelta(hours=1)).time()
    practice.save()
    from_client(cleo)
    assert sweep()["sent"] == 1


def test_a_clients_message_to_an_absent_clinician_reaches_the_cover_too(
    cleo, alice, bob, practice, mailoutbox
):
    today = practice.today()
    Cover.objects.create(
        practice=practice,
        clinician=alice,
        cover=bob,
        starts_on=today,
        ends_on=today + timedelta(days=3),
        created_by=alice,
    )
    from_client(cleo)
    sweep()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([alice.email, bob.email])


def test_the_covers_reply_notifies_the_client(cleo, alice, bob, practice, mailoutbox):
    today = practice.today()
    Cover.objects.create(
        practice=practice,
        clinician=alice,
        cover=bob,
        starts_on=today,
        ends_on=today,
        created_by=alice,
    )
    services.send_message(cleo, "Covering for Alice.", by=bob, covering=True)
    sweep()
    assert [m.to for m in mailoutbox] == [[cleo.user.email]]


def test_it_sends_nothing_to_someone_who_switched_it_off(cleo, alice, mailoutbox):
    services.set_message_emails(cleo.user, False)
    services.set_message_emails(alice, False)
    from_clinician(cleo)
    from_client(cleo)
    sweep()
    assert mailoutbox == []
    assert MessageNotice.objects.count() == 0


def test_switching_off_cancels_a_waiting_email(cleo, mailoutbox):
    from_clinician(cleo)
    services.set_message_emails(cleo.user, False)
    sweep()
    assert mailoutbox == []


def test_it_keeps_the_email_waiting_when_the_send_fails(cleo, monkeypatch, mailoutbox):
    from_clinician(cleo)

    def broken(self, *a, **k):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with pytest.raises(services.NoticeSendError):
        sweep()
    assert MessageNotice.objects.get().state == MessageNotice.State.PENDING
    monkeypatch.undo()
    assert sweep()["sent"] == 1


def test_it_is_sent_through_the_task_queue_after_commit(
    cleo, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        from_clinician(cleo)
    assert len(mailoutbox) == 1


def test_the_periodic_sweep_is_registered():
    from alliance.core.periodic import PERIODIC

    assert "messaging.send_notices" in PERIODIC


# -- the switch -------------------------------------------------------------------


def test_it_lets_the_client_switch_emails_off_on_the_reminders_page(cleo, portal):
    page = portal.get(reverse("reminders:preferences"))
    assert b"Email me when a new message reaches me" in page.content
    response = portal.post(reverse("messaging:email_choice"), {})
    assert response.status_code == 302
    assert response["Location"] == reverse("reminders:preferences")
    assert not services.emails_wanted(cleo.user)
    event = AuditEvent.objects.get(action="message.email_choice")
    assert event.client_uuid == cleo.uuid and event.actor == cleo.user
    portal.post(reverse("messaging:email_choice"), {"enabled": "on"})
    assert services.emails_wanted(cleo.user)


@pytest.mark.parametrize("who", ["alice", "sam"])
def test_it_lets_clinicians_and_supervisors_switch_their_own(who, request, as_user):
    user = request.getfixturevalue(who)
    web = as_user(user)
    assert b"Emails about new messages" in web.get(reverse("messaging:inbox")).content
    response = web.post(reverse("messaging:email_choice"), {})
    assert response["Location"] == reverse("messaging:inbox")
    assert MessageEmailChoice.objects.get(user=user).enabled is False


def test_it_refuses_admins_and_strangers(ada, as_user, client):
    assert as_user(ada).post(reverse("messaging:email_choice"), {}).status_code == 403
    assert not MessageEmailChoice.objects.exists()


def test_it_refuses_get(alice, as_user):
    assert as_user(alice).get(reverse("messaging:email_choice")).status_code == 405


def test_a_client_can_switch_off_after_therapy_ended(cleo, portal):
    from alliance.messaging.tests.helpers import close_care

    close_care(cleo, days_ago=400)
    response = portal.post(reverse("messaging:email_choice"), {})
    assert response.status_code == 302
    assert not services.emails_wanted(cleo.user)


# -- the signed stop link ---------------------------------------------------------


def test_the_stop_link_asks_then_switches_off(cleo, client):
    url = reverse("messaging:unsubscribe", args=[services.unsubscribe_token(cleo.user)])
    assert client.get(url).status_code == 200
    assert services.emails_wanted(cleo.user)  # opening the link changes nothing
    assert client.post(url).status_code == 200
    assert not services.emails_wanted(cleo.user)


@pytest.mark.parametrize("token", ["nonsense", "x" * 300])
def test_a_bad_stop_link_is_404(token, client, cleo):
    url = reverse("messaging:unsubscribe", args=[token])
    assert client.post(url).status_code == 404
    assert services.emails_wanted(cleo.user)


def test_a_reminder_token_does_not_stop_message_emails(cleo, client):
    from alliance.reminders.services import unsubscribe_token

    url = reverse("messaging:unsubscribe", args=[unsubscribe_token(cleo)])
    assert client.post(url).status_code == 404


def test_quiet_window_arithmetic_is_in_the_practice_zone(practice):
    practice.quiet_hours_start = datetime(2026, 1, 1, 21).time()
    practice.quiet_hours_end = datetime(2026, 1, 1, 8).time()
    assert practice.in_quiet_hours(datetime(2026, 1, 1, 23).time())


def test_two_workers_never_both_send_one_email(cleo, mailoutbox):
    from_clinician(cleo)
    notice = MessageNotice.objects.get()
    now = timezone.now()
    assert services.send_notice(notice, now=now) is True
    assert services.send_notice(notice, now=now) is False  # a stale copy
    assert len(mailoutbox) == 1
