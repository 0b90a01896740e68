from __future__ import annotations

from django.urls import reverse

from alliance.audit.models import AuditEvent
from conftest import TEST_PASSWORD


def _login(client, email, password=TEST_PASSWORD, **extra):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, **extra
    )


def test_it_logs_in_by_email_and_asks_for_2fa_setup(client, alice):
    response = _login(client, "alice@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("home:index")
    # Staff without a device are sent to set one up before any other page.
    response = client.get(reverse("home:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:2fa_setup")


def test_it_ignores_email_case(client, alice):
    response = _login(client, "ALICE@Example.org")
    assert response.status_code == 302


def test_it_refuses_a_wrong_password(client, alice):
    response = _login(client, "alice@example.org", "not the password")
    assert response.status_code == 200
    assert b"Please enter a correct" in response.content
    assert "_auth_user_id" not in client.session


def test_it_records_the_login(client, alice):
    _login(client, "alice@example.org")
    event = AuditEvent.objects.filter(action="auth.login").get()
    assert event.actor == alice
    assert event.ip == "127.0.0.1"


def test_it_sends_anonymous_visitors_to_login(client):
    response = client.get(reverse("clients:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_refuses_deactivated_users(client, alice):
    alice.is_active = False
    alice.save()
    response = _login(client, "alice@example.org")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(as_user, alice):
    http = as_user(alice)
    assert http.get(reverse("accounts:logout")).status_code == 405
    assert http.post(reverse("accounts:logout")).status_code == 302
    assert http.get(reverse("home:index")).status_code == 302
