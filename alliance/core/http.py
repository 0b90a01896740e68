"""Request types for annotations: what the middleware adds to ``HttpRequest``.

Nothing here runs; these classes only tell the type checker what a view's
request carries (django-htmx's ``request.htmx``)."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxRequest(HttpRequest):
    """A request that went through django-htmx's middleware (every request)."""

    htmx: HtmxDetails
