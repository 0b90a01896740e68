"""Problem details (RFC 9457) for every refusal the API gives: a JSON object
with ``type``, ``title``, ``status``, ``detail``, ``instance`` and, for bad
input, ``errors`` (one per field). docs/api.md lists the types."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse

CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:alliance:problem:"


class Problem(Exception):
    """Raised anywhere in an operation to answer with a problem body."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str = "",
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


def problem_response(
    request: HttpRequest,
    status: int,
    slug: str,
    title: str,
    detail: str = "",
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + slug,
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def from_problem(request: HttpRequest, problem: Problem) -> HttpResponse:
    return problem_response(
        request,
        problem.status,
        problem.slug,
        problem.title,
        problem.detail,
        errors=problem.errors,
        headers=problem.headers,
    )
