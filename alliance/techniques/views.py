"""Browsing the technique library. Any staff member may read it; it holds no
client data, so nothing here is audited beyond the role check."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from alliance import permissions
from alliance.core.http import HtmxRequest
from alliance.techniques import library

PAGE = "techniques/technique_list.html"


@require_GET
def technique_list(request: HtmxRequest) -> HttpResponse:
    permissions.require_staff(request)
    query = request.GET.get("q", "").strip()[:100]
    approach = request.GET.get("approach", "")
    problem = request.GET.get("problem", "")
    # Unknown filter values (an old bookmark, a typo) are ignored, not an error.
    approach = approach if approach in library.APPROACHES else ""
    problem = problem if problem in library.PROBLEMS else ""
    techniques = library.search(query, approach=approach, problem=problem)
    context = {
        "techniques": techniques,
        "q": query,
        "approach": approach,
        "problem": problem,
        "approaches": library.APPROACHES.items(),
        "problems": library.PROBLEMS.items(),
        "filtered": bool(query or approach or problem),
    }
    # A history restore needs the whole page, even though htmx asks for it.
    htmx = request.htmx
    partial = htmx and not htmx.history_restore_request
    template = f"{PAGE}#technique-results" if partial else PAGE
    return render(request, template, context)


@require_GET
def technique_detail(request: HttpRequest, slug: str) -> HttpResponse:
    permissions.require_staff(request)
    try:
        technique = library.get_technique(slug)
    except KeyError:
        raise Http404("No technique with that name.") from None
    return render(request, "techniques/technique_detail.html", {"technique": technique})
