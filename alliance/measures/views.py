"""Clinician pages for measures: assigning, history, answers, data entry,
corrections, and practice outcomes.

Data entry uses the item-by-item flow in ``alliance.measures.flow``; kiosk
mode lives in ``alliance.measures.kiosk_views``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
)

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.alerts.models import RiskAlert
from alliance.core.downloads import download_response
from alliance.measures import services
from alliance.measures.charts import (
    episode_chart,
    episode_chart_and_legend,
)
from alliance.measures.flow import (
    Flow,
    administrations,
    form_errors,
    instrument_or_404,
    render_review,
    run_item_step,
)
from alliance.measures.forms import CorrectionForm, ScheduleForm, StartForm
from alliance.measures.kiosk_views import enter_kiosk
from alliance.measures.models import Administration, ClinicalPrompt, MeasureSchedule
from alliance.measures.selectors import (
    HISTORY_PAGE,
    history_page,
    history_table,
    incomplete_administrations,
)

# --- assigning and giving measures -----------------------------------------------


@require_POST
def assign(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Assign a measure to the episode, once or on a schedule."""
    episode = permissions.get_episode(request, uuid, write=True)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"The measure was not assigned. {form_errors(form)}")
        return redirect("chart:section", episode.client.uuid, "measures")
    data = form.cleaned_data
    try:
        schedule = services.schedule_measure(
            episode,
            data["instrument"],
            when=data["when"],
            every_n_weeks=data["every_n_weeks"],
            share_with_client=data["share_with_client"],
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"{schedule.instrument_name} assigned: {schedule.describe_when().lower()}.",
        )
    return redirect("chart:section", episode.client.uuid, "measures")


