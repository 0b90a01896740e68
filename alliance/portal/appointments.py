"""The client's sessions in the portal: upcoming and past appointments in the
client's own time zone, an "add to calendar" file per appointment, requests to
cancel or move one, and the join page of a video session.

Access as for every portal page (``permissions.get_own_client`` /
``get_own``): the signed-in client's own appointments only.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import lru_cache
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.audit.services import record
from alliance.clients.models import Client
from alliance.clients.services import set_client_time_zone
from alliance.core.downloads import download_response
from alliance.scheduling import ics, requests, video
from alliance.scheduling.models import Appointment, AppointmentRequest
from alliance.scheduling.selectors import portal_appointments


@lru_cache(maxsize=1)
def _zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        label="Show times in",
        required=False,
        help_text="Leave on the practice's time zone unless you live elsewhere.",
    )

    def __init__(self, *args: Any, practice_zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [  # type: ignore[attr-defined]  # a choice field
            ("", f"The practice's time zone ({practice_zone})"),
            *_zone_choices(),
        ]


class ChangeRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="What would you like?",
        choices=AppointmentRequest.Kind.choices,
        widget=forms.RadioSelect,
    )
    preferred_times = forms.CharField(
        label="Times that would suit you instead",
        required=False,
        max_length=requests.PREFERRED_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only if you would like to move it, for example: Tuesday or "
        "Thursday mornings next week.",
    )
    message = forms.CharField(
        label="A message for your clinician (optional)",
        required=False,
        max_length=requests.MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _own_appointments() -> Any:
    return Appointment.objects.select_related("client__practice", "clinician")


def _context(client: Client, **extra: Any) -> dict[str, Any]:
    return {"client": client, "practice": client.practice, "portal": True, **extra}


def _render(
    request: AuthenticatedRequest, template: str, client: Client, **extra: Any
) -> HttpResponse:
    # Templates show aware times in the active zone: make it the client's.
    with timezone.override(client.zone):
        return render(request, template, _context(client, **extra))


def _row(appointment: Appointment, client: Client, now: datetime) -> dict[str, Any]:
    zone = client.zone
    changes = list(appointment.change_requests.all())
    latest = max(changes, key=lambda c: c.requested_at) if changes else None
    return {
        "appointment": appointment,
        "starts": appointment.starts_at.astimezone(zone),
        "ends": appointment.ends_at.astimezone(zone),
        "is_video": appointment.modality == Appointment.Modality.VIDEO,
        "can_join": video.can_join(appointment, now),
        "join_opens": video.join_opens_at(appointment).astimezone(zone),
        "can_request": requests.may_request(appointment, now)
        and not (latest is not None and latest.is_pending),
        "late_now": requests.is_late(appointment, now),
        "latest_request": latest,
    }


@require_GET
def appointments(request: AuthenticatedRequest) -> HttpResponse:
    """Upcoming and past sessions, with times in the client's zone."""
    client = permissions.get_own_client(request)
    now = timezone.now()
    upcoming, past = portal_appointments(client, now)
    record(
        request.user,
        "portal.appointments_view",
        None,
        request=request,
        client_uuid=client.uuid,
        detail={"upcoming": len(upcoming), "past": len(past)},
    )
    return _render(
        request,
        "portal/appointments.html",
        client,
        upcoming=[_row(a, client, now) for a in upcoming],
        past=[
            {
                "appointment": a,
                "starts": a.starts_at.astimezone(client.zone),
                "ends": a.ends_at.astimezone(client.zone),
            }
            for a in past
        ],
        zone_name=str(client.zone),
        zone_form=TimeZoneForm(
            initial={"time_zone": client.time_zone},
            practice_zone=client.practice.time_zone,
        ),
        notice_hours=client.practice.cancel_notice_hours,
    )


@require_POST
def time_zone(request: AuthenticatedRequest) -> HttpResponse:
    """Choose the time zone appointment times are shown in."""
    client = permissions.get_own_client(request, write=True)
    form = TimeZoneForm(request.POST, practice_zone=client.practice.time_zone)
    if not form.is_valid():
        messages.error(request, "Choose a time zone from the list.")
        return redirect("portal:appointments")
    try:
        set_client_time_zone(
            client, form.cleaned_data["time_zone"], by=request.user, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Times are now shown in {client.zone}.")
    return redirect("portal:appointments")


@require_GET
def appointment_ics(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    """The appointment as a calendar file for the client's own calendar."""
    appointment = permissions.get_own(request, _own_appointments(), uuid)
    portal_url = settings.SITE_URL.rstrip("/") + reverse("portal:appointments")
    text = ics.client_calendar(appointment, now=timezone.now(), portal_url=portal_url)
    day = appointment.starts_at.astimezone(appointment.client.zone)
    return download_response(
        text, f"session-{day:%Y-%m-%d}.ics", content_type="text/calendar; charset=utf-8"
    )


@require_http_methods(["GET", "POST"])
def change_request(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Ask to cancel or move an appointment."""
    write = request.method == "POST"
    appointment = permissions.get_own(request, _own_appointments(), uuid, write=write)
    client = appointment.client
    now = timezone.now()
    form = ChangeRequestForm(request.POST or None)
    if write and form.is_valid():
        try:
            requests.request_change(
                appointment,
                by=request.user,
                now=now,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                "Your request has been sent. Your clinician will answer it here, "
                "and you will get an email when they do.",
            )
            return redirect("portal:appointments")
    zone = client.zone
    return _render(
        request,
        "portal/appointment_request.html",
        client,
        appointment=appointment,
        form=form,
        starts=appointment.starts_at.astimezone(zone),
        open=requests.may_request(appointment, now)
        and requests.pending_request(appointment) is None,
        late=requests.is_late(appointment, now),
        notice_hours=client.practice.cancel_notice_hours,
    )


@require_GET
def join(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Open the video session's room: only from ten minutes before the start
    until the end. At any other time the page says when it opens (or that the
    session is over) and gives no link."""
    appointment = permissions.get_own(request, _own_appointments(), uuid)
    now = timezone.now()
    if video.can_join(appointment, now):
        record(
            request.user,
            "appointment.join",
            appointment,
            request=request,
            client_uuid=appointment.client.uuid,
        )
        return redirect(video.join_url(appointment))
    zone = appointment.client.zone
    opens = video.join_opens_at(appointment)
    wait = opens - now
    return _render(
        request,
        "portal/appointment_join.html",
        appointment.client,
        appointment=appointment,
        is_video=appointment.modality == Appointment.Modality.VIDEO,
        opens=opens.astimezone(zone),
        starts=appointment.starts_at.astimezone(zone),
        over=now >= appointment.ends_at,
        not_booked=appointment.status != Appointment.Status.BOOKED,
        # A countdown only in the last hour; before that, the time says it.
        minutes_to_wait=int(wait.total_seconds() // 60) + 1
        if 0 < wait.total_seconds() <= 3600
        else 0,
    )
