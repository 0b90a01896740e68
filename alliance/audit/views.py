from __future__ import annotations

import uuid
from datetime import datetime, time

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from alliance import permissions
from alliance.audit.models import AuditEvent
from alliance.audit.services import last_verification
from alliance.core.text import search_text


def _day(value: str, end: bool = False) -> datetime | None:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()  # noqa: DTZ007
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


def log(request: HttpRequest) -> HttpResponse:
    """The practice admin's read-only view of the audit log, filterable."""
    admin = permissions.require_practice_admin(request)
    events = AuditEvent.objects.for_practice(
        admin.practice_id  # type: ignore[arg-type]  # an admin belongs to a practice
    ).select_related("actor")
    f = {
        k: search_text(request.GET.get(k, ""))
        for k in ("actor", "action", "client", "since", "until", "outcome")
    }
    if f["actor"]:
        events = (
            events.filter(actor__uuid=f["actor"])
            if _is_uuid(f["actor"])
            else events.none()
        )
    if f["action"]:
        events = events.filter(action__startswith=f["action"])
    if f["client"]:
        events = (
            events.about_client(f["client"]) if _is_uuid(f["client"]) else events.none()
        )
    if f["outcome"] in AuditEvent.Outcome.values:
        events = events.filter(outcome=f["outcome"])
    if since := _day(f["since"]):
        events = events.filter(at__gte=since)
    if until := _day(f["until"], end=True):
        events = events.filter(at__lte=until)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "filters": f,
            # The user model through Django: audit sits below accounts.
            "staff": get_user_model().objects.filter(practice=admin.practice),
            "outcomes": AuditEvent.Outcome.choices,
            "verification": last_verification(),
        },
    )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
