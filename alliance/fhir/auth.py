"""Who is asking: the one place the FHIR views learn their user.

For now the signed-in session user (with the second factor done, which the
middleware already enforces). Personal API tokens will be wired in here:
``acting_user`` returns the token's user and ``note_bodies_allowed`` reads
the token's scope, and nothing else in the app changes.
"""

from __future__ import annotations

from django.http import HttpRequest

from alliance.accounts.models import User


class NotAuthenticated(Exception):
    """No user: the view answers 401 with an OperationOutcome."""


def acting_user(request: HttpRequest) -> User:
    """The user the request acts for, or NotAuthenticated."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        raise NotAuthenticated
    return user


def note_bodies_allowed(request: HttpRequest) -> bool:
    """Whether progress-note bodies (DocumentReference) may be returned. A
    signed-in clinician reads notes on the pages, so a session may; a token
    will need its note scope."""
    acting_user(request)
    return True
