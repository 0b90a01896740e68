from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.audit.models import AuditEvent


def _code(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, drift=drift):06d}"


def _writes(queries) -> list[str]:
    """SQL that changed something, apart from the session (saved every request)."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}
        and "django_session" not in q["sql"]
    ]


@pytest.mark.parametrize("who", ["alice", "cleo"])
def test_opening_setup_writes_nothing(as_user, who, request):
    user = request.getfixturevalue(who)
    user = getattr(user, "user", user)
    http = as_user(user, verified=False)
    with CaptureQueriesContext(connection) as queries:
        response = http.get(reverse("accounts:2fa_setup"))
    assert response.status_code == 200
    assert b"Start setting up" in response.content
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert _writes(queries.captured_queries) == []


def test_starting_setup_creates_one_pending_device(as_user, alice):
    http = as_user(alice, verified=False)
    response = http.post(reverse("accounts:2fa_setup"), {"start": "1"})
    assert response.status_code == 302
    http.post(reverse("accounts:2fa_setup"), {"start": "1"})
    assert TOTPDevice.objects.filter(user=alice, confirmed=False).count() == 1


def test_a_code_before_starting_changes_nothing(as_user, alice):
    http = as_user(alice, verified=False)
    response = http.post(reverse("accounts:2fa_setup"), {"token": "123456"})
    assert response.status_code == 200
    assert b"Start the set-up first" in response.content
    assert not TOTPDevice.objects.filter(user=alice).exists()


def test_setup_shows_a_qr_code_and_the_key(as_user, alice):
    http = as_user(alice, verified=False)
    http.post(reverse("accounts:2fa_setup"), {"start": "1"})
    response = http.get(reverse("accounts:2fa_setup"))
    assert response.status_code == 200
    assert b'src="data:image/svg+xml;base64,' in response.content
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    assert device.config_url.startswith("otpauth://totp/")


def test_setup_confirms_the_device_with_a_valid_code(as_user, alice):
    http = as_user(alice, verified=False)
    http.post(reverse("accounts:2fa_setup"), {"start": "1"})
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    response = http.post(reverse("accounts:2fa_setup"), {"token": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    assert http.get(reverse("home:index")).status_code == 200
    assert AuditEvent.objects.filter(action="2fa.setup", actor=alice).count() == 1


def test_setup_refuses_a_wrong_code(as_user, alice):
    http = as_user(alice, verified=False)
    http.post(reverse("accounts:2fa_setup"), {"start": "1"})
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    wrong = "000000" if _code(device) != "000000" else "111111"
    response = http.post(reverse("accounts:2fa_setup"), {"token": wrong})
    assert response.status_code == 200
    assert b"did not match" in response.content
    device.refresh_from_db()
    assert device.confirmed is False


def test_verify_accepts_the_current_code(client, alice):
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client.force_login(alice, backend="alliance.accounts.backends.EmailBackend")
    assert client.get(reverse("home:index"))["Location"].startswith(
        reverse("accounts:verify")
    )
    response = client.post(reverse("accounts:verify"), {"token": _code(device)})
    assert response.status_code == 302
    assert client.get(reverse("home:index")).status_code == 200


def test_verify_refuses_a_reused_code(client, alice):
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client.force_login(alice, backend="alliance.accounts.backends.EmailBackend")
    code = _code(device)
    client.post(reverse("accounts:verify"), {"token": code})
    client.post(reverse("accounts:logout"))
    client.force_login(alice, backend="alliance.accounts.backends.EmailBackend")
    response = client.post(reverse("accounts:verify"), {"token": code})
    assert response.status_code == 200
    assert b"not right" in response.content


def test_verify_refuses_letters(client, alice):
    TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client.force_login(alice, backend="alliance.accounts.backends.EmailBackend")
    response = client.post(reverse("accounts:verify"), {"token": "abcdef"})
    assert response.status_code == 200
    assert b"six digits" in response.content


def test_clients_are_not_forced_into_2fa(client, cleo):
    client.force_login(cleo.user, backend="alliance.accounts.backends.EmailBackend")
    # Clients have no staff pages, and are never sent to the staff 2FA steps.
    response = client.get(reverse("home:index"))
    assert response.status_code in (302, 403)
    assert "/accounts/" not in response.get("Location", "")


def test_verify_returns_to_the_page_first_asked_for(client, alice, cleo):
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client.force_login(alice, backend="alliance.accounts.backends.EmailBackend")
    first = client.get(cleo.get_absolute_url())
    assert first["Location"] == f"/accounts/verify/?next=%2Fclients%2F{cleo.uuid}%2F"
    response = client.post(first["Location"], {"token": _code(device)})
    assert response["Location"] == cleo.get_absolute_url()


def test_verify_never_redirects_to_another_site(client, alice):
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client.force_login(alice, backend="alliance.accounts.backends.EmailBackend")
    for target in ("https://evil.example/phish", "//evil.example/", "/\\evil.example"):
        response = client.post(
            reverse("accounts:verify") + "?next=" + target, {"token": _code(device)}
        )
        assert response["Location"] == reverse("home:index"), target
        client.post(reverse("accounts:logout"))
        client.force_login(alice, backend="alliance.accounts.backends.EmailBackend")
        device.refresh_from_db()
        device.last_t = -1
        device.save()


def test_the_client_setup_page_speaks_to_the_client_and_shows_the_key(as_user, cleo):
    http = as_user(cleo.user)
    http.post(reverse("accounts:2fa_setup"), {"start": "1"})
    page = http.get(reverse("accounts:2fa_setup")).content.decode()
    assert "staff" not in page
    assert "two-step login" in page
    # The key, as text to type or copy on this phone; the QR code for another device.
    assert re.search(r'<code class="secret-key">[A-Z2-7]{16,}</code>', page)
    assert page.index("secret-key") < page.index('class="qr"')
    assert "another device" in page


def test_the_staff_setup_page_keeps_the_key_and_the_qr_code(as_user, alice):
    http = as_user(alice, verified=False)
    http.post(reverse("accounts:2fa_setup"), {"start": "1"})
    page = http.get(reverse("accounts:2fa_setup"))
    assert b'class="secret-key"' in page.content
    assert b"every staff account" in page.content
