"""Sending messages both ways, and who may send."""

from __future__ import annotations

import html

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.messaging.models import Message
from alliance.messaging.services import MAX_BODY, send_message
from conftest import log_in


def _thread(client):
    return reverse("messaging:thread", args=[client.uuid])


def test_it_sends_from_the_clinician(as_user, alice, cleo):
    response = as_user(alice).post(_thread(cleo), {"body": "  See you Tuesday.  "})
    assert response.status_code == 302
    assert response["Location"] == _thread(cleo)
    message = Message.objects.get()
    assert message.client == cleo
    assert message.sender == alice
    assert message.from_client is False
    assert message.body == "See you Tuesday."
    assert message.read_at is None
    event = AuditEvent.objects.get(action="message.send")
    assert event.actor == alice
    assert event.client_uuid == cleo.uuid
    assert event.object_uuid == message.uuid
    assert event.detail == {"from_client": False, "characters": 16, "attachment": None}


def test_it_sends_from_the_client(portal, cleo):
    response = portal.post(reverse("messaging:mine"), {"body": "Can we move Tuesday?"})
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:mine")
    message = Message.objects.get()
    assert message.client == cleo
    assert message.sender == cleo.user
    assert message.from_client is True
    assert (
        AuditEvent.objects.filter(action="message.send", actor=cleo.user).count() == 1
    )
    page = portal.get(reverse("messaging:mine"))
    assert "Can we move Tuesday?" in page.content.decode()
    assert "not read yet" in page.content.decode().lower()


def test_the_clinician_sees_the_clients_message(as_user, alice, cleo):
    send_message(cleo, "CANARY-Cleo I had a hard week", by=cleo.user)
    page = as_user(alice).get(_thread(cleo))
    body = page.content.decode()
    assert page.status_code == 200
    assert "I had a hard week" in body
    assert "New" in body


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "Write a message before sending."),
        ("   \n ", "Write a message before sending."),
        (
            "x" * (MAX_BODY + 1),
            "A message can be up to 5,000 characters; this one has 5,001.",
        ),
        ("before\x00after", "cannot be sent (a null character)"),
    ],
)
def test_it_refuses_bad_text_and_saves_nothing(as_user, alice, cleo, body, error):
    response = as_user(alice).post(_thread(cleo), {"body": body})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Message.objects.count() == 0
    assert not AuditEvent.objects.filter(action="message.send").exists()


def test_it_refuses_bad_text_from_the_portal(portal):
    response = portal.post(reverse("messaging:mine"), {"body": "x" * 100_000})
    assert response.status_code == 200
    assert "A message can be up to 5,000 characters" in response.content.decode()
    assert Message.objects.count() == 0


def test_a_message_of_exactly_the_limit_is_sent(cleo, alice):
    message = send_message(cleo, "y" * MAX_BODY, by=alice)
    assert len(Message.objects.get(pk=message.pk).body) == MAX_BODY


def test_the_supervisor_reads_but_cannot_send(as_user, sam, cleo):
    http = as_user(sam)
    assert http.get(_thread(cleo)).status_code == 200
    response = http.post(_thread(cleo), {"body": "Hello"})
    assert response.status_code == 403
    assert Message.objects.count() == 0
    page = html.unescape(http.get(_thread(cleo)).content.decode())
    assert "Only the client's primary clinician (Alice Clinician) can write" in page
    assert 'name="body"' not in page


def test_the_service_refuses_the_supervisor_too(sam, cleo):
    with pytest.raises(ValidationError, match="primary clinician"):
        send_message(cleo, "Hello", by=sam)


def test_an_admin_never_sees_messages(as_user, ada, cleo):
    send_message(cleo, "CANARY-Cleo private", by=cleo.user)
    http = as_user(ada)
    assert http.get(_thread(cleo)).status_code == 403
    assert http.post(_thread(cleo), {"body": "x"}).status_code == 403
    assert http.get(reverse("messaging:inbox")).status_code == 403
    assert Message.objects.count() == 1


def test_another_clinicians_client_is_404(as_user, bob, cleo):
    send_message(cleo, "CANARY-Cleo private", by=cleo.user)
    http = as_user(bob)
    assert http.get(_thread(cleo)).status_code == 404
    assert http.post(_thread(cleo), {"body": "Hi"}).status_code == 404
    assert Message.objects.count() == 1
    assert AuditEvent.objects.filter(
        actor=bob, outcome=AuditEvent.Outcome.DENIED
    ).exists()


def test_staff_have_no_portal_thread(as_user, alice):
    assert as_user(alice).get(reverse("messaging:mine")).status_code == 403


def test_a_client_without_a_portal_login_cannot_be_written_to(as_user, bob, dan):
    response = as_user(bob).post(_thread(dan), {"body": "Hello"})
    assert response.status_code == 200
    assert "has no portal login yet" in response.content.decode()
    assert Message.objects.count() == 0


def test_the_client_writes_only_in_their_own_thread(cleo, dan):
    with pytest.raises(ValidationError):
        send_message(dan, "Hello", by=cleo.user)
    assert Message.objects.count() == 0


def test_the_form_is_csrf_protected(alice, cleo):
    # The view checks CSRF itself (after setting its upload handler).
    http = log_in(HttpClient(enforce_csrf_checks=True), alice)
    response = http.post(_thread(cleo), {"body": "Hello"})
    assert response.status_code == 403
    assert Message.objects.count() == 0
    page = http.get(_thread(cleo))
    token = page.cookies[settings.CSRF_COOKIE_NAME].value
    response = http.post(_thread(cleo), {"body": "Hello", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Message.objects.count() == 1


def test_the_portal_form_is_csrf_protected(cleo):
    http = log_in(HttpClient(enforce_csrf_checks=True), cleo.user)
    assert http.post(reverse("messaging:mine"), {"body": "Hi"}).status_code == 403
    assert Message.objects.count() == 0


def test_the_compose_form_is_multipart_and_plain(as_user, alice, cleo):
    body = as_user(alice).get(_thread(cleo)).content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert f'action="{_thread(cleo)}"' in body
    assert "hx-" not in body.split('class="card message-compose"')[1]


def test_it_rejects_other_methods(as_user, alice, cleo):
    assert as_user(alice).put(_thread(cleo)).status_code == 405
