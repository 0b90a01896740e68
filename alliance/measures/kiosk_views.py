"""Kiosk mode: the clinician hands their device to the client in the room to
answer a questionnaire.

Kiosk mode locks the clinician's session to one administration's kiosk pages
(see ``alliance.measures.middleware``) until the clinician re-enters their
password. The items are shown by the shared flow in ``alliance.measures.flow``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.audit.models import AuditEvent
from alliance.audit.services import record
from alliance.measures import services
from alliance.measures.flow import Flow, administrations, render_review, run_item_step
from alliance.measures.forms import KioskExitForm
from alliance.measures.models import Administration

KIOSK_KEY = "measures_kiosk"
KIOSK_URLS = ("kiosk", "kiosk_submit", "kiosk_done", "kiosk_exit")


def kiosk_uuid(request: HttpRequest) -> str | None:
    """The administration this session is locked to, if in kiosk mode."""
    state = request.session.get(KIOSK_KEY) if hasattr(request, "session") else None
    return state.get("administration") if isinstance(state, dict) else None


def kiosk_paths(uuid: str) -> tuple[str, ...]:
    return tuple(reverse(f"measures:{name}", args=[uuid]) for name in KIOSK_URLS)


def enter_kiosk(request: AuthenticatedRequest, administration: Administration) -> None:
    request.session[KIOSK_KEY] = {"administration": str(administration.uuid)}
    record(request.user, "administration.kiosk_start", administration, request=request)


def _in_kiosk(request: AuthenticatedRequest, administration: Administration) -> bool:
    return kiosk_uuid(request) == str(administration.uuid)


def _kiosk_context(administration: Administration) -> dict[str, Any]:
    # The device is in the client's hands on the clinician's session: render as
    # for a signed-out visitor, so the header carries no staff menu or name.
    return {
        "user": AnonymousUser(),
        "kiosk": True,
        "practice": administration.client.practice,
    }


def _kiosk_flow(request: AuthenticatedRequest, administration: Administration) -> Flow:
    return Flow(
        page="measures/kiosk.html",
        step_url=reverse("measures:kiosk", args=[administration.uuid]),
        submit_url=reverse("measures:kiosk_submit", args=[administration.uuid]),
        by=request.user,
        context=_kiosk_context(administration),
    )


def _kiosk_administration(
    request: AuthenticatedRequest, uuid: object
) -> Administration:
    return permissions.get_clinical(
        request,
        administrations().select_related("client__practice"),
        uuid,
        write=True,
        action="administration.kiosk",
    )


@require_POST
def kiosk_start(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Lock this session to the administration's kiosk pages and hand over."""
    administration = permissions.get_clinical(
        request, administrations(), uuid, write=True
    )
    if not administration.is_draft:
        messages.error(
            request, "This questionnaire is closed: its answers can no longer change."
        )
        return redirect(administration)
    if administration.mode != Administration.Mode.KIOSK:
        messages.error(
            request,
            "Only a questionnaire started in kiosk mode can be handed to the client; "
            "start one from the chart.",
        )
        return redirect(administration)
    enter_kiosk(request, administration)
    return redirect("measures:kiosk", administration.uuid)


@require_http_methods(["GET", "POST"])
def kiosk(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """The client answers on the clinician's device, one item per screen."""
    administration = _kiosk_administration(request, uuid)
    if not _in_kiosk(request, administration):
        messages.info(request, "Kiosk mode is not on for this questionnaire.")
        return redirect(administration)
    if not administration.is_draft:
        return redirect("measures:kiosk_done", administration.uuid)
    return run_item_step(request, administration, _kiosk_flow(request, administration))


@require_POST
def kiosk_submit(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    administration = _kiosk_administration(request, uuid)
    if not _in_kiosk(request, administration):
        return redirect(administration)
    if administration.is_draft:
        try:
            services.submit_administration(
                administration, by=request.user, request=request
            )
        except ValidationError as exc:
            return render_review(
                request,
                administration,
                _kiosk_flow(request, administration),
                exc.messages,
            )
    return redirect("measures:kiosk_done", administration.uuid)


def kiosk_done(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Thank the client; after a risk answer, show the crisis lines first."""
    administration = _kiosk_administration(request, uuid)
    if not _in_kiosk(request, administration):
        return redirect(administration)
    if administration.is_draft:
        return redirect("measures:kiosk", administration.uuid)
    return render(
        request,
        "measures/kiosk_done.html",
        {"administration": administration, **_kiosk_context(administration)},
    )


@require_http_methods(["GET", "POST"])
def kiosk_exit(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Unlock the device: only the clinician's password ends kiosk mode."""
    administration = _kiosk_administration(request, uuid)
    if not _in_kiosk(request, administration):
        return redirect(administration)
    form = KioskExitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        checked = authenticate(
            request, username=user.email, password=form.cleaned_data["password"]
        )
        if checked is not None and checked.pk == user.pk:
            del request.session[KIOSK_KEY]
            record(user, "administration.kiosk_exit", administration, request=request)
            return redirect(administration)
        record(
            user,
            "administration.kiosk_exit",
            administration,
            request=request,
            outcome=AuditEvent.Outcome.FAILED,
        )
        form.add_error("password", "That password is not right.")
    return render(
        request,
        "measures/kiosk_exit.html",
        {
            "administration": administration,
            "form": form,
            **_kiosk_context(administration),
        },
    )
