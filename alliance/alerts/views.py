from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.alerts import selectors
from alliance.alerts.forms import DutyReasonForm

QUEUE_PAGE_SIZE = 50


@require_http_methods(["GET"])
def queue(request: AuthenticatedRequest) -> HttpResponse:
    """The practice risk queue: every open alert, most urgent first."""
    user, clinical = permissions.require_alert_queue(request)
    page = Paginator(selectors.queue(user.practice_id), QUEUE_PAGE_SIZE).get_page(  # type: ignore[arg-type]  # staff always belong to a practice
        request.GET.get("page")
    )
    alerts = list(page.object_list)
    readable = permissions.readable_alert_ids(user, alerts) if clinical else set()
    rows = [(alert, alert.pk in readable) for alert in alerts]
    return render(
        request,
        "alerts/queue.html",
        {"page": page, "rows": rows, "clinical": clinical},
    )


@require_http_methods(["GET", "POST"])
def duty_open(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Open an alert outside one's caseload from the queue, with a reason."""
    form = DutyReasonForm(request.POST or None)
    reason = None
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
    try:
        alert, grant = permissions.get_alert_for_duty(request, uuid, reason=reason)
    except ValidationError as exc:
        form.add_error("reason", exc)
        alert, grant = permissions.get_alert_for_duty(request, uuid)
    if grant is not None or permissions.is_primary_clinician(
        request.user, alert.client
    ):
        return redirect(alert)
    return render(request, "alerts/duty_open.html", {"alert": alert, "form": form})
