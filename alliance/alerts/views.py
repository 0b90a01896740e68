from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from alliance import permissions
from alliance.alerts.forms import AcknowledgeForm
from alliance.alerts.models import RiskAlert
from alliance.alerts.services import acknowledge_alert
from alliance.safety.selectors import current_safety_plan


@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, uuid: object) -> HttpResponse:
    """Review a risk alert; the primary clinician acknowledges it with the action
    taken, or the colleague covering them while they are away."""
    writing = request.method == "POST"
    alert = permissions.get_clinical(
        request, RiskAlert.objects.all(), uuid, write=writing, cover=True
    )
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
            return redirect(alert.client)
    return render(
        request,
        "alerts/alert_detail.html",
        {
            "alert": alert,
            "form": form,
            "safety": current_safety_plan(alert.client),
            "covering": permissions.covers_client(request.user, alert.client)
            and not permissions.holds_client(request.user, alert.client),
        },
    )
