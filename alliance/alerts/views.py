from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from alliance import permissions
from alliance.alerts import selectors
from alliance.alerts.forms import AcknowledgeForm, DutyReasonForm
from alliance.alerts.services import acknowledge_alert
from alliance.safety.selectors import current_safety_plan

QUEUE_PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, uuid: object) -> HttpResponse:
    """Review a risk alert; the primary clinician acknowledges it with the action
    taken, or the colleague covering them while they are away, or a clinician
    with duty access."""
    writing = request.method == "POST"
    alert = permissions.get_alert(request, uuid, write=writing)
    form = AcknowledgeForm(request.POST or None)
    if writing and form.is_valid():
        try:
            acknowledge_alert(
                alert,
                by=request.user,
                action_taken=form.cleaned_data["action_taken"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Alert acknowledged; the action is recorded.")
            if permissions.holds_client(request.user, alert.client):
                return redirect(alert.client)
            if permissions.covers_client(request.user, alert.client):
                return redirect("home:index")
            return redirect("alerts:queue")
    holds = permissions.holds_client(request.user, alert.client)
    covering = not holds and permissions.covers_client(request.user, alert.client)
    return render(
        request,
        "alerts/alert_detail.html",
        {
            "alert": alert,
            "form": form,
            "safety": current_safety_plan(alert.client) if holds or covering else None,
            "holds_client": holds,
            "covering": covering,
            "may_acknowledge": permissions.may_acknowledge_alert(request.user, alert),
            "notes": selectors.notifications(alert),
        },
    )


@require_http_methods(["GET"])
def queue(request: HttpRequest) -> HttpResponse:
    """The practice risk queue: every open alert, most urgent first."""
    user, clinical = permissions.require_alert_queue(request)
    page = Paginator(selectors.queue(user.practice_id), QUEUE_PAGE_SIZE).get_page(
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
def duty_open(request: HttpRequest, uuid: object) -> HttpResponse:
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
