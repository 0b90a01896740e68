"""A control character in a typed e-mail address is a failed login like any
other: a calm page, and the attempt in the audit log (PostgreSQL's JSON
refuses NUL, which once turned this into a server error with no event)."""

from __future__ import annotations

from django.urls import reverse

from alliance.audit.models import AuditEvent


def test_a_nul_byte_in_the_username_is_a_failed_login_that_is_audited(client, db):
    response = client.post(
        reverse("accounts:login"),
        {"username": "mallory\x00@example.org\r\nfake line", "password": "x" * 12},
    )
    assert response.status_code == 200
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.outcome == AuditEvent.Outcome.FAILED
    email = failed.detail["email"]
    assert "\x00" not in email and "\r" not in email and "\n" not in email
    assert email.startswith("mallory")
