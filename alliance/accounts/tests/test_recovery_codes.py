from __future__ import annotations

import base64
import re

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from alliance.audit.models import AuditEvent

CODE = re.compile(r'<li><code class="recovery-code">([a-z2-7]{8})</code></li>')


def _code(page: str) -> str:
    """The current code for the key the set-up page shows (as an app would)."""
    secret = re.search(r'<code class="secret-key">([A-Z2-7]+)</code>', page).group(1)
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


def _set_up(http) -> list[str]:
    """Turn on two-factor login and return the recovery codes shown."""
    # Opening the page creates nothing; "Start setting up" (a POST) makes the key.
    http.post(reverse("accounts:2fa_setup"), {"start": "1"})
    page = http.get(reverse("accounts:2fa_setup")).content.decode()
    response = http.post(reverse("accounts:2fa_setup"), {"token": _code(page)})
    assert response["Location"] == reverse("accounts:recovery_codes")
    page = http.get(reverse("accounts:recovery_codes")).content.decode()
    return CODE.findall(page)


def test_it_shows_ten_codes_once_after_setup(as_user, alice):
    http = as_user(alice, verified=False)
    codes = _set_up(http)
    assert len(codes) == 10 == len(set(codes))
    assert StaticToken.objects.filter(device__user=alice).count() == 10
    # Shown once: the page then only says how many are left.
    again = http.get(reverse("accounts:recovery_codes")).content.decode()
    assert CODE.findall(again) == []
    assert "10 recovery codes left" in again


def test_a_client_gets_codes_with_two_step_login(as_user, cleo):
    http = as_user(cleo.user)
    codes = _set_up(http)
    assert len(codes) == 10
    page = http.get(reverse("accounts:recovery_codes")).content.decode()
    assert "staff" not in page


def test_each_code_works_once_at_the_login_step(client, as_user, alice):
    http = as_user(alice, verified=False)
    codes = _set_up(http)
    http.post(reverse("accounts:logout"))
    client.force_login(alice, backend="alliance.accounts.backends.EmailBackend")
    response = client.post(reverse("accounts:verify"), {"recovery_code": codes[0]})
    assert response.status_code == 302
    assert client.get(reverse("home:index")).status_code == 200
    assert AuditEvent.objects.filter(
        action="auth.2fa_recovery_code", actor=alice
    ).exists()
    # The used code fails next time; another one works.
    client.post(reverse("accounts:logout"))
    client.force_login(alice, backend="alliance.accounts.backends.EmailBackend")
    refused = client.post(reverse("accounts:verify"), {"recovery_code": codes[0]})
    assert refused.status_code == 200
    assert b"not right, or has been used" in refused.content
    assert client.get(reverse("home:index")).status_code == 302
    # A failure slows the next try down (django-otp's throttle); wait it out.
    StaticDevice.objects.update(throttling_failure_timestamp=None)
    # Typed in upper case with a space, it still works.
    typed = codes[1][:4].upper() + " " + codes[1][4:].upper()
    response = client.post(reverse("accounts:verify"), {"recovery_code": typed})
    assert response.status_code == 302
    assert StaticToken.objects.filter(device__user=alice).count() == 8


def test_new_codes_replace_the_old_ones(as_user, alice):
    http = as_user(alice, verified=False)
    old = _set_up(http)
    response = http.post(reverse("accounts:recovery_codes"))
    assert response["Location"] == reverse("accounts:recovery_codes")
    new = CODE.findall(http.get(reverse("accounts:recovery_codes")).content.decode())
    assert len(new) == 10
    assert not set(new) & set(old)
    assert StaticDevice.objects.filter(user=alice).count() == 1
    assert (
        AuditEvent.objects.filter(action="2fa.recovery_codes", actor=alice).count() == 2
    )


def test_a_client_without_two_step_login_has_no_codes(as_user, cleo):
    http = as_user(cleo.user)
    response = http.post(reverse("accounts:recovery_codes"))
    assert response.status_code == 302
    assert StaticDevice.objects.count() == 0


def test_resetting_two_factor_removes_the_codes(as_user, alice, ada):
    from alliance.accounts.services import new_recovery_codes, reset_second_factor

    new_recovery_codes(alice)
    reset_second_factor(alice, by=ada)
    assert StaticDevice.objects.filter(user=alice).count() == 0
