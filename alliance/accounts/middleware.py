from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a signed-in staff member may reach before completing the second factor.
OPEN_PREFIXES = ("/static/", "/accounts/logout/", "/accounts/2fa/", "/accounts/verify/")


class SecondFactorMiddleware:
    """Staff must pass TOTP before any other page; sessions also end after
    SESSION_ABSOLUTE_HOURS however active they are."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            started = request.session.setdefault("auth_started", int(time.time()))
            if time.time() - started > settings.SESSION_ABSOLUTE_HOURS * 3600:
                logout(request)
                return redirect(settings.LOGIN_URL)
            if (
                user.needs_second_factor
                and not user.is_verified()  # type: ignore[attr-defined]  # django-otp's (untyped) middleware and device model add it
                and not request.path.startswith(OPEN_PREFIXES)
            ):
                has_device = user.totpdevice_set.filter(confirmed=True).exists()  # type: ignore[attr-defined]  # django-otp's (untyped) middleware and device model add it
                if not has_device:
                    return redirect("accounts:2fa_setup")
                # Come back to the page asked for once the code is entered.
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('accounts:verify')}?{query}")
        return self.get_response(request)
