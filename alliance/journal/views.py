"""Journal pages. The client writes and reads their journal in the portal
(``get_own_client``/``get_own``: staff get 403, another client's entry 404; a
closed episode allows reading only). The clinician reads the shared entries on
the client's journal page (``get_client``: another clinician's client is 404,
admins 403); private entries never reach them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import permissions
from alliance.audit.services import record
from alliance.clients.models import Client
from alliance.journal import selectors, services
from alliance.journal.models import JournalEntry

PAGE_SIZE = 30


def _portal_context(client: Client, **extra: Any) -> dict[str, Any]:
    # The crisis box in portal/base.html reads the client's practice.
    return {"client": client, "practice": client.practice, "portal": True, **extra}


def _entries() -> Any:
    return JournalEntry.objects.select_related("client__practice")


@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    """The client's journal: a box for a new entry, then every entry."""
    posting = request.method == "POST"
    client = permissions.get_own_client(request, write=posting)
    error = ""
    if posting:
        try:
            services.write_entry(
                client,
                request.POST.get("body"),
                share=request.POST.get("share") == "yes",
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            return redirect("journal:mine")
    entries = list(selectors.own_entries(client))
    record(
        request.user,
        "journal.portal_list",
        None,
        request=request,
        client_uuid=client.uuid,
        detail={"count": len(entries)},
    )
    return render(
        request,
        "journal/mine.html",
        _portal_context(
            client,
            entries=entries,
            error=error,
            body=request.POST.get("body", "") if posting else "",
            can_write=client.current_episode() is not None,
        ),
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest, uuid: object) -> HttpResponse:
    """One entry: read it, change it."""
    posting = request.method == "POST"
    item = permissions.get_own(request, _entries(), uuid, write=posting)
    error = ""
    if posting:
        try:
            services.edit_entry(
                item, request.POST.get("body"), by=request.user, request=request
            )
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            return redirect("journal:mine")
    return render(
        request,
        "journal/entry.html",
        _portal_context(
            item.client,
            entry=item,
            error=error,
            body=request.POST.get("body", "") if posting else item.body,
        ),
        status=400 if error else 200,
    )


@require_POST
def share(request: HttpRequest, uuid: object) -> HttpResponse:
    """Share an entry with the clinician (``shared=yes``) or take it back."""
    item = permissions.get_own(
        request, _entries(), uuid, write=True, action="journalentry.share_choice"
    )
    services.set_shared(
        item, request.POST.get("shared") == "yes", by=request.user, request=request
    )
    return redirect("journal:mine")


@require_GET
def client_journal(request: HttpRequest, uuid: object) -> HttpResponse:
    """The entries the client shares, newest shared first."""
    client = permissions.get_client(request, uuid)
    page = Paginator(selectors.shared_entries(client), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    record(
        request.user,
        "journal.list",
        None,
        request=request,
        client_uuid=client.uuid,
        detail={"page": page.number, "shown": len(page.object_list)},
    )
    return render(
        request,
        "journal/client.html",
        {
            "client": client,
            "page": page,
            "chart_journal": selectors.chart_journal(client),
            "journal_page": True,
        },
    )
