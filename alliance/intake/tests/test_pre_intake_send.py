from __future__ import annotations

import hashlib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.clients.services import update_client
from alliance.intake.models import PreIntakeRequest
from alliance.intake.services import send_pre_intake
from alliance.intake.tests.helpers import answer, completed, send


def test_it_emails_a_one_time_link(alice, cleo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pre, link = send_pre_intake(
            cleo.current_episode(), by=alice, base_url="https://alliance.example.org/"
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["cleo@example.net"]
    assert (
        message.subject
        == "A few questions before your assessment with Riverside Therapy"
    )
    assert link.startswith("https://alliance.example.org/intake/pre/")
    assert link in message.body
    assert "Samaritans: 116 123 (free, 24 hours)" in message.body
    # Nothing clinical in the email.
    assert "CANARY" not in message.body
    assert pre.expires_at > pre.sent_at


def test_it_stores_only_the_hash_of_the_token(cleo):
    pre, token = send(cleo)
    stored = PreIntakeRequest.objects.get(pk=pre.pk)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash
    # 32 bytes of randomness, URL-safe base64 without padding.
    assert len(token) == 43


def test_it_expires_in_14_days(cleo):
    pre, _ = send(cleo)
    assert (pre.expires_at - pre.sent_at).days == 14


def test_it_replaces_an_unanswered_link(cleo):
    first, _ = send(cleo)
    second, _ = send(cleo)
    first.refresh_from_db()
    assert first.status == "replaced"
    assert second.status == "pending"


def test_it_refuses_once_the_client_has_answered(cleo):
    pre, _ = send(cleo)
    answer(pre)
    with pytest.raises(ValidationError, match="already answered the questionnaire"):
        send(cleo)


def test_it_refuses_a_client_without_email(alice, cleo):
    update_client(cleo, by=alice, email="")
    with pytest.raises(ValidationError, match="Add the client's email address"):
        send(cleo)
    assert PreIntakeRequest.objects.count() == 0


def test_it_refuses_after_the_intake_is_completed(cleo):
    completed(cleo)
    with pytest.raises(ValidationError, match="The intake is already completed"):
        send(cleo)


def test_it_refuses_bob_and_sam(bob, sam, cleo):
    for user in (bob, sam):
        with pytest.raises(
            ValidationError, match="Only the client's primary clinician"
        ):
            send_pre_intake(cleo.current_episode(), by=user, base_url="http://x/")
    assert PreIntakeRequest.objects.count() == 0


def test_it_records_audit_event(alice, cleo):
    pre, token = send(cleo)
    event = AuditEvent.objects.get(action="preintake.send")
    assert event.actor == alice
    assert event.object_uuid == pre.uuid
    assert event.client_uuid == cleo.uuid
    assert token not in str(event.detail)


def test_it_sends_from_the_chart(
    as_user, alice, cleo, django_capture_on_commit_callbacks
):
    url = reverse("intake:send_pre_intake", args=[cleo.current_episode().uuid])
    assert (
        f'action="{url}"'
        in as_user(alice)
        .get(reverse("chart:section", args=[cleo.uuid, "documents"]))
        .text
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(alice).post(url, follow=True)
    assert "Questionnaire sent to cleo@example.net." in response.text
    assert "http://testserver/intake/pre/" in mail.outbox[0].body
    assert "the link works until" in response.text


def test_it_explains_a_refusal_on_the_chart(as_user, alice, cleo):
    update_client(cleo, by=alice, email="")
    url = reverse("intake:send_pre_intake", args=[cleo.current_episode().uuid])
    response = as_user(alice).post(url, follow=True)
    assert "Add the client&#x27;s email address" in response.text


def test_it_refuses_bob_and_sam_on_the_page(as_user, bob, sam, cleo):
    url = reverse("intake:send_pre_intake", args=[cleo.current_episode().uuid])
    assert as_user(bob).post(url).status_code == 404
    assert as_user(sam).post(url).status_code == 403
    assert len(mail.outbox) == 0
    assert PreIntakeRequest.objects.count() == 0
