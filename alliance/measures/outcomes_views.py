"""The practice outcomes page and its CSV (NHS Talking Therapies,
aggregates only): who may see which rows is decided in
``alliance.permissions``; the numbers come from ``alliance.measures.outcomes``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from alliance import permissions
from alliance.accounts.models import User
from alliance.audit.services import record
from alliance.core.downloads import download_response
from alliance.measures import outcomes
from alliance.measures.forms import OutcomesFilterForm

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class OutcomesReport:
    user: User
    form: OutcomesFilterForm
    result: outcomes.PracticeOutcomes | None


def _outcomes_report(request: HttpRequest) -> OutcomesReport:
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
def outcomes_page(request: HttpRequest) -> HttpResponse:
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
def outcomes_csv(request: HttpRequest) -> HttpResponse:
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
    response = download_response(
        b"", f"{name}.csv", content_type="text/csv; charset=utf-8"
    )
    writer = csv.writer(response)
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
    return response
