"""Kiosk mode: while a clinician's session is handed to a client to answer a
questionnaire, every request outside that questionnaire's kiosk pages is sent
back to them. Only the clinician's password (``measures:kiosk_exit``) ends it.

A middleware rather than a check in each view, so pages added later by any app
are locked too.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from alliance.measures.kiosk_views import kiosk_paths, kiosk_uuid


class KioskMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        uuid = kiosk_uuid(request)
        if (
            uuid is not None
            and request.user.is_authenticated
            and request.path not in kiosk_paths(uuid)
            and not request.path.startswith(f"/{settings.STATIC_URL.lstrip('/')}")
        ):
            return redirect("measures:kiosk", uuid)
        return self.get_response(request)
