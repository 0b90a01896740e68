"""The practice outcomes page and its CSV (NHS Talking Therapies,
aggregates only): who may see which rows is decided in
``alliance.permissions``; the numbers come from ``alliance.measures.outcomes``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.accounts.models import User
from alliance.audit.services import record
from alliance.clients.models import Episode
from alliance.core.downloads import csv_cell as _csv_cell
from alliance.core.downloads import download_response
from alliance.measures import outcomes, service_figures
from alliance.measures.adsm import ADSM_COLUMNS, adsm_fields, episode_outcomes
from alliance.measures.employment import episode_work, work_fields
from alliance.measures.forms import OutcomesFilterForm
from alliance.measures.outcome_sections import outcome_sections


@dataclass
class OutcomesReport:
    user: User
    form: OutcomesFilterForm
    result: outcomes.PracticeOutcomes | None
    # Whose episodes the service figures cover (None: the whole practice),
    # and the period as aware datetimes.
    scope: Any = None
    since: datetime | None = None
    until: datetime | None = None

    def records(self) -> list[service_figures.EpisodeRecord]:
        return service_figures.episode_records(
            self.user.practice,  # type: ignore[arg-type]
            clinician=self.scope,
            since=self.since,
            until=self.until,
        )


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
    return OutcomesReport(user, form, result, scope, since, until)


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
        records = report.records()
        context.update(
            period=_period_label(data["since"], data["until"]),
            csv_url=f"{reverse('measures:outcomes_csv')}?{report.form.query()}",
            episodes_csv_url=(
                f"{reverse('measures:outcomes_episodes_csv')}?{report.form.query()}"
            ),
            unstable=any(row.unstable for row in [*result.rows, result.overall]),
            waits=service_figures.waits(records),
            attendance=service_figures.attendance(
                report.user.practice,  # type: ignore[arg-type]
                clinician=report.scope,
                since=report.since,
                until=report.until,
            ),
            sustained=service_figures.sustained_recovery(records),
            late_hours=report.user.practice.cancel_notice_hours,  # type: ignore[union-attr]
            scope_label=(
                "the whole practice"
                if report.scope is None
                else "the clinicians in the table"
            ),
        )
        # The paired anxiety measure, WSAS and work, US quality measures.
        context.update(
            outcome_sections(
                report.user.practice,  # type: ignore[arg-type]
                since=report.since,
                until=report.until,
                start_day=data["since"],
                end_day=data["until"],
            )
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


def _csv_rate(rate: outcomes.Rate) -> list[Any]:
    percent = "" if rate.percent is None else f"{rate.percent:.1f}"
    return [rate.count, rate.denominator, percent]


OUTCOMES_CSV_HEADER = [
    "Clinician",
    "Period from",
    "Period to",
    "Ended referrals",
    "Finished courses (ended, 2 or more treatment sessions)",
    "Episodes with paired scores",
    "Finished courses with paired scores",
    "Paired scores but fewer than 2 treatment sessions",
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
    "No reliable change",
    "No reliable change denominator (finished)",
    "No reliable change rate %",
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
    for row in [*result.rows, result.overall, result.open]:
        cells = [
            row.label,
            detail["since"],
            detail["until"],
            row.ended,
            row.courses,
            row.paired,
            row.finished,
            row.not_finished,
            row.at_caseness,
            row.not_at_caseness,
            *_csv_rate(row.recovery),
            *_csv_rate(row.reliable_improvement),
            *_csv_rate(row.reliable_recovery),
            *_csv_rate(row.reliable_deterioration),
            *_csv_rate(row.no_reliable_change_rate),
            "yes" if row.unstable else "",
        ]
        writer.writerow([_csv_cell(cell) for cell in cells])
    return download_response(
        buffer.getvalue(), f"{name}.csv", content_type="text/csv; charset=utf-8"
    )


EPISODES_CSV_HEADER = [
    "Episode (pseudonymous id)",
    "Status",
    "Referral date",
    "Assessment date",
    "First treatment date",
    "Treatment end date",
    "End reason",
    "Treatment sessions held",
    "Did not attend",
    "Cancelled",
    "Finished course (ended, 2 or more treatment sessions)",
    "Days referral to assessment",
    "Days referral to first treatment",
    "PHQ-9 first",
    "PHQ-9 last in treatment",
    "GAD-7 first",
    "GAD-7 last in treatment",
    "At caseness at the start",
    "At caseness at the end",
    "Recovered",
    "Reliable change",
    "Reliable recovery",
]


def _date(moment: datetime | None, zone: Any) -> str:
    return "" if moment is None else moment.astimezone(zone).date().isoformat()


def _flag(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _change(flags: dict[str, Any]) -> str:
    if not flags.get("eligible"):
        return ""
    if flags["reliable_improvement"]:
        return "reliable improvement"
    if flags["reliable_deterioration"]:
        return "reliable deterioration"
    return "no reliable change"


def _score(pair: tuple[float, float] | None, index: int) -> Any:
    if pair is None:
        return ""
    value = pair[index]
    return int(value) if float(value).is_integer() else value


@require_GET
def outcomes_episodes_csv(request: AuthenticatedRequest) -> HttpResponseBase:
    """One row per episode (ended in the period, then those still open) for a
    dataset return: pseudonymous ids, dates, counts and outcome categories,
    no names. Only the episodes of the clinicians in the user's scope."""
    report = _outcomes_report(request)
    if report.result is None:
        return redirect(f"{reverse('measures:outcomes')}?{request.GET.urlencode()}")
    zone = report.user.practice.zone  # type: ignore[union-attr]
    records = report.records()
    detail = {**report.form.filters(), "episodes": len(records)}
    record(report.user, "outcomes.export_episodes", request=request, detail=detail)
    name = "alliance-outcome-episodes"
    if detail["since"]:
        name += f"-from-{detail['since']}"
    if detail["until"]:
        name += f"-to-{detail['until']}"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # The paired anxiety measure and work columns (measures/adsm.py,
    # measures/employment.py), a fixed number of queries for all rows.
    episodes = Episode.objects.filter(pk__in=[r.episode_id for r in records])
    paired = {o.episode_id: adsm_fields(o) for o in episode_outcomes(episodes)}
    work = episode_work(episodes)
    extra_header = [*ADSM_COLUMNS, *work_fields(None)]
    writer.writerow([*EPISODES_CSV_HEADER, *extra_header])
    for r in records:
        extra = {**paired.get(r.episode_id, {}), **work_fields(work.get(r.episode_id))}
        scores = r.outcome
        flags = scores.outcome if scores is not None else {}
        writer.writerow(
            [
                r.pseudonym,
                "ended" if r.ended_at else "open",
                _date(r.referred_at, zone),
                _date(r.assessed_at, zone),
                _date(r.first_treatment_at, zone),
                _date(r.ended_at, zone),
                r.end_reason,
                r.sessions,
                r.did_not_attend,
                r.cancelled,
                "yes" if r.finished_course else "no",
                _blank(r.days_to(r.assessed_at)),
                _blank(r.days_to(r.first_treatment_at)),
                _score(scores.phq9 if scores else None, 0),
                _score(scores.phq9 if scores else None, 1),
                _score(scores.gad7 if scores else None, 0),
                _score(scores.gad7 if scores else None, 1),
                _flag(flags.get("caseness_at_start")),
                _flag(flags.get("caseness_at_end")),
                _flag(flags.get("recovery")),
                _change(flags),
                _flag(flags.get("reliable_recovery")),
                *(extra.get(column, "") for column in extra_header),
            ]
        )
    return download_response(
        buffer.getvalue(), f"{name}.csv", content_type="text/csv; charset=utf-8"
    )


def _blank(value: Any) -> Any:
    return "" if value is None else value
