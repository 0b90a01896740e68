from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.clients.services import update_client
from alliance.intake.models import PreIntakeRequest
from alliance.intake.tests.helpers import ANSWERS, send

HELD = {
    "phone": "01632 960001",
    "address": "14 Heron Lane, Exampleton",
    "emergency_contact_name": "Priya Example",
    "emergency_contact_relationship": "sister",
    "emergency_contact_phone": "01632 960002",
}


@pytest.fixture
def link(alice, cleo):
    update_client(cleo, by=alice, **HELD)
    pre, token = send(cleo)
    return pre, reverse("intake:pre_intake", args=[token])


def _form(**overrides):
    return {**ANSWERS, "contact_unchanged": "on", **overrides}


def test_it_opens_without_logging_in(client, link):
    response = client.get(link[1])
    assert response.status_code == 200
    assert "Before your assessment with Riverside Therapy" in response.text
    assert response["Cache-Control"].startswith("max-age=0")
    assert "no-store" in response["Cache-Control"]


def test_it_shows_the_practice_crisis_lines_first(client, link):
    html = client.get(link[1]).text
    assert "If you need help now" in html
    assert "Samaritans: 116 123 (free, 24 hours)" in html
    assert html.index("Samaritans") < html.index("<form")


def test_it_never_shows_what_the_practice_holds(client, cleo, link):
    html = client.get(link[1]).text
    for held in [*HELD.values(), cleo.email, cleo.given_name, cleo.family_name]:
        assert held not in html
    assert "CANARY" not in html


def test_it_stores_the_answers_once(client, link):
    pre, url = link
    response = client.post(url, _form(phone="07700 900123", contact_unchanged=""))
    assert response.status_code == 200
    assert "Thank you" in response.text
    stored = PreIntakeRequest.objects.get(pk=pre.pk)
    assert stored.status == "completed"
    assert stored.what_brings_you == ANSWERS["what_brings_you"]
    assert stored.current_supports == ANSWERS["current_supports"]
    assert stored.phone == "07700 900123"
    assert stored.contact_unchanged is False


def test_it_records_the_submission_without_an_actor(client, link):
    pre, url = link
    client.post(url, _form(), REMOTE_ADDR="203.0.113.9")
    event = AuditEvent.objects.get(action="preintake.submit")
    assert event.actor is None
    assert event.actor_label == "system"
    assert event.ip == "203.0.113.9"
    assert event.object_uuid == pre.uuid
    assert event.client_uuid == pre.episode.client.uuid
    assert event.detail == {"contact_unchanged": True}


def test_it_works_once(client, link):
    pre, url = link
    client.post(url, _form())
    again = client.post(url, _form(what_brings_you="Second go."))
    assert again.status_code == 404
    assert "This questionnaire link does not work" in again.text
    assert "Samaritans" in again.text
    assert client.get(url).status_code == 404
    assert (
        PreIntakeRequest.objects.get(pk=pre.pk).what_brings_you
        == ANSWERS["what_brings_you"]
    )
    assert AuditEvent.objects.filter(action="preintake.submit").count() == 1


def test_it_refuses_an_expired_link(client, link):
    pre, url = link
    PreIntakeRequest.objects.filter(pk=pre.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.post(url, _form())
    assert response.status_code == 404
    assert "expired (links last 14 days)" in response.text
    assert PreIntakeRequest.objects.get(pk=pre.pk).completed_at is None


def test_it_refuses_a_replaced_link(client, cleo, link):
    send(cleo)
    assert client.get(link[1]).status_code == 404


def test_it_refuses_an_unknown_token(client, link):
    response = client.get(reverse("intake:pre_intake", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "This questionnaire link does not work" in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_form(email="not an email"), "Enter a valid email address."),
        (
            _form(what_brings_you=""),
            "Tell us a little about what brings you to therapy.",
        ),
        (_form(contact_unchanged=""), "Enter your current contact details, or tick"),
        (_form(hopes="x" * 5001), "Ensure this value has at most 5000 characters"),
        (_form(prior_therapy="null\x00byte"), "Null characters are not allowed."),
    ],
)
def test_it_explains_bad_input_and_changes_nothing(client, link, data, message):
    pre, url = link
    response = client.post(url, data)
    assert response.status_code == 200
    assert message in response.text
    stored = PreIntakeRequest.objects.get(pk=pre.pk)
    assert stored.completed_at is None
    assert stored.what_brings_you == ""
    assert AuditEvent.objects.filter(action="preintake.submit").count() == 0
    # The link still works after a mistake.
    assert client.get(url).status_code == 200


def test_it_keeps_what_the_client_typed_after_a_mistake(client, link):
    response = client.post(link[1], _form(email="nope", hopes="To feel like me."))
    assert "To feel like me." in response.text
