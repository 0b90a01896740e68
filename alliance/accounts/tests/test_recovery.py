"""A lost phone or a forgotten password has a way back, and neither way skips
the other factor."""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.audit.models import AuditEvent

NEW = "a fresh and unusual passphrase"


def test_admin_resets_a_lost_authenticator(as_user, ada, alice, client):
    TOTPDevice.objects.create(user=alice, name="old phone", confirmed=True)
    response = as_user(ada).post(reverse("accounts:reset_2fa", args=[alice.uuid]))
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=alice).count() == 0
    assert (
        AuditEvent.objects.filter(action="2fa.reset", object_uuid=alice.uuid).count()
        == 1
    )
    client.force_login(alice, backend="alliance.accounts.backends.EmailBackend")
    assert client.get(reverse("home:index"))["Location"] == reverse(
        "accounts:2fa_setup"
    )


def test_a_forgotten_password_is_reset_by_email(client, alice):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "Alice@Example.org"}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(
        r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body
    )
    page = client.get(link.group(1), follow=True)
    assert b"Choose a new password" in page.content
    done = client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}
    )
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW)


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client, alice):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "nobody@example.org"}
    )
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_used_link_does_not_work_twice(client, alice):
    client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
    path = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    page = client.get(path, follow=True)
    client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}
    )
    again = client.get(path, follow=True)
    assert b"This link does not work" in again.content
