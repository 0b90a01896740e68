"""/api/v1/: the ninja operations (token-authenticated, so exempt from the
sign-in redirect), the OpenAPI document and the reference page (staff
sessions), and a problem-body 404 for anything else."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, re_path

from alliance import permissions
from alliance.api import views
from alliance.api.main import api
from alliance.api.problems import CONTENT_TYPE, problem_response

# Served to signed-in staff (session), not to tokens.
SESSION_VIEWS = {"openapi-json"}


def _token_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No sign-in redirect (the token is the credential); a wrong method is a
    problem body too."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type") != CONTENT_TYPE:
            allowed = response.get("Allow", "")
            response = problem_response(
                request,
                405,
                "method-not-allowed",
                "Method not allowed",
                f"This address answers {allowed}.",
                headers={"Allow": allowed},
            )
        return response

    wrapper.login_required = False  # type: ignore[attr-defined]
    wrapper.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapper


def _session_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        permissions.require_staff(request)
        return view(request, *args, **kwargs)

    return wrapper


def _patterns() -> list[URLPattern]:
    ninja_patterns, _, _ = api.urls
    result = []
    # ninja builds every operation's url with path(): URLPatterns only.
    for pattern in cast(list[URLPattern], ninja_patterns):
        if pattern.name == "api-root":
            # ninja reverses it to find the prefix; the bare root is not a resource.
            result.append(URLPattern(pattern.pattern, views.not_found, name="api-root"))
            continue
        wrap = _session_view if pattern.name in SESSION_VIEWS else _token_view
        result.append(
            URLPattern(pattern.pattern, wrap(pattern.callback), name=pattern.name)
        )
    return result


app_name = "api"
urlpatterns = [
    path("docs", views.docs, name="docs"),
    *_patterns(),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
