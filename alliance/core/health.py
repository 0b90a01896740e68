"""Liveness, readiness, and an honest answer while the database is away.

``/healthz`` says the process is up and touches nothing else, so a process
manager does not restart a healthy server because the database is down.
``/readyz`` says whether this server can do its work: the database answers and
the field keys load. A load balancer sends traffic only while it answers 200.

While the database cannot be reached every page answers 503 with a short
static page and a ``Retry-After`` header, instead of a generic 500: the page is
rendered without a request context, so nothing on it queries the database.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.defaults import server_error

from alliance.core import crypto

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DATABASE_GONE = (OperationalError, InterfaceError)


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _database_check() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
            # An empty database (a SQLite file recreated after it was lost)
            # answers SELECT 1 but holds nothing Alliance can use.
            cursor.execute("SELECT 1 FROM django_migrations LIMIT 1")
            cursor.fetchall()
    except DatabaseError as exc:
        logger.warning("readyz: the database cannot be reached: %s", exc)
        return "database: cannot be reached"
    return None


def _keys_check() -> str | None:
    try:
        crypto.load_keyring()
    except Exception as exc:
        logger.warning("readyz: the field keys cannot be loaded: %s", exc)
        return "keys: cannot be loaded"
    return None


@login_not_required
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    failed = [msg for msg in (_database_check(), _keys_check()) if msg]
    if failed:
        return HttpResponse(
            "not ready\n" + "\n".join(failed) + "\n",
            status=503,
            content_type="text/plain",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return HttpResponse("ready\ndatabase: ok\nkeys: ok\n", content_type="text/plain")


def unavailable_response() -> HttpResponse:
    """503 page for while the database cannot be reached; queries nothing."""
    body = loader.get_template("core/unavailable.html").render()
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection in a view into the 503 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if isinstance(exception, DATABASE_GONE):
            logger.error("database unavailable: %s", exception)
            return unavailable_response()
        return None


def handler500(request: HttpRequest) -> HttpResponse:
    """The 500 handler: a lost database (raised in any middleware) gets 503."""
    if isinstance(sys.exc_info()[1], DATABASE_GONE):
        return unavailable_response()
    return server_error(request)
