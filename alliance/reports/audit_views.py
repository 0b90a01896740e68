"""The practice admin's read-only audit log page and its CSV (``audit:log``,
``audit:log_csv``). Filters by person, action, client and period; shows the
client's name where the admin may know it; pages of 50. Reading the log and
exporting it are themselves audited (``audit.view``, ``audit.export``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.accounts.models import User
from alliance.audit.models import AuditEvent, AuditEventQuerySet
from alliance.audit.services import last_verification, record
from alliance.core.downloads import csv_response
from alliance.reports import audit_log
from alliance.reports.forms import AuditFilterForm

PAGE_SIZE = 50


def _filtered(
    request: AuthenticatedRequest,
) -> tuple[User, AuditFilterForm, AuditEventQuerySet | None]:
    admin = permissions.require_practice_admin(request)
    practice = admin.practice
    if practice is None:
        raise PermissionDenied
    staff = list(
        get_user_model()
        .objects.filter(practice=practice)
        .exclude(role=User.Role.CLIENT)
        .order_by("full_name", "pk")
    )
    form = AuditFilterForm(request.GET, staff=staff)
    if not form.is_valid():
        return admin, form, None
    data = form.cleaned_data
    found = audit_log.events(
        practice,
        actor=data["actor"],
        action=data["action"],
        client=data["client"],
        outcome=data["outcome"],
        since=data["since"],
        until=data["until"],
        known_clients=permissions.clients_known_by_name(admin),
    )
    return admin, form, found


@require_GET
def log(request: AuthenticatedRequest) -> HttpResponse:
    """The practice's audit log, newest first, 50 a page."""
    admin, form, found = _filtered(request)
    context: dict[str, object] = {
        "form": form,
        "verification": last_verification(),
    }
    if found is not None:
        page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
        events = list(page)
        names = permissions.client_names(
            admin, {e.client_uuid for e in events if e.client_uuid}
        )
        context.update(
            page=page,
            rows=audit_log.rows(events, names),
            csv_url=f"{reverse('audit:log_csv')}?{form.query()}",
        )
        record(
            admin,
            "audit.view",
            request=request,
            detail={**form.filters(), "page": page.number},
        )
    return render(request, "reports/audit_log.html", context)


@require_GET
def log_csv(request: AuthenticatedRequest) -> HttpResponseBase:
    """Every event the filter matches, as CSV, with client names where the
    admin may know them. The export is audited after the rows are read, so
    it is the first event after them, not in the file."""
    admin, form, found = _filtered(request)
    if found is None:
        return redirect(f"{reverse('audit:log')}?{request.GET.urlencode()}")
    names = permissions.client_names(
        admin, found.filter(client_uuid__isnull=False).values("client_uuid")
    )
    read = 0

    def counted() -> Iterator[AuditEvent]:
        nonlocal read
        for event in found.iterator(chunk_size=2000):
            read += 1
            yield event

    response = csv_response(
        audit_log.CSV_HEADER, audit_log.csv_rows(counted(), names), _filename(form)
    )
    record(
        admin,
        "audit.export",
        request=request,
        detail={**form.filters(), "events": read},
    )
    return response


def _filename(form: AuditFilterForm) -> str:
    filters = form.filters()
    name = "alliance-audit-log"
    if filters["since"]:
        name += f"-from-{filters['since']}"
    if filters["until"]:
        name += f"-to-{filters['until']}"
    if not (filters["since"] or filters["until"]):
        name += f"-{timezone.now().astimezone(UTC):%Y-%m-%d}"
    return f"{name}.csv"
