"""A per-account ceiling on wrong passwords, whatever the address: twenty
addresses no longer get five guesses each at one account."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone

from alliance.accounts import throttle
from alliance.audit.models import AuditEvent
from conftest import TEST_PASSWORD


def _attempt(client, password, ip, email="alice@example.org"):
    return client.post(
        reverse("accounts:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=ip,
    )


def _spread_failures(client, n, email="alice@example.org"):
    # Two wrong passwords from each address: never the per-address limit.
    for i in range(n):
        _attempt(client, "wrong password", f"198.51.100.{i // 2 + 1}", email)


def test_it_stops_guessing_at_one_account_from_many_addresses(client, alice, settings):
    _spread_failures(client, settings.ACCOUNT_FAILURE_LIMIT)
    response = _attempt(client, TEST_PASSWORD, "203.0.113.50")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert b"paused" in response.content
    refused = AuditEvent.objects.filter(action="auth.login_refused")
    assert refused.count() == 1
    assert refused.get().detail["reason"] == "account_ceiling"


def test_it_lets_guesses_below_the_ceiling_through(client, alice, settings):
    _spread_failures(client, settings.ACCOUNT_FAILURE_LIMIT - 1)
    assert _attempt(client, TEST_PASSWORD, "203.0.113.50").status_code == 302


def test_the_cool_off_ends_by_itself(client, alice, settings, monkeypatch):
    _spread_failures(client, settings.ACCOUNT_FAILURE_LIMIT)
    assert _attempt(client, TEST_PASSWORD, "203.0.113.50").status_code == 429
    later = timezone.now() + settings.ACCOUNT_FAILURE_WINDOW + timedelta(seconds=1)
    monkeypatch.setattr(throttle, "timezone", SimpleNamespace(now=lambda: later))
    assert _attempt(client, TEST_PASSWORD, "203.0.113.50").status_code == 302


def test_refused_attempts_do_not_extend_the_cool_off(client, alice, settings):
    _spread_failures(client, settings.ACCOUNT_FAILURE_LIMIT)
    for _ in range(5):
        _attempt(client, "wrong password", "203.0.113.77")
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == (
        settings.ACCOUNT_FAILURE_LIMIT
    )


def test_an_address_alice_signed_in_from_is_not_held(client, alice, settings):
    assert _attempt(client, TEST_PASSWORD, "192.0.2.10").status_code == 302
    client.post(reverse("accounts:logout"))
    _spread_failures(client, settings.ACCOUNT_FAILURE_LIMIT)
    # A stranger is held; Alice at her usual address is not.
    assert _attempt(client, TEST_PASSWORD, "203.0.113.50").status_code == 429
    assert _attempt(client, TEST_PASSWORD, "192.0.2.10").status_code == 302


def test_a_success_starts_the_count_again(client, alice, settings):
    _spread_failures(client, settings.ACCOUNT_FAILURE_LIMIT - 1)
    assert _attempt(client, TEST_PASSWORD, "192.0.2.10").status_code == 302
    client.post(reverse("accounts:logout"))
    _attempt(client, "wrong password", "198.51.100.200")
    assert _attempt(client, TEST_PASSWORD, "203.0.113.50").status_code == 302


def test_other_accounts_are_not_held(client, alice, bob, settings):
    _spread_failures(client, settings.ACCOUNT_FAILURE_LIMIT)
    response = _attempt(client, TEST_PASSWORD, "203.0.113.50", "bob@example.org")
    assert response.status_code == 302


def test_capitals_do_not_escape_the_ceiling(client, alice, settings):
    for i in range(settings.ACCOUNT_FAILURE_LIMIT):
        email = "ALICE@example.org" if i % 2 else "Alice@Example.org"
        _attempt(client, "wrong password", f"198.51.100.{i + 1}", email)
    assert _attempt(client, TEST_PASSWORD, "203.0.113.50").status_code == 429
