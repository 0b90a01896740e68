"""The API's pages for people: the interactive reference (Swagger UI, vendored
under static/vendor/swagger-ui-*/, started by static/js/api-docs.js so the
strict CSP needs no inline script), for staff only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from alliance import permissions
from alliance.api.problems import problem_response


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    permissions.require_staff(request)
    return render(request, "api/docs.html", {"schema_url": reverse("api:openapi-json")})


@login_not_required
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under /api/v1/: a problem body, not an HTML page."""
    return problem_response(
        request, 404, "not-found", "Not found", "The API has no such address."
    )
