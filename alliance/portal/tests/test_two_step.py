"""A client may add TOTP; once added, their logins ask for it."""

from __future__ import annotations

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import TEST_PASSWORD


def _sign_in(client):
    return client.post(
        reverse("accounts:login"),
        {"username": "cleo@example.net", "password": TEST_PASSWORD},
        follow=True,
    )


def test_without_two_step_the_password_is_enough(client, cleo):
    response = _sign_in(client)
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert "Add two-step login" in response.text


def test_a_client_adds_two_step_and_is_then_asked_for_a_code(client, cleo):
    _sign_in(client)
    page = client.get(reverse("accounts:2fa_setup"))
    assert page.status_code == 200
    assert not TOTPDevice.objects.filter(user=cleo.user).exists()
    client.post(reverse("accounts:2fa_setup"), {"start": "1"})
    device = TOTPDevice.objects.get(user=cleo.user)
    client.post(reverse("accounts:2fa_setup"), {"token": f"{totp(device.bin_key):06d}"})
    device.refresh_from_db()
    assert device.confirmed
    assert "Two-step login is on" in client.get(reverse("portal:home")).text

    client.post(reverse("accounts:logout"))
    response = _sign_in(client)
    assert reverse("accounts:verify") in response.redirect_chain[-1][0]
    # Nothing of the portal opens before the code.
    blocked = client.get(reverse("portal:home"))
    assert blocked.status_code == 302
    assert reverse("accounts:verify") in blocked["Location"]


def test_the_portal_invites_a_client_to_add_two_step_until_dismissed(client, cleo):
    response = _sign_in(client)
    assert "Keep your login safe" in response.text
    dismissed = client.post(reverse("portal:dismiss_two_step"), follow=True)
    assert dismissed.redirect_chain[-1][0] == reverse("portal:home")
    assert "Keep your login safe" not in dismissed.text
    # The quieter line under "Your login" stays.
    assert "Add two-step login" in dismissed.text
    # A new sign-in invites again.
    client.post(reverse("accounts:logout"))
    assert "Keep your login safe" in _sign_in(client).text


def test_staff_cannot_dismiss_a_portal_prompt(as_user, alice):
    response = as_user(alice).post(reverse("portal:dismiss_two_step"))
    assert response.status_code == 403
