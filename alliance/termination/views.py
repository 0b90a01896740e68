"""Termination pages. Access goes through alliance.permissions: the primary
clinician writes, a supervisor reads, another clinician's client is 404,
admins and clients get 403 on clinical pages. In the portal a client reaches
only their own relapse-prevention plan (a keepsake, open after care ends) and
the summary their clinician shared with them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.audit.services import record
from alliance.clients.models import Client, Episode
from alliance.core.pdf import pdf_response
from alliance.termination import selectors, services
from alliance.termination.forms import RelapsePlanForm, ReviewForm, SummaryForm
from alliance.termination.models import (
    PLAN_FIELDS,
    ReadinessReview,
    RelapsePreventionPlan,
    RelapsePreventionPlanVersion,
    TerminationSummary,
)
from alliance.termination.pdf import render_pdf


def _pdf(
    request: AuthenticatedRequest, template: str, context: dict[str, Any], name: str
) -> HttpResponseBase:
    pdf = render_pdf(
        template,
        {**context, "printed_at": timezone.now()},
        base_url=request.build_absolute_uri("/"),
    )
    return pdf_response(pdf, name)


def _day(moment: Any) -> str:
    return f"{timezone.localdate(moment):%Y-%m-%d}"


def _add_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's refusal on the form: per field where it names fields the
    form has, otherwise at the top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# -- readiness review -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def review(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """The episode's readiness review: the facts assembled live from the record
    while it is open (a snapshot once completed) and the clinician's part."""
    writing = request.method == "POST"
    episode = permissions.get_episode(request, uuid, write=writing)
    client = episode.client
    current = selectors.latest_review(episode)
    editable = (
        current is not None
        and not current.is_completed
        and episode.phase == Episode.Phase.TERMINATION
        and permissions.is_primary_clinician(request.user, client)
    )
    form = (
        ReviewForm(request.POST if writing else None, review=current)  # type: ignore[arg-type]  # editable: a review exists
        if editable
        else None
    )
    status = 200
    if writing:
        if form is None:
            messages.error(
                request,
                "There is no open readiness review to write: a review opens when "
                "the episode moves to termination, and a completed one is locked.",
            )
            return redirect("termination:review", episode.uuid)
        if form.is_valid():
            complete = request.POST.get("action") == "complete"
            try:
                services.save_review(
                    current,  # type: ignore[arg-type]  # editable: a review exists
                    by=request.user,
                    version=form.cleaned_data["version"],
                    complete=complete,
                    request=request,
                    **form.review_fields(),
                )
            except services.Conflict as conflict:
                form, current, status = _review_conflict(request, conflict)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    "Readiness review completed; the facts are kept as they stand "
                    "today."
                    if complete
                    else "Readiness review saved.",
                )
                return redirect("termination:review", episode.uuid)
    if current is not None:
        record(
            request.user,
            "readiness_review.view",
            current,
            request=request,
            client_uuid=client.uuid,
        )
    if current is None:
        facts: dict[str, Any] = {}
    elif current.is_completed:
        facts = selectors.present(current.facts)
    else:
        facts = selectors.present(selectors.assemble_facts(episode))
    earlier = list(
        ReadinessReview.objects.filter(episode=episode, completed_at__isnull=False)  # type: ignore[misc]  # None: IS NULL, as at run time
        .exclude(pk=current.pk if current else None)
        .select_related("completed_by")
    )
    return render(
        request,
        "termination/review.html",
        {
            "episode": episode,
            "client": client,
            "review": current,
            "facts": facts,
            "form": form,
            "earlier": earlier,
            "can_edit": editable,
        },
        status=status,
    )


def _review_conflict(
    request: AuthenticatedRequest, conflict: services.Conflict
) -> tuple[ReviewForm, ReadinessReview, int]:
    """The editor's unsaved copy over the stored review; saving again from
    here deliberately replaces the version now shown."""
    theirs = conflict.current
    data = request.POST.copy()
    data["version"] = str(theirs.version)
    form = ReviewForm(data, review=theirs)
    form.is_valid()
    form.add_error(None, conflict)
    return form, theirs, 409


