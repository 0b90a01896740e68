"""Safety plan pages: the clinician's plan, editor, earlier versions and PDF;
the client's own plan in the portal (a page that keeps working offline once
opened, and a PDF). Access goes through alliance.permissions: the primary
clinician writes, a supervisor reads, other clinicians get 404, admins 403;
in the portal a client reaches only their own plan."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.accounts.models import Practice
from alliance.audit.services import record
from alliance.clients.models import Client
from alliance.core.pdf import pdf_response, render_pdf
from alliance.safety.forms import SafetyPlanForm
from alliance.safety.models import (
    CITATION,
    SECTION_FIELDS,
    SafetyPlan,
    SafetyPlanVersion,
)
from alliance.safety.selectors import current_safety_plan
from alliance.safety.services import save_safety_plan

# A phone number inside a line of text: "Samaritans: 116 123 (free, 24 hours)".
PHONE = re.compile(r"\+?\d[\d \-]*\d")
# The portal copy may be kept by the client's own browser for a day, so the
# plan is there when the connection is not (docs/safety-plan.md).
PORTAL_CACHE = "private, max-age=86400"
# Sections that list people and services; numbers elsewhere (a year among the
# reasons for living) are not phone numbers.
CONTACT_SECTIONS = {"distractions", "people_to_ask", "professionals"}


@dataclass(frozen=True)
class Line:
    text: str
    tel: str  # "" when the line holds no phone number


def callable_lines(lines: list[str]) -> list[Line]:
    """Each line with a ``tel:`` target for the first phone number in it."""
    result = []
    for text in lines:
        match = PHONE.search(text)
        digits = re.sub(r"[ \-]", "", match.group()) if match else ""
        tel = digits if len(digits.lstrip("+")) >= 3 else ""
        result.append(Line(text=text, tel=tel))
    return result


def _crisis_lines(practice: Practice) -> list[Line]:
    return callable_lines(practice.crisis_line_list())


def _plan_context(client: Client, version: SafetyPlanVersion | None) -> dict[str, Any]:
    return {
        "client": client,
        "practice": client.practice,
        "version": version,
        "sections": [
            (
                name,
                heading,
                prompt,
                callable_lines(lines)
                if name in CONTACT_SECTIONS
                else [Line(text=text, tel="") for text in lines],
            )
            for name, heading, prompt, lines in (version.sections() if version else [])
        ],
        "crisis_lines": _crisis_lines(client.practice),
        "citation": CITATION,
    }


def _pdf_response(
    request: AuthenticatedRequest, client: Client, version: SafetyPlanVersion
) -> HttpResponseBase:
    context = {**_plan_context(client, version), "printed_at": timezone.now()}
    pdf = render_pdf(
        "safety/plan_pdf.html",
        context,
        stylesheets=["safety/plan_pdf.css"],
        base_url=request.build_absolute_uri("/"),
    )
    return pdf_response(pdf, version.pdf_name("safety-plan"))


# Clinician pages --------------------------------------------------------------


@require_GET
def plan(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """The current plan, the practice's crisis lines, and earlier versions."""
    client = permissions.get_client(request, uuid)
    versions = list(
        SafetyPlanVersion.objects.filter(plan__client=client)
        .select_related("created_by")
        .order_by("-number")
    )
    current = versions[0] if versions else None
    record(
        request.user,
        "safety_plan.view",
        current,
        request=request,
        client_uuid=client.uuid,
    )
    return render(
        request,
        "safety/plan.html",
        {
            **_plan_context(client, current),
            "earlier": versions[1:],
            "can_edit": permissions.is_primary_clinician(request.user, client),
        },
    )


@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Write the plan with the client; saving adds a new version."""
    client = permissions.get_client(request, uuid, write=True)
    current = current_safety_plan(client)
    form = SafetyPlanForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            save_safety_plan(
                client,
                by=request.user,
                reason=data.get("reason", ""),
                based_on=data["based_on"],
                request=request,
                **{name: data[name] for name in SECTION_FIELDS},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, "Safety plan saved. The client sees it in their portal."
            )
            return redirect("safety:plan", client.uuid)
    return render(
        request,
        "safety/edit.html",
        {"client": client, "current": current, "form": form},
    )


@require_GET
def version(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """One earlier (or the current) version, read-only."""
    shown = permissions.get_clinical(
        request, SafetyPlanVersion.objects.select_related("created_by"), uuid
    )
    client = shown.plan.client
    return render(
        request,
        "safety/version.html",
        {**_plan_context(client, shown), "is_current": shown.is_current()},
    )


@require_GET
def plan_download(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    """The current plan as a PDF (audited as safety_plan.pdf)."""
    client = permissions.get_client(request, uuid)
    current = current_safety_plan(client)
    if current is None:
        raise Http404
    record(request.user, "safety_plan.pdf", current, request=request)
    response = _pdf_response(request, client, current)
    response["Cache-Control"] = "no-store"
    return response


# The client's own plan, in the portal -------------------------------------------


@require_GET
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """The client's current plan: crisis lines first, large text, tap to call."""
    # The safety plan stays with the client after care ends (a keepsake).
    client = permissions.get_own_client(request, keepsake=True)
    current = current_safety_plan(client)
    record(
        request.user,
        "safety_plan.portal_view",
        current,
        request=request,
        client_uuid=client.uuid,
    )
    response = render(
        request,
        "safety/mine.html",
        {**_plan_context(client, current), "portal": True},
    )
    if current is not None:
        # Without a plan there is nothing worth keeping, and a cached "no plan
        # yet" page would hide the first plan for a day.
        response["Cache-Control"] = PORTAL_CACHE
    return response


@require_GET
def mine_download(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    """The client's own plan as a PDF; anyone else's plan is 404."""
    own = permissions.get_own(
        request,
        SafetyPlan.objects.select_related("client__practice"),
        uuid,
        action="safety_plan.pdf",
        keepsake=True,
    )
    current = own.current_version()
    if current is None:
        raise Http404
    return _pdf_response(request, own.client, current)
