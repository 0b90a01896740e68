"""The unsubscribe link in each email: no login, a button, all reminders off."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core import mail, signing
from django.test import Client as HttpClient
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.reminders.models import ReminderPreference
from alliance.reminders.services import unsubscribe_token
from alliance.reminders.tests.conftest import book, run_worker


def _link_from_email() -> str:
    match = re.search(r"Stop all reminder emails: (\S+)", mail.outbox[-1].body)
    assert match
    return match.group(1).removeprefix("https://alliance.example.org")


def _everything_off(client) -> bool:
    preference = ReminderPreference.objects.get(client=client)
    return not (
        preference.appointments or preference.homework or preference.questionnaires
    )


def test_the_link_asks_first_and_the_button_stops_everything(rosa, clock):
    book(rosa, clock.at + timedelta(hours=25))
    run_worker()
    link = _link_from_email()
    http = HttpClient()  # not signed in

    page = http.get(link)
    assert page.status_code == 200
    assert "Stop reminder emails?" in page.content.decode()
    assert "Quillfeather" not in page.content.decode()
    assert not ReminderPreference.objects.exists()  # opening the link changes nothing

    done = http.post(link)
    assert done.status_code == 200
    assert "Reminder emails stopped" in done.content.decode()
    assert _everything_off(rosa)
    event = AuditEvent.objects.get(action="reminders.unsubscribe")
    assert event.client_uuid == rosa.uuid
    assert event.actor is None

    clock.advance(days=1)
    book(rosa, clock.at + timedelta(hours=3))
    run_worker()
    assert len(mail.outbox) == 1


def test_a_second_press_changes_nothing_more(rosa):
    url = reverse("reminders:unsubscribe", args=[unsubscribe_token(rosa)])
    HttpClient().post(url)
    assert HttpClient().post(url).status_code == 200
    assert _everything_off(rosa)


def test_a_tampered_link_is_refused_clearly(rosa):
    token = unsubscribe_token(rosa)
    for bad in (token[:-2] + "xx", "nonsense", "x" * 300):
        url = reverse("reminders:unsubscribe", args=[bad])
        for send in (HttpClient().get, HttpClient().post):
            response = send(url)
            assert response.status_code == 404
            assert "This unsubscribe link does not work" in response.content.decode()
    assert not ReminderPreference.objects.exists()


def test_a_token_signed_for_something_else_is_refused(rosa):
    other = signing.dumps(str(rosa.uuid), salt="alliance.something.else")
    url = reverse("reminders:unsubscribe", args=[other])
    assert HttpClient().post(url).status_code == 404
    assert not ReminderPreference.objects.exists()


def test_a_signed_token_for_no_client_is_refused(db):
    for value in ("b3a4f0e2-0000-4000-8000-000000000000", "not-a-uuid", 42):
        token = signing.dumps(value, salt="alliance.reminders.unsubscribe")
        url = reverse("reminders:unsubscribe", args=[token])
        assert HttpClient().post(url).status_code == 404
