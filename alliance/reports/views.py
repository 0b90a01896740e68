"""The practice reports: an index, and for each report a page with a period
filter and its CSV. Whose figures are counted is
``permissions.report_scope``; the counting is in ``reports.selectors``.
Reading a report and downloading it are audited (``report.view``,
``report.export``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.accounts.models import Practice, User
from alliance.audit.services import record
from alliance.core.downloads import csv_response
from alliance.core.replica import reading_from_replica
from alliance.reports import selectors
from alliance.reports.forms import ReportFilterForm


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    summary: str
    count: Callable[..., selectors.Table]
    by_period: bool = False


REPORTS = {
    r.slug: r
    for r in (
        Report(
            "caseload",
            "Caseload by phase",
            "Open episodes in each phase of care per clinician, as they stood "
            "at the end of the period, and the episodes opened in it.",
            selectors.caseload,
        ),
        Report(
            "attendance",
            "Attendance",
            "Appointments held, cancelled with notice, cancelled late and not "
            "attended, by month or week and clinician.",
            selectors.attendance,
            by_period=True,
        ),
        Report(
            "waits",
            "Waiting times",
            "Days from referral to assessment and to the first treatment "
            "session, over the courses of treatment finished in the period.",
            selectors.waiting_times,
        ),
        Report(
            "discharges",
            "Discharges by reason",
            "Episodes closed in the period, by the reason recorded and clinician.",
            selectors.discharges,
        ),
    )
}


def _scope(request: AuthenticatedRequest) -> tuple[User, Practice, list[User]]:
    user = permissions.require_staff(request)
    if user.practice is None:
        raise PermissionDenied
    return user, user.practice, permissions.report_scope(user)


@require_GET
def index(request: AuthenticatedRequest) -> HttpResponse:
    user, _, _ = _scope(request)
    return render(
        request,
        "reports/index.html",
        {"reports": REPORTS.values(), "is_admin": user.is_practice_admin},
    )


def _count(
    request: AuthenticatedRequest, report: Report
) -> tuple[User, ReportFilterForm, selectors.Table | None, selectors.Period | None]:
    """The filter as given and, when it is valid, the report's table for the
    clinicians the user may count (or the one chosen among them)."""
    user, practice, scope = _scope(request)
    form = ReportFilterForm(
        request.GET,
        clinicians=scope if len(scope) > 1 else None,
        by_period=report.by_period,
    )
    if not form.is_valid():
        return user, form, None, None
    data = form.cleaned_data
    period = selectors.Period.of(practice, data["since"], data["until"])
    chosen = data.get("clinician")
    clinicians = [chosen] if chosen is not None else scope
    extra: dict[str, Any] = {"by": data["by"]} if report.by_period else {}
    # A report describes a period: it may lag the primary by the
    # replication delay (alliance.core.replica).
    with reading_from_replica():
        table = report.count(practice, clinicians, period, **extra)
    return user, form, table, period


def _report(slug: str) -> Report:
    return REPORTS[slug]


@require_GET
def report_page(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    report = _report(slug)
    user, form, table, period = _count(request, report)
    context: dict[str, Any] = {
        "report": report,
        "form": form,
        "table": table,
        "is_admin": user.is_practice_admin,
    }
    if table is not None and period is not None:
        context.update(
            period=period.label,
            csv_url=f"{reverse(f'reports:{slug}_csv')}?{form.query()}",
            late_hours=user.practice.cancel_notice_hours,  # type: ignore[union-attr]  # _scope refused a user without one
        )
        record(
            user,
            "report.view",
            request=request,
            detail={"report": slug, **form.filters()},
        )
    return render(request, "reports/report.html", context)


@require_GET
def report_csv(request: AuthenticatedRequest, slug: str) -> HttpResponseBase:
    """The page's table as CSV: the same rows, the same filter."""
    report = _report(slug)
    user, form, table, _ = _count(request, report)
    if table is None:
        # The page says what is wrong with the filter.
        return redirect(f"{reverse(f'reports:{slug}')}?{request.GET.urlencode()}")
    detail = {"report": slug, **form.filters()}
    record(user, "report.export", request=request, detail=detail)
    name = f"alliance-{slug}"
    if detail["since"]:
        name += f"-from-{detail['since']}"
    if detail["until"]:
        name += f"-to-{detail['until']}"
    return csv_response(table.columns, table.csv_rows(), f"{name}.csv")
