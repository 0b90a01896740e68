"""The REST API at /api/v1/ (django-ninja; docs/api.md).

Every operation authenticates a personal API token through
``alliance.accounts.tokens.user_for_bearer``, which makes the token's user the
request's user; from there on the operation reads and writes through the same
``alliance.permissions`` getters and the same service functions as the pages,
so the API has no rules of its own. Refusals are RFC 9457 problem bodies."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from alliance.accounts.tokens import READ, WRITE, TokenRefused, user_for_bearer
from alliance.api.problems import Problem, from_problem, problem_response
from alliance.core.versioning import Conflict

logger = logging.getLogger(__name__)

RATE_WINDOW = 60


def _rate_limit(request: HttpRequest) -> None:
    """A fixed one-minute window per token, counted in the Django cache (shared
    between processes when the cache is Redis; per process otherwise)."""
    import time

    limit = settings.ALLIANCE_API_RATE_LIMIT
    now = int(time.time())
    window = now // RATE_WINDOW
    key = f"api-rate:{request.api_token.uuid}:{window}"  # type: ignore[attr-defined]
    cache.add(key, 0, RATE_WINDOW + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, RATE_WINDOW + 5)
        count = 1
    if count > limit:
        retry = RATE_WINDOW - now % RATE_WINDOW
        raise Problem(
            429,
            "rate-limited",
            "Too many requests",
            f"This token may make {limit} calls a minute; try again in {retry} s.",
            headers={"Retry-After": str(retry)},
        )


class TokenAuth(HttpBearer):
    """A personal API token (``Authorization: Bearer alliance_…``)."""

    def __call__(self, request: HttpRequest) -> Any:
        user = user_for_bearer(request, READ)
        _rate_limit(request)
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:  # pragma: no cover
        return self(request)


def require_write(request: HttpRequest) -> None:
    """Writes need a read-and-write token (the read scope is checked first)."""
    user_for_bearer(request, WRITE)


api = NinjaAPI(
    title="Alliance REST API",
    version="1",
    description="Read and change records with a personal API token. See docs/api.md.",
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url=None,
    openapi_url="/openapi.json",
)


def _errors_from_ninja(exc: NinjaValidationError) -> list[dict[str, str]]:
    errors = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        # ("body", "payload", "field") → "field"; ("query", "limit") → "limit"
        if loc and loc[0] in ("body", "query", "path", "header"):
            loc = loc[1:]
            if len(loc) > 1 and loc[0] in ("payload", "data"):
                loc = loc[1:]
        errors.append(
            {"field": ".".join(loc) or "body", "message": str(error.get("msg", ""))}
        )
    return errors


@api.exception_handler(Problem)
def _problem(request: HttpRequest, exc: Problem) -> HttpResponse:
    return from_problem(request, exc)


@api.exception_handler(TokenRefused)
def _token_refused(request: HttpRequest, exc: TokenRefused) -> HttpResponse:
    slug = exc.title.lower().replace(" ", "-")
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return problem_response(
        request, exc.status, slug, exc.title, exc.detail, headers=headers
    )


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return problem_response(
        request,
        422,
        "invalid",
        "Invalid request",
        "Some of what was sent cannot be used; nothing was changed.",
        errors=_errors_from_ninja(exc),
    )


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return problem_response(
        request,
        409,
        "conflict",
        "Changed meanwhile",
        "The record was changed after you read it, so nothing was saved. Read it "
        "again and send your change with its new ETag.",
    )


@api.exception_handler(DjangoValidationError)
def _refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = []
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            name = "body" if field == "__all__" else field
            errors += [{"field": name, "message": m} for m in messages]
    else:
        errors = [{"field": "body", "message": m} for m in exc.messages]
    return problem_response(
        request,
        422,
        "refused",
        "Refused",
        " ".join(e["message"] for e in errors) or "The change was refused.",
        errors=errors,
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(
        request, 404, "not-found", "Not found", "Nothing you may see is here."
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(
        request,
        403,
        "forbidden",
        "Forbidden",
        str(exc) or "Your role does not give you this.",
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        request,
        401,
        "token-required",
        "Token required",
        "Send a personal API token as 'Authorization: Bearer <token>'.",
        headers={"WWW-Authenticate": "Bearer"},
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(
        request, exc.status_code, "http-error", str(exc) or "Request refused"
    )


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error", exc_info=exc)
    return problem_response(
        request,
        500,
        "server-error",
        "Server error",
        "Something went wrong on our side; nothing was changed.",
    )


def register_routers() -> None:
    from alliance.api.resources import care, clients, practice, progress

    for module in (clients, care, progress, practice):
        api.add_router("", module.router)


register_routers()
