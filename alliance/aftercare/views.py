"""Aftercare pages. The client sees their follow-up check-ins, answers them and
asks for a booster session in the portal (``get_own_client`` / ``get_own``:
staff get 403, another client's follow-up is 404, and after closing the pages
are read-only). The clinician sees the client's follow-ups and answers booster
requests (``get_client`` / ``get_clinical``: the primary clinician writes, a
supervisor reads, admins and clients get 403, anyone else 404)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.aftercare import selectors, services
from alliance.aftercare.forms import BoosterForm, FollowUpForm, RespondForm
from alliance.aftercare.models import BoosterRequest, FollowUp
from alliance.audit.services import record
from alliance.clients.models import Client


def _portal_context(client: Client, **extra: Any) -> dict[str, Any]:
    # The crisis box in portal/base.html reads the client's practice.
    return {"client": client, "practice": client.practice, "portal": True, **extra}


def _mine(
    request: AuthenticatedRequest,
    client: Client,
    booster_form: BoosterForm | None = None,
) -> HttpResponse:
    followups = selectors.client_followups(client)
    record(
        request.user,
        "followup.portal_list",
        None,
        request=request,
        client_uuid=client.uuid,
        detail={"count": len(followups)},
    )
    return render(
        request,
        "aftercare/mine.html",
        _portal_context(
            client,
            followups=followups,
            aftercare=selectors.portal_aftercare(client),
            booster_form=booster_form or BoosterForm(),
        ),
    )


@require_GET
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """The client's follow-up check-ins and booster sessions."""
    client = permissions.get_own_client(request)
    return _mine(request, client)


@require_http_methods(["GET", "POST"])
def followup(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """One follow-up check-in: its questionnaires and the four questions."""
    posting = request.method == "POST"
    item = permissions.get_own(
        request,
        FollowUp.objects.select_related("client__practice"),
        uuid,
        write=posting,
    )
    form = FollowUpForm(request.POST if posting else None)
    if posting and form.is_valid():
        try:
            services.answer_followup(
                item, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Thank you. Your answers were sent.")
            return redirect("aftercare:followup", item.uuid)
    return render(
        request,
        "aftercare/followup.html",
        _portal_context(
            item.client,
            followup=item,
            questionnaires=selectors.followup_questionnaires(item),
            form=form,
        ),
    )


@require_POST
def request_booster(request: AuthenticatedRequest) -> HttpResponse:
    """The client asks for a booster session (once: asking again changes nothing)."""
    client = permissions.get_own_client(request, write=True)
    form = BoosterForm(request.POST)
    if not form.is_valid():
        return _mine(request, client, form)
    try:
        services.request_booster(
            client, note=form.cleaned_data["note"], by=request.user, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "Your clinician has been asked about a booster session and will be "
            "in touch.",
        )
    return redirect("aftercare:mine")


@require_GET
def client_aftercare(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Every follow-up of the client with the answers and results, and the
    booster sessions."""
    client = permissions.get_client(request, uuid)
    chart = selectors.chart_aftercare(client, with_answers=True)
    record(
        request.user,
        "followup.list",
        None,
        request=request,
        client_uuid=client.uuid,
    )
    return render(
        request,
        "aftercare/client.html",
        {
            "client": client,
            "chart_aftercare": chart,
            "can_edit": permissions.is_primary_clinician(request.user, client),
        },
    )


DONE = {
    "reopen": "Treatment re-opened: the episode is back in active treatment.",
    "new_episode": "A new episode is open (referral), linked to the last one.",
    "decline": "Your response is recorded.",
}


@require_POST
def respond(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """The primary clinician answers a booster session: re-open treatment, start
    a new linked episode, or decline / arrange otherwise, with a recorded note."""
    booster = permissions.get_clinical(
        request, BoosterRequest.objects.select_related("client"), uuid, write=True
    )
    form = RespondForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(
                [error for errors in form.errors.values() for error in errors]
            )
        action = form.cleaned_data["action"]
        services.respond_to_booster(
            booster,
            action=action,
            response=form.cleaned_data["response"],
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("aftercare:client", booster.client.uuid)
    messages.success(request, DONE[action])
    if action == "decline":
        return redirect("aftercare:client", booster.client.uuid)
    return redirect("chart:client", booster.client.uuid)
