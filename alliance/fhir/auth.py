"""Who is asking: the one place the FHIR views learn their user.

A request with ``Authorization: Bearer …`` acts as the personal API token's
user (``alliance.accounts.tokens.user_for_bearer``: unknown, expired and revoked
tokens, deactivated users, clients and a practice with its API off are refused
there, audited); any other request acts as the signed-in session user (with the
second factor done, which the middleware already enforces). Progress-note
bodies need the token's notes scope; a signed-in clinician reads them on the
pages, so a session may.
"""

from __future__ import annotations

from django.http import HttpRequest

from alliance.accounts.models import User
from alliance.accounts.tokens import READ, TokenRefused, bearer_secret, user_for_bearer


class NotAuthenticated(Exception):
    """No user: the view answers 401 with an OperationOutcome."""


def uses_token(request: HttpRequest) -> bool:
    return bool(bearer_secret(request))


def acting_user(request: HttpRequest) -> User:
    """The user the request acts for; ``TokenRefused`` for a bad token,
    ``NotAuthenticated`` when there is neither token nor session."""
    if uses_token(request):
        if getattr(request, "api_token", None) is None:
            # Every FHIR interaction reads (an export's DELETE only cancels the
            # requester's own job), so the read scope is enough.
            user_for_bearer(request, READ)
        return request.user  # type: ignore[return-value]
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        raise NotAuthenticated
    return user


def note_bodies_allowed(request: HttpRequest) -> bool:
    """Whether progress-note bodies (DocumentReference) may be returned."""
    acting_user(request)
    token = getattr(request, "api_token", None)
    return True if token is None else bool(token.notes)


__all__ = ["NotAuthenticated", "TokenRefused", "acting_user", "note_bodies_allowed"]
