from __future__ import annotations

from django.urls import reverse

from conftest import TEST_PASSWORD


def _attempt(client, password, ip="10.0.0.1", email="alice@example.org", **extra):
    return client.post(
        reverse("accounts:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=ip,
        **extra,
    )


def test_it_locks_after_five_failures(client, alice):
    for _ in range(5):
        _attempt(client, "wrong password")
    response = _attempt(client, TEST_PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_it_does_not_lock_alice_out_from_another_address(client, alice):
    # Lockout is per username AND address, so a stranger cannot lock Alice out.
    for _ in range(5):
        _attempt(client, "wrong password", ip="10.0.0.66")
    response = _attempt(client, TEST_PASSWORD, ip="10.0.0.1")
    assert response.status_code == 302


def test_four_failures_do_not_lock(client, alice):
    for _ in range(4):
        _attempt(client, "wrong password")
    assert _attempt(client, TEST_PASSWORD).status_code == 302


def test_capitals_in_the_email_do_not_open_a_new_counter(client, alice):
    for email in (
        "alice@example.org",
        "ALICE@example.org",
        "Alice@Example.org",
        "aLice@example.org",
        "alicE@example.org",
    ):
        _attempt(client, "wrong password", email=email)
    assert _attempt(client, TEST_PASSWORD, email="ALICE@EXAMPLE.ORG").status_code == 429


def test_behind_a_proxy_the_client_address_counts(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        _attempt(client, "wrong", ip="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    # Another client behind the same proxy is not locked out.
    response = _attempt(
        client, TEST_PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4"
    )
    assert response.status_code == 302


def test_failed_logins_are_audited(client, alice):
    from alliance.audit.models import AuditEvent

    _attempt(client, "wrong password", email="Alice@Example.org")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.detail == {"email": "alice@example.org"}
    assert event.ip == "10.0.0.1"
