from __future__ import annotations

from django.urls import reverse

from conftest import TEST_PASSWORD


def _attempt(client, password, ip="10.0.0.1"):
    return client.post(
        reverse("accounts:login"),
        {"username": "alice@example.org", "password": password},
        REMOTE_ADDR=ip,
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