@require_GET
def review_pdf(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    """A completed readiness review as a PDF (its facts as completed)."""
    shown = permissions.get_clinical(
        request,
        ReadinessReview.objects.select_related(
            "episode__client__practice", "episode__clinician", "completed_by"
        ),
        uuid,
        action="readiness_review.pdf",
    )
    if not shown.is_completed:
        raise Http404
    client = shown.episode.client
    context = {
        "practice": client.practice,
        "client": client,
        "clinician": shown.episode.clinician,
        "review": shown,
        "facts": selectors.present(shown.facts),
    }
    return _pdf(
        request,
        "termination/review_pdf.html",
        context,
        f"readiness-review-{_day(shown.completed_at)}.pdf",
    )


# -- termination summary -----------------------------------------------------------------


def _summaries() -> QuerySet[TerminationSummary]:
    return TerminationSummary.objects.select_related(
        "episode__client__practice",
        "episode__clinician",
        "finalised_by",
        "shared_by",
        "updated_by",
    )


def _summary_context(summary: TerminationSummary) -> dict[str, Any]:
    client = summary.episode.client
    return {
        "summary": summary,
        "episode": summary.episode,
        "client": client,
        "practice": client.practice,
        "clinician": summary.episode.clinician,
        "facts": selectors.present(summary.facts),
    }


@require_GET
def summary(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """The episode's termination summary, or the button that assembles it."""
    episode = permissions.get_episode(request, uuid)
    found = _summaries().filter(episode=episode).first()
    can_edit = permissions.is_primary_clinician(request.user, episode.client)
    context: dict[str, Any] = {
        "episode": episode,
        "client": episode.client,
        "summary": None,
        "can_edit": can_edit,
        "can_assemble": can_edit and episode.phase in selectors.LATE_PHASES,
    }
    if found is not None:
        record(request.user, "termination_summary.view", found, request=request)
        context.update(_summary_context(found))
        context["charts"] = selectors.summary_charts(found)
    return render(request, "termination/summary.html", context)


@require_POST
def summary_assemble(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    episode = permissions.get_episode(request, uuid, write=True)
    try:
        services.assemble_summary(episode, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "Summary assembled from the record. Read it through and edit both "
            "versions before finalising.",
        )
    return redirect("termination:summary", episode.uuid)


@require_http_methods(["GET", "POST"])
def summary_edit(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Edit both versions; a save from a stale window is refused (409)."""
    found = permissions.get_clinical(request, _summaries(), uuid, write=True)
    if found.is_finalised:
        messages.error(
            request, "This summary is finalised, so it can no longer be edited."
        )
        return redirect("termination:summary", found.episode.uuid)
    form = SummaryForm(request.POST or None, summary=found)
    saved = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.save_summary(
                found,
                by=request.user,
                version=form.cleaned_data["version"],
                request=request,
                **form.sections(),
            )
        except services.Conflict as conflict:
            saved = conflict.current
            data = request.POST.copy()
            data["version"] = str(saved.version)
            form = SummaryForm(data, summary=saved)
            form.is_valid()
            form.add_error(None, conflict)
            status = 409
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Summary saved.")
            return redirect("termination:summary", found.episode.uuid)
    return render(
        request,
        "termination/summary_edit.html",
        {
            **_summary_context(found),
            "form": form,
            "saved": saved,
            "saved_rows": [
                *((h, t or "—") for _, h, _, t in saved.sections()),
                *(
                    (f"Client version: {h}", t or "—")
                    for _, h, _, t in saved.client_sections()
                ),
            ]
            if saved
            else [],
        },
        status=status,
    )


def _summary_action(
    request: AuthenticatedRequest, uuid: object, action: Any, done: str
) -> HttpResponse:
    found = permissions.get_clinical(request, _summaries(), uuid, write=True)
    try:
        action(found, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("termination:summary", found.episode.uuid)


@require_POST
def summary_refresh(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    return _summary_action(
        request,
        uuid,
        services.refresh_summary_facts,
        "The facts were updated from the record; your text is unchanged.",
    )


@require_POST
def summary_finalise(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    return _summary_action(
        request,
        uuid,
        services.finalise_summary,
        "Summary finalised. It can no longer be changed.",
    )


@require_POST
def summary_share(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    return _summary_action(
        request,
        uuid,
        services.share_summary,
        "The client version is now in the client's portal.",
    )


@require_GET
def summary_pdf(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    """The clinician's version, with letterhead and progress charts."""
    found = permissions.get_clinical(
        request, _summaries(), uuid, action="termination_summary.pdf"
    )
    context = {**_summary_context(found), "charts": selectors.summary_charts(found)}
    return _pdf(
        request,
        "termination/summary_pdf.html",
        context,
        f"termination-summary-{_day(found.created_at)}.pdf",
    )


@require_GET
def summary_client_pdf(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    """The client's plain-language version, to hand over or post."""
    found = permissions.get_clinical(
        request, _summaries(), uuid, action="termination_summary.client_pdf"
    )
    return _pdf(
        request,
        "termination/summary_client_pdf.html",
        _summary_context(found),
        f"my-therapy-summary-{_day(found.created_at)}.pdf",
    )


# -- relapse-prevention plan ----------------------------------------------------------


def _plan_context(
    client: Client, version: RelapsePreventionPlanVersion | None
) -> dict[str, Any]:
    return {
        "client": client,
        "practice": client.practice,
        "version": version,
        "sections": version.sections() if version else [],
        "skills": list(version.skills.all()) if version else [],
    }


@require_GET
def plan(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """The current plan and its earlier versions."""
    client = permissions.get_client(request, uuid)
    versions = list(
        RelapsePreventionPlanVersion.objects.filter(plan__client=client)
        .select_related("created_by", "plan")
        .order_by("-number")
    )
    current = versions[0] if versions else None
    record(
        request.user,
        "relapse_plan.view",
        current,
        request=request,
        client_uuid=client.uuid,
    )
    episode = client.current_episode()
    can_edit = permissions.is_primary_clinician(request.user, client)
    return render(
        request,
        "termination/plan.html",
        {
            **_plan_context(client, current),
            "earlier": versions[1:],
            "can_edit": can_edit
            and episode is not None
            and episode.phase in selectors.LATE_PHASES,
        },
    )


@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Write the plan with the client; saving adds a new version."""
    client = permissions.get_client(request, uuid, write=True)
    current = selectors.current_plan(client)
    form = RelapsePlanForm(
        request.POST or None,
        client=client,
        current=current,
        prefill=selectors.plan_prefill(client),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_relapse_plan(
                client,
                by=request.user,
                reason=data.get("reason", ""),
                skills=data["skills"],
                based_on=data["based_on"],
                request=request,
                **{name: data[name] for name in PLAN_FIELDS},
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                "Relapse-prevention plan saved. The client sees it in their portal.",
            )
            return redirect("termination:plan", client.uuid)
    return render(
        request,
        "termination/plan_edit.html",
        {"client": client, "current": current, "form": form},
    )


@require_GET
def plan_version(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """One version, read-only."""
    shown = permissions.get_clinical(
        request,
        RelapsePreventionPlanVersion.objects.select_related("created_by", "plan"),
        uuid,
    )
    return render(
        request,
        "termination/plan_version.html",
        {**_plan_context(shown.plan.client, shown), "is_current": shown.is_current()},
    )


@require_GET
def plan_pdf(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    client = permissions.get_client(request, uuid)
    current = selectors.current_plan(client)
    if current is None:
        raise Http404
    record(request.user, "relapse_plan.pdf", current, request=request)
    return _plan_pdf(request, client, current)


def _plan_pdf(
    request: AuthenticatedRequest, client: Client, version: RelapsePreventionPlanVersion
) -> HttpResponseBase:
    return _pdf(
        request,
        "termination/plan_pdf.html",
        _plan_context(client, version),
        version.pdf_name("relapse-prevention-plan"),
    )


# -- the client's own, in the portal ----------------------------------------------------


@require_GET
def mine_plan(request: AuthenticatedRequest) -> HttpResponse:
    """The client's relapse-prevention plan: a keepsake, open after care ends."""
    client = permissions.get_own_client(request, keepsake=True)
    current = selectors.current_plan(client)
    record(
        request.user,
        "relapse_plan.portal_view",
        current,
        request=request,
        client_uuid=client.uuid,
    )
    return render(
        request,
        "termination/mine_plan.html",
        {**_plan_context(client, current), "portal": True},
    )


@require_GET
def mine_plan_pdf(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    own = permissions.get_own(
        request,
        RelapsePreventionPlan.objects.select_related("client__practice"),
        uuid,
        action="relapse_plan.pdf",
        keepsake=True,
    )
    current = own.current_version()
    if current is None:
        raise Http404
    return _plan_pdf(request, own.client, current)


@require_GET
def mine_summary(request: AuthenticatedRequest) -> HttpResponse:
    """The plain-language summary the clinician shared, if any."""
    client = permissions.get_own_client(request)
    shared = selectors.shared_summary(client)
    record(
        request.user,
        "termination_summary.portal_view",
        shared,
        request=request,
        client_uuid=client.uuid,
    )
    return render(
        request,
        "termination/mine_summary.html",
        {
            "client": client,
            "practice": client.practice,
            "summary": shared,
            "portal": True,
        },
    )


@require_GET
def mine_summary_pdf(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    shared = permissions.get_own(
        request,
        _summaries().filter(shared_at__isnull=False),
        uuid,
        action="termination_summary.client_pdf",
    )
    return _pdf(
        request,
        "termination/summary_client_pdf.html",
        _summary_context(shared),
        f"my-therapy-summary-{_day(shared.created_at)}.pdf",
    )
