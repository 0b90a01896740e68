from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class NoStoreMiddleware:
    """Signed-in pages hold clinical data: browsers and proxies must not keep them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


class PracticeTimeZoneMiddleware:
    """Show and read every date and time in the practice's time zone.

    Stored times are UTC; forms interpret typed times in the active zone, so a
    consent given "5 minutes ago" in Sydney is not "in the future"."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        practice = (
            getattr(request.user, "practice", None)
            if request.user.is_authenticated
            else None
        )
        if practice is not None:
            timezone.activate(practice.zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
