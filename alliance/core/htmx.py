"""Helpers for views that answer both htmx and plain requests."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def redirect_or_refresh(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect a plain POST; tell htmx to navigate (it ignores 302 bodies)."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