@require_POST
def stop(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    schedule = permissions.get_clinical(
        request,
        MeasureSchedule.objects.select_related("episode__client"),
        uuid,
        write=True,
    )
    try:
        services.stop_schedule(schedule, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{schedule.instrument_name} stopped.")
    return redirect("chart:section", schedule.episode.client.uuid, "measures")


@require_POST
def start(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Give a measure now: the clinician enters answers, or hands over the device."""
    episode = permissions.get_episode(request, uuid, write=True)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Choose a measure to give. {form_errors(form)}")
        return redirect("chart:section", episode.client.uuid, "measures")
    mode = form.cleaned_data["mode"]
    try:
        administration = services.start_administration(
            episode,
            form.cleaned_data["instrument"],
            mode=mode,
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("chart:section", episode.client.uuid, "measures")
    if mode == Administration.Mode.KIOSK:
        enter_kiosk(request, administration)
        return redirect("measures:kiosk", administration.uuid)
    return redirect("measures:enter", administration.uuid)


# --- reading ------------------------------------------------------------------------


def history(
    request: AuthenticatedRequest, uuid: object, instrument: str
) -> HttpResponse:
    """Every score of one measure in the episode, with the change from the first."""
    episode = permissions.get_episode(request, uuid)
    measure = instrument_or_404(instrument)
    page = history_page(episode, measure, request.GET.get("page", 1))
    # Every current score, whichever page of the table is shown.
    svg, legend = episode_chart_and_legend(episode, measure, current=page.current)
    return render(
        request,
        "measures/history.html",
        {
            "episode": episode,
            "client": episode.client,
            "instrument": measure,
            "rows": history_table(page.rows),
            "page": page,
            "page_size": HISTORY_PAGE,
            "incomplete": incomplete_administrations(episode, measure),
            # Built from escaped text by alliance.measures.charts: safe to inline.
            "chart": mark_safe(svg),  # noqa: S308
            "legend": legend,
        },
    )


def chart(
    request: AuthenticatedRequest, uuid: object, instrument: str
) -> HttpResponseBase:
    """The same progress chart as an SVG file, for downloads and PDFs."""
    episode = permissions.get_episode(request, uuid)
    measure = instrument_or_404(instrument)
    return download_response(
        episode_chart(episode, measure),
        f"{measure.code}-{episode.opened_at:%Y%m%d}.svg",
        content_type="image/svg+xml; charset=utf-8",
        inline=True,
    )


def detail(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """One administration, answer by answer (decrypted, so the read is audited)."""
    administration = permissions.get_clinical(request, administrations(), uuid)
    instrument = instrument_or_404(
        administration.instrument, administration.instrument_version
    )
    answers = administration.answer_dict()
    rows = [
        (item, answers.get(item.key), item.label_for(answers.get(item.key)))
        for item in instrument.items
    ]
    correction = (
        administration.corrections.select_related("entered_by").first()
        if administration.is_submitted
        else None
    )
    alerts = RiskAlert.objects.filter(
        source_type=Administration._meta.label_lower, source_uuid=administration.uuid
    )
    can_edit = permissions.is_primary_clinician(request.user, administration.client)
    return render(
        request,
        "measures/administration_detail.html",
        {
            "administration": administration,
            "client": administration.client,
            "instrument": instrument,
            "rows": rows,
            "correction": correction,
            "alerts": alerts,
            "can_edit": can_edit,
        },
    )


@require_POST
def dismiss_prompt(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """The clinician has acted on a clinical prompt: it leaves the chart."""
    prompt = permissions.get_clinical(
        request,
        ClinicalPrompt.objects.select_related("client", "administration"),
        uuid,
        write=True,
    )
    try:
        services.dismiss_prompt(
            prompt, by=request.user, note=request.POST.get("note", ""), request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Prompt dismissed: {prompt.source}.")
    return redirect("chart:section", prompt.client.uuid, "measures")


# --- clinician data entry -----------------------------------------------------------


def _entry_flow(request: AuthenticatedRequest, administration: Administration) -> Flow:
    return Flow(
        page="measures/enter.html",
        step_url=reverse("measures:enter", args=[administration.uuid]),
        submit_url=reverse("measures:submit", args=[administration.uuid]),
        by=request.user,
        leave_url=administration.client.get_absolute_url(),
        context={"client": administration.client},
    )


@require_http_methods(["GET", "POST"])
def enter(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """The clinician types in the answers, one item per screen."""
    administration = permissions.get_clinical(
        request,
        administrations(),
        uuid,
        write=True,
        action="administration.view" if request.method == "GET" else None,
    )
    if not administration.is_draft:
        return redirect(administration)
    if administration.mode == Administration.Mode.PORTAL:
        messages.error(
            request,
            "The client is answering this in the portal; it is theirs to finish.",
        )
        return redirect(administration)
    return run_item_step(request, administration, _entry_flow(request, administration))


@require_POST
def submit(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    administration = permissions.get_clinical(
        request, administrations(), uuid, write=True
    )
    if not administration.is_draft:
        return redirect(administration)
    try:
        administration = services.submit_administration(
            administration, by=request.user, request=request
        )
    except ValidationError as exc:
        return render_review(
            request, administration, _entry_flow(request, administration), exc.messages
        )
    done = f"{administration.instrument_name} submitted and scored."
    if administration.risk:
        done += " A risk answer raised a risk alert."
    messages.success(request, done)
    return redirect(administration)


@require_http_methods(["GET", "POST"])
def correct(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Correct submitted answers: a new administration replaces this one."""
    original = permissions.get_clinical(
        request,
        administrations(),
        uuid,
        write=True,
        action="administration.view" if request.method == "GET" else None,
    )
    if not original.is_submitted:
        return redirect(original)
    instrument = instrument_or_404(original.instrument)
    form = CorrectionForm(
        request.POST or None, instrument=instrument, original=original
    )
    if request.method == "POST" and form.is_valid():
        try:
            correction = services.correct_administration(
                original,
                form.answers(),
                by=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Correction saved; the original is kept.")
            return redirect(correction)
    return render(
        request,
        "measures/correct.html",
        {
            "administration": original,
            "client": original.client,
            "instrument": instrument,
            "form": form,
        },
    )
