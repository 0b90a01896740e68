"""Recording the client's employment status at the start and the end of an
episode (kept apart from views.py, which other work is reorganising)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.measures import services
from alliance.measures.models import EmploymentStatus


@require_POST
def record_employment(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    episode = permissions.get_episode(request, uuid, write=True)
    try:
        row = services.record_employment(
            episode,
            stage=request.POST.get("stage", ""),
            status=request.POST.get("status", ""),
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        messages.error(
            request, f"The employment status was not saved. {' '.join(exc.messages)}"
        )
    else:
        stage = EmploymentStatus.Stage(row.stage).label.lower()
        messages.success(
            request, f"Employment status {stage}: {row.get_status_display().lower()}."
        )
    return redirect("chart:section", episode.client.uuid, "measures")
