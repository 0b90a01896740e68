"""Guide pages. Staff read the library (``require_staff``); the client's
clinician shares a guide from the chart (``get_client(write=True)``: the
supervisor reads but may not share). The client reads the guides shared with
them in the portal, for good (``get_own_client(keepsake=True)``); a guide not
shared with them is 404 like a missing one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from alliance import permissions
from alliance.audit.services import record
from alliance.guides import selectors, services
from alliance.guides.library import all_guides, get_guide
from alliance.guides.models import GuideShare


@require_GET
def library(request: HttpRequest) -> HttpResponse:
    permissions.require_staff(request)
    return render(request, "guides/library.html", {"guides": all_guides()})


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    permissions.require_staff(request)
    guide = get_guide(slug)
    if guide is None:
        raise Http404
    return render(request, "guides/detail.html", {"guide": guide})


@require_POST
def share(request: HttpRequest, uuid: object) -> HttpResponse:
    client = permissions.get_client(request, uuid, write=True)
    try:
        share = services.share_guide(
            client, request.POST.get("slug"), by=request.user, request=request
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Shared “{share.guide.title}” with the client.")  # type: ignore[union-attr]
    return redirect("chart:section", client.uuid, "homework")


def _portal(client: object, **extra: object) -> dict[str, object]:
    return {"client": client, "practice": client.practice, "portal": True, **extra}  # type: ignore[attr-defined]


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    client = permissions.get_own_client(request, keepsake=True)
    shares = [s for s in selectors.shares_of(client) if s.guide is not None]
    record(
        request.user,
        "guide.portal_list",
        None,
        request=request,
        client_uuid=client.uuid,
        detail={"count": len(shares)},
    )
    return render(request, "guides/mine.html", _portal(client, shares=shares))


@require_GET
def mine_detail(request: HttpRequest, slug: str) -> HttpResponse:
    client = permissions.get_own_client(request, keepsake=True)
    share = GuideShare.objects.filter(client=client, slug=slug).first()
    if share is None or share.guide is None:
        raise Http404
    record(request.user, "guideshare.view", share, request=request)
    return render(
        request,
        "guides/mine_detail.html",
        _portal(client, guide=share.guide, share=share),
    )
