"""Check-in pages. The client checks in and sees their history in the portal
(``get_own_client``: staff get 403, a closed episode allows reading only);
the clinician reads every check-in on the client's check-in page
(``get_client``: another clinician's client is 404, admins 403)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.audit.services import record
from alliance.checkins import selectors, services
from alliance.checkins.forms import CheckInForm
from alliance.checkins.models import VERY_LOW_MOOD, CheckIn
from alliance.clients.models import Client

PAGE_SIZE = 50


def _portal_context(client: Client, **extra: Any) -> dict[str, Any]:
    # The crisis box in portal/base.html reads the client's practice.
    return {"client": client, "practice": client.practice, "portal": True, **extra}


def _key(posted: str | None) -> str:
    """The form's submission key: the posted one while it is well formed (so
    a corrected form still makes one check-in), else a fresh one."""
    try:
        return str(uuid.UUID(posted or ""))
    except ValueError:
        return str(uuid.uuid4())


@require_http_methods(["GET", "POST"])
def new(request: AuthenticatedRequest) -> HttpResponse:
    """The client's check-in form: mood, feelings, a note, the safety question."""
    posting = request.method == "POST"
    client = permissions.get_own_client(request, write=posting)
    form = CheckInForm(request.POST if posting else None)
    if posting and form.is_valid():
        data = form.cleaned_data
        try:
            checkin = services.record_checkin(
                client,
                mood=data["mood"],
                feelings=data["feelings"],
                note=data["note"],
                safety_concern=data["safety_concern"],
                submission_key=request.POST.get("submission_key"),
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("checkins:done", checkin.uuid)
    # A "yes" to the safety question is never dropped because another answer
    # was missing: the alert goes out now, and the crisis lines come first.
    safety_yes = (
        posting
        and request.POST.get("safety_concern") == "yes"
        and client.current_episode() is not None
    )
    if safety_yes:
        services.raise_unsaved_safety_answer(
            client,
            submission_key=request.POST.get("submission_key"),
            by=request.user,
            request=request,
        )
    return render(
        request,
        "checkins/new.html",
        _portal_context(
            client,
            form=form,
            submission_key=_key(request.POST.get("submission_key")),
            can_check_in=client.current_episode() is not None,
            safety_yes=safety_yes,
        ),
    )


@require_GET
def done(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Thanks; after a "yes" to the safety question, the crisis lines and the
    safety plan come first."""
    checkin = permissions.get_own(
        request, CheckIn.objects.select_related("client__practice"), uuid
    )
    return render(
        request,
        "checkins/done.html",
        _portal_context(checkin.client, checkin=checkin),
    )


@require_GET
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """The client's own check-ins: the chart of the last eight weeks, then all."""
    client = permissions.get_own_client(request)
    checkins = list(selectors.all_checkins(client))
    window = selectors.mood_window(client)
    record(
        request.user,
        "checkin.portal_list",
        None,
        request=request,
        client_uuid=client.uuid,
        detail={"count": len(checkins)},
    )
    return render(
        request,
        "checkins/mine.html",
        _portal_context(
            client,
            window=window,
            svg=window.svg(clinician=False, ident="my-mood"),
            checkins=checkins,
            can_check_in=client.current_episode() is not None,
        ),
    )


@require_GET
def client_checkins(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Every check-in of the client, newest first, with the chart; "yes"
    answers to the safety question and very low moods are flagged."""
    client = permissions.get_client(request, uuid)
    page = Paginator(selectors.all_checkins(client), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    record(
        request.user,
        "checkin.list",
        None,
        request=request,
        client_uuid=client.uuid,
        detail={"page": page.number},
    )
    return render(
        request,
        "checkins/client.html",
        {
            "client": client,
            "chart_checkins": selectors.chart_checkins(client),
            "page": page,
            "rows": selectors.client_history(page.object_list),  # type: ignore[arg-type]  # a page of a queryset
            "very_low_mood": VERY_LOW_MOOD,
            "checkins_page": True,
        },
    )
