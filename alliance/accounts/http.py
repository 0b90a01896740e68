"""The request a signed-in view receives, for annotations.

``LoginRequiredMiddleware`` sends anonymous visitors to the login page before
any view without ``@login_not_required`` runs, so such a view's ``request.user``
is always an ``accounts.User``. Views annotate ``request: AuthenticatedRequest``;
views marked ``@login_not_required`` keep ``HttpRequest`` (or ``HtmxRequest``).
Nothing here runs; it only informs the type checker."""

from __future__ import annotations

from alliance.accounts.models import User
from alliance.core.http import HtmxRequest


class AuthenticatedRequest(HtmxRequest):
    """A request behind the login: its ``user`` is signed in."""

    user: User
