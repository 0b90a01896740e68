"""The client's reminder choices on the portal."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.reminders.models import ReminderPreference
from alliance.reminders.tests.conftest import book, homework_due, run_worker

URL = reverse("reminders:preferences")


def _reminder_form(page: str) -> str:
    """The page up to the separate switch for message emails."""
    return page.split('id="message-email-heading"')[0]


def test_it_explains_what_is_sent(as_user, cleo):
    response = as_user(cleo.user).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "At most <strong>one email a day</strong>" in body
    assert "The emails never contain details of your care." in body
    assert "between 21:00 and 08:00 (Europe/London time)" in body
    assert "cleo@example.net" in body
    assert "Samaritans: 116 123" in body  # the portal's crisis lines
    # Everything on until the client chooses otherwise.
    assert _reminder_form(body).count("checked") == 3
    assert not ReminderPreference.objects.exists()
    assert AuditEvent.objects.filter(
        action="reminders.view", client_uuid=cleo.uuid
    ).exists()


def test_it_saves_the_choices(as_user, cleo):
    response = as_user(cleo.user).post(URL, {"homework": "on"})
    assert response.status_code == 302
    preference = ReminderPreference.objects.get(client=cleo)
    assert (
        preference.appointments,
        preference.homework,
        preference.questionnaires,
    ) == (False, True, False)
    event = AuditEvent.objects.get(action="reminders.preferences")
    assert event.actor == cleo.user
    assert event.client_uuid == cleo.uuid
    assert event.detail == {
        "appointments": False,
        "homework": True,
        "questionnaires": False,
    }
    page = as_user(cleo.user).get(URL).content.decode()
    assert _reminder_form(page).count("checked") == 1


@pytest.mark.parametrize("who", ["alice", "ada"])
def test_staff_have_no_reminder_page(as_user, cleo, who, request):
    user = request.getfixturevalue(who)
    assert as_user(user).get(URL).status_code == 403
    assert as_user(user).post(URL, {}).status_code == 403
    assert not ReminderPreference.objects.exists()


def test_after_care_ends_the_choices_can_be_read_not_changed(as_user, cleo, alice):
    from alliance.clients.services import transition_episode

    transition_episode(
        cleo.current_episode(),
        "closed",
        by=alice,
        reason="Finished.",
        discharge="completed",
    )
    http = as_user(cleo.user)
    assert http.get(URL).status_code == 200
    assert http.post(URL, {}).status_code == 403
    assert not ReminderPreference.objects.exists()


def test_appointments_off_leaves_an_appointment_only_client_unreminded(
    as_user, rosa, clock
):
    from datetime import timedelta

    book(rosa, clock.at + timedelta(hours=25))
    as_user(rosa.user).post(URL, {"homework": "on", "questionnaires": "on"})
    run_worker()
    assert mail.outbox == []


def test_appointments_off_still_reminds_of_homework(as_user, rosa, clock):
    from datetime import timedelta

    book(rosa, clock.at + timedelta(hours=25))
    homework_due(rosa, clock.at.date())
    as_user(rosa.user).post(URL, {"homework": "on", "questionnaires": "on"})
    run_worker()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "- 1 homework task due today or tomorrow." in body
    assert "You have an appointment" not in body


def test_homework_off_still_reminds_of_appointments(as_user, rosa, clock):
    from datetime import timedelta

    book(rosa, clock.at + timedelta(hours=25))
    homework_due(rosa, clock.at.date())
    as_user(rosa.user).post(URL, {"appointments": "on", "questionnaires": "on"})
    run_worker()
    assert "You have an appointment tomorrow at 10:00." in mail.outbox[0].body
    assert "homework task" not in mail.outbox[0].body


def test_everything_off_means_no_email(as_user, rosa, clock):
    from datetime import timedelta

    book(rosa, clock.at + timedelta(hours=25))
    homework_due(rosa, clock.at.date())
    as_user(rosa.user).post(URL, {})
    run_worker()
    assert mail.outbox == []
