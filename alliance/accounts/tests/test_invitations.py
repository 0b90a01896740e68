from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.urls import reverse

from alliance.accounts.models import Invitation, User
from alliance.accounts.services import invite_staff

STRONG = "a-long-and-unusual-passphrase"


def _invite(ada, email="new@example.org", role="clinician"):
    invitation, link = invite_staff(
        ada.practice,
        email=email,
        full_name="New Clinician",
        role=role,
        by=ada,
        base_url="http://testserver/",
    )
    return invitation, link.replace("http://testserver", "")


def test_admin_invites_by_email(as_user, ada, django_capture_on_commit_callbacks):
    http = as_user(ada)
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(
            reverse("accounts:staff"),
            {"full_name": "Nia New", "email": "Nia@Example.org", "role": "supervisor"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "nia@example.org"
    assert invitation.role == "supervisor"
    assert len(mail.outbox) == 1
    assert "/accounts/invitation/" in mail.outbox[0].body
    # Only a hash of the token is stored.
    assert invitation.token_hash not in mail.outbox[0].body


def test_accepting_creates_the_account_and_asks_for_2fa(client, ada):
    invitation, path = _invite(ada)
    response = client.post(
        path, {"full_name": "Nia New", "password1": STRONG, "password2": STRONG}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:2fa_setup")
    user = User.objects.get(email="new@example.org")
    assert user.role == "clinician"
    assert user.practice == ada.practice
    assert user.check_password(STRONG)
    invitation.refresh_from_db()
    assert invitation.status == "accepted"


def test_a_link_works_once(client, ada):
    _, path = _invite(ada)
    client.post(path, {"full_name": "Nia", "password1": STRONG, "password2": STRONG})
    client.post(reverse("accounts:logout"))
    response = client.get(path)
    assert response.status_code == 404
    assert b"does not work" in response.content


def test_an_expired_link_is_refused(client, ada):
    invitation, path = _invite(ada)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=invitation.created_at - timedelta(seconds=1)
    )
    assert client.get(path).status_code == 404


def test_a_weak_password_is_refused_and_nothing_is_created(client, ada):
    _, path = _invite(ada)
    response = client.post(
        path, {"full_name": "Nia", "password1": "password", "password2": "password"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="new@example.org").exists()


def test_mismatched_passwords_are_refused(client, ada):
    _, path = _invite(ada)
    response = client.post(
        path, {"full_name": "Nia", "password1": STRONG, "password2": STRONG + "x"}
    )
    assert b"The two passwords differ" in response.content


def test_an_existing_email_cannot_be_invited(as_user, ada, alice):
    response = as_user(ada).post(
        reverse("accounts:staff"),
        {"full_name": "Alice", "email": "alice@example.org", "role": "clinician"},
    )
    assert response.status_code == 200
    assert b"already has an account" in response.content
    assert Invitation.objects.count() == 0


def test_admin_revokes_a_pending_invitation(as_user, ada, client):
    invitation, _ = _invite(ada)
    as_user(ada).post(reverse("accounts:revoke", args=[invitation.uuid]))
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
