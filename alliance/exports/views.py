"""Record export pages: the client's own copy in the portal, and a client's
copy or transfer export asked for by their clinician from the chart. The ZIP
is written by the worker; the pages show its progress (htmx polls the status
fragment while it is being prepared) and serve it until it expires."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.core.downloads import download_response
from alliance.exports.models import RecordExport
from alliance.exports.services import ExportRefused, request_export
from alliance.exports.services import download as read_zip

RECENT = 10


def _status_template(request: AuthenticatedRequest, full: str) -> str:
    return "exports/_status.html" if request.htmx else full


# --- the portal: the client's own copy -------------------------------------------------------


def _own_exports() -> QuerySet[RecordExport]:
    return RecordExport.objects.filter(scope=RecordExport.Scope.OWN_COPY)


@require_http_methods(["GET", "POST"])
def own(request: AuthenticatedRequest) -> HttpResponse:
    # The right of access outlasts care: asked for like the keepsakes.
    client = permissions.get_own_client(request, keepsake=True)
    if request.method == "POST":
        export = request_export(
            client,
            by=request.user,
            scope=RecordExport.Scope.OWN_COPY,
            request=request,
        )
        messages.success(request, "We are preparing your copy.")
        return redirect("exports:own_status", export.uuid)
    return render(
        request,
        "exports/own.html",
        {
            "client": client,
            "practice": client.practice,
            "portal": True,
            "exports": list(_own_exports().filter(client=client)[:RECENT]),
        },
    )


def own_status(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    export = permissions.get_own(
        request,
        _own_exports(),
        uuid,
        keepsake=True,
    )
    context = {
        "export": export,
        "client": export.client,
        "practice": export.client.practice,
        "portal": True,
        "download_url": "exports:own_download",
        "status_url": "exports:own_status",
    }
    return render(
        request, _status_template(request, "exports/own_status.html"), context
    )


def own_download(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    export = permissions.get_own(
        request, _own_exports(), uuid, keepsake=True, action="recordexport.download"
    )
    return _serve(request, export, "exports:own_status")


def _serve(
    request: AuthenticatedRequest, export: RecordExport, back: str
) -> HttpResponseBase:
    try:
        data = read_zip(export, by=request.user, request=request)
    except ExportRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(back, export.uuid)
    return download_response(data, export.filename, content_type="application/zip")


# --- staff: from the chart -------------------------------------------------------------------

STAFF_SCOPES = (RecordExport.Scope.ACCESS_REQUEST, RecordExport.Scope.TRANSFER)


@require_http_methods(["GET", "POST"])
def client_exports(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    client = permissions.get_client(request, uuid)
    user = request.user
    if request.method == "POST":
        scope = request.POST.get("scope", "")
        try:
            if scope not in STAFF_SCOPES:
                raise ExportRefused("Choose what kind of export to prepare.")
            export = request_export(
                client,
                by=user,
                scope=scope,
                include_process_notes=request.POST.get("process_notes") == "mine",
                request=request,
            )
        except ExportRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("exports:client", client.uuid)
        messages.success(request, "The export is being prepared.")
        return redirect("exports:status", export.uuid)
    exports = RecordExport.objects.filter(
        client=client, requested_by=user, scope__in=STAFF_SCOPES
    )[:RECENT]
    return render(
        request,
        "exports/client.html",
        {"client": client, "exports": list(exports), "scopes": STAFF_SCOPES},
    )


def status(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    export = permissions.get_requested(
        request, RecordExport.objects.filter(scope__in=STAFF_SCOPES), uuid
    )
    context = {
        "export": export,
        "client": export.client,
        "download_url": "exports:download",
        "status_url": "exports:status",
    }
    return render(request, _status_template(request, "exports/status.html"), context)


def download(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    export = permissions.get_requested(
        request, RecordExport.objects.filter(scope__in=STAFF_SCOPES), uuid
    )
    return _serve(request, export, "exports:status")
