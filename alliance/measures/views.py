"""Clinician pages for measures: assigning, history, answers, data entry,
corrections, and practice outcomes.

Data entry uses the item-by-item flow in ``alliance.measures.flow``; kiosk
mode lives in ``alliance.measures.kiosk_views``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.accounts.models import User
from alliance.alerts.models import RiskAlert
from alliance.audit.services import record
from alliance.core.downloads import download_response
from alliance.core.widgets import DateInput
from alliance.measures import outcomes, services
from alliance.measures.charts import chart_legend, episode_chart
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
from alliance.measures.selectors import incomplete_administrations, measure_history

# --- assigning and giving measures -----------------------------------------------


@require_POST
def assign(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Assign a measure to the episode, once or on a schedule."""
    episode = permissions.get_episode(request, uuid, write=True)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"The measure was not assigned. {form_errors(form)}")
        return redirect(episode.client)
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
    return redirect(episode.client)


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
    return redirect(schedule.episode.client)


@require_POST
def start(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Give a measure now: the clinician enters answers, or hands over the device."""
    episode = permissions.get_episode(request, uuid, write=True)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Choose a measure to give. {form_errors(form)}")
        return redirect(episode.client)
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
        return redirect(episode.client)
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
    rows = measure_history(episode, measure)
    return render(
        request,
        "measures/history.html",
        {
            "episode": episode,
            "client": episode.client,
            "instrument": measure,
            "rows": rows,
            "incomplete": incomplete_administrations(episode, measure),
            # Built from escaped text by alliance.measures.charts: safe to inline.
            "chart": mark_safe(episode_chart(episode, measure, rows)),  # noqa: S308
            "legend": chart_legend(measure, has_scores=bool(rows)),
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
    return redirect(prompt.client)


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


# --- practice outcomes (NHS Talking Therapies, aggregates only) -------------------

OUTCOME_YEARS = (2000, 2100)
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class OutcomesFilterForm(forms.Form):
    since = forms.DateField(
        label="From",
        required=False,
        widget=DateInput(),
        help_text="Leave both dates empty for all time.",
    )
    until = forms.DateField(label="To", required=False, widget=DateInput())
    clinician = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "Choose a clinician from the list."},
    )

    def __init__(self, data: Any, *, clinicians: list[User] | None) -> None:
        super().__init__(data)
        if clinicians is None:
            del self.fields["clinician"]
            self.clinicians: dict[str, User] = {}
        else:
            self.clinicians = {str(c.uuid): c for c in clinicians}
            self.fields["clinician"].choices = [  # type: ignore[attr-defined]  # a choice field
                ("", "Every clinician"),
                *((key, c.full_name) for key, c in self.clinicians.items()),
            ]

    def clean_clinician(self) -> User | None:
        return self.clinicians.get(self.cleaned_data.get("clinician") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = OUTCOME_YEARS
        for name in ("since", "until"):
            day = data.get(name)
            if day and not first <= day.year <= last:
                self.add_error(name, f"Choose a date between {first} and {last}.")
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end of the period is before its start.")
        return data

    def filters(self) -> dict[str, str]:
        """The cleaned filter as text: ISO dates and the clinician's UUID."""
        data = self.cleaned_data
        clinician = data.get("clinician")
        return {
            "since": data["since"].isoformat() if data.get("since") else "",
            "until": data["until"].isoformat() if data.get("until") else "",
            "clinician": str(clinician.uuid) if clinician else "",
        }

    def query(self) -> str:
        """The cleaned filter as a query string, for the CSV link."""
        return urlencode({k: v for k, v in self.filters().items() if v})


@dataclass
class OutcomesReport:
    user: User
    form: OutcomesFilterForm
    result: outcomes.PracticeOutcomes | None


def _outcomes_report(request: AuthenticatedRequest) -> OutcomesReport:
    """Who asks, their filter, and the aggregates they may see (no result
    when the filter is refused): the practice admin every clinician, or the
    one chosen; a clinician their own row; a supervisor theirs and their
    supervisees'. Everyone sees the whole practice's row."""
    user = permissions.require_staff(request)
    if user.practice is None:
        raise PermissionDenied
    form = OutcomesFilterForm(
        request.GET, clinicians=permissions.outcomes_choices(user)
    )
    if not form.is_valid():
        return OutcomesReport(user, form, None)
    data = form.cleaned_data
    since, until = outcomes.period_bounds(user.practice, data["since"], data["until"])
    scope = permissions.outcomes_scope(user, data.get("clinician"))
    result = outcomes.practice_outcomes(
        user.practice, clinician=scope, since=since, until=until
    )
    return OutcomesReport(user, form, result)


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _period_label(since: date | None, until: date | None) -> str:
    if since and until:
        return f"from {_day(since)} to {_day(until)}"
    if since:
        return f"from {_day(since)}"
    if until:
        return f"up to {_day(until)}"
    return "for all time"


@require_GET
def outcomes_page(request: AuthenticatedRequest) -> HttpResponse:
    """Recovery, reliable improvement, reliable recovery and deterioration
    rates per clinician and for the practice, with their denominators."""
    report = _outcomes_report(request)
    context: dict[str, Any] = {
        "form": report.form,
        "result": report.result,
        "is_admin": report.user.is_practice_admin,
    }
    if report.result is not None:
        result = report.result
        data = report.form.cleaned_data
        context.update(
            period=_period_label(data["since"], data["until"]),
            csv_url=f"{reverse('measures:outcomes_csv')}?{report.form.query()}",
            unstable=any(row.unstable for row in [*result.rows, result.overall]),
        )
        record(
            report.user,
            "outcomes.view",
            request=request,
            detail=report.form.filters(),
        )
    template = "measures/outcomes.html"
    return render(
        request, f"{template}#outcomes-body" if request.htmx else template, context
    )


def _csv_cell(value: Any) -> Any:
    """The value, with text a spreadsheet would run as a formula made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return f"'{value}"
    return value


def _csv_rate(rate: outcomes.Rate) -> list[Any]:
    percent = "" if rate.percent is None else f"{rate.percent:.1f}"
    return [rate.count, rate.denominator, percent]


OUTCOMES_CSV_HEADER = [
    "Clinician",
    "Period from",
    "Period to",
    "Episodes with paired scores",
    "Finished courses (2 or more sessions)",
    "Not finished (fewer than 2 sessions)",
    "At caseness at the start",
    "Not at caseness at the start",
    "Recovered",
    "Recovery denominator (finished, at caseness)",
    "Recovery rate %",
    "Reliable improvement",
    "Reliable improvement denominator (finished)",
    "Reliable improvement rate %",
    "Reliable recovery",
    "Reliable recovery denominator (finished, at caseness)",
    "Reliable recovery rate %",
    "Reliable deterioration",
    "Reliable deterioration denominator (finished)",
    "Reliable deterioration rate %",
    "A denominator below 10 (unstable)",
]


@require_GET
def outcomes_csv(request: AuthenticatedRequest) -> HttpResponseBase:
    """The outcomes table as CSV, with the same rows and filter as the page."""
    report = _outcomes_report(request)
    if report.result is None:
        # The page says what is wrong with the filter.
        return redirect(f"{reverse('measures:outcomes')}?{request.GET.urlencode()}")
    result = report.result
    detail = report.form.filters()
    record(report.user, "outcomes.export", request=request, detail=detail)
    name = "alliance-outcomes"
    if detail["since"]:
        name += f"-from-{detail['since']}"
    if detail["until"]:
        name += f"-to-{detail['until']}"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(OUTCOMES_CSV_HEADER)
    for row in [*result.rows, result.overall]:
        cells = [
            row.label,
            detail["since"],
            detail["until"],
            row.paired,
            row.finished,
            row.not_finished,
            row.at_caseness,
            row.not_at_caseness,
            *_csv_rate(row.recovery),
            *_csv_rate(row.reliable_improvement),
            *_csv_rate(row.reliable_recovery),
            *_csv_rate(row.reliable_deterioration),
            "yes" if row.unstable else "",
        ]
        writer.writerow([_csv_cell(cell) for cell in cells])
    return download_response(
        buffer.getvalue(), f"{name}.csv", content_type="text/csv; charset=utf-8"
    )
