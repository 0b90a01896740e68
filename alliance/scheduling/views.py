"""Calendar pages, booking and changing appointments, and the calendar feed.

Every page runs in the practice's time zone (``in_practice_zone``): forms read
typed times there and templates show times there. Access: a clinician manages
their own calendar, a supervisor also reads supervisees' calendars, the
practice admin manages every clinician's calendar; clients get 403.
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.accounts.models import User, zone_of
from alliance.audit.models import AuditEvent
from alliance.audit.services import record
from alliance.core.downloads import download_response
from alliance.core.tokens import hash_token
from alliance.core.versioning import Conflict, conflict_page, rebind
from alliance.scheduling import ics, recurrence, requests, services, video
from alliance.scheduling.dates import day_bounds, describe_slot, week_start
from alliance.scheduling.forms import (
    BookAppointmentForm,
    ChangeFollowingForm,
    RescheduleForm,
    SeriesForm,
    StatusForm,
)
from alliance.scheduling.models import Appointment, AppointmentRequest

FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=180)
Status = Appointment.Status


def in_practice_zone(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run the view with the user's practice time zone active."""

    @wraps(view)
    def wrapper(
        request: AuthenticatedRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        user = request.user
        practice = user.practice if user.is_authenticated else None
        with timezone.override(zone_of(practice)):
            return view(request, *args, **kwargs)

    return wrapper


@dataclass
class Calendar:
    """Whose calendar a request looks at, and what the user may do there."""

    user: User
    owner: User | None
    choices: list[User]
    can_write: bool

    def url(self, name: str, day: date | None = None, **params: str) -> str:
        path = reverse(f"scheduling:{name}", args=[day] if day else None)
        if self.owner is not None and self.owner.pk != self.user.pk:
            params = {"clinician": str(self.owner.uuid), **params}
        return f"{path}?{urlencode(params)}" if params else path


def _calendar(request: AuthenticatedRequest) -> Calendar:
    """Resolve ``?clinician=<uuid>`` to a calendar the user may read, or 404."""
    user = permissions.require_staff(request)
    choices = permissions.visible_clinicians(user)
    wanted = request.GET.get("clinician", "").strip()
    if wanted:
        try:
            wanted_uuid = uuid_lib.UUID(wanted)
        except ValueError:
            raise Http404 from None
        owner = next((c for c in choices if c.uuid == wanted_uuid), None)
        if owner is None:
            record(
                user,
                "calendar.view",
                None,
                request=request,
                outcome=AuditEvent.Outcome.DENIED,
                detail={"status": 404, "clinician": str(wanted_uuid)},
            )
            raise Http404
    elif user.is_clinical:
        owner = user
    else:
        owner = choices[0] if choices else None
    can_write = permissions.may_manage_calendar(user, owner)
    return Calendar(user=user, owner=owner, choices=choices, can_write=can_write)


def _appointments(
    request: AuthenticatedRequest, cal: Calendar, first: date, days: int
) -> list[Appointment]:
    """The owner's appointments starting on these local days, audited as read."""
    if cal.owner is None:
        return []
    start, end = day_bounds(first, timezone.get_current_timezone(), days)
    rows = list(
        Appointment.objects.for_clinician(cal.owner)
        .starting_between(start, end)
        .select_related("client")
        .order_by("starts_at")
    )
    record(
        cal.user,
        "calendar.view",
        cal.owner,
        request=request,
        detail={"from": first.isoformat(), "days": days, "count": len(rows)},
    )
    return rows


def _context(cal: Calendar, view: str, first: date, step: int) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "calendar": cal,
        "owner": cal.owner,
        "choices": cal.choices if len(cal.choices) > 1 else [],
        "can_write": cal.can_write,
        "view": view,
        "today": today,
        "prev_url": cal.url(view, first - timedelta(days=step)),
        "next_url": cal.url(view, first + timedelta(days=step)),
        "today_url": cal.url(view, today),
        "day_url": cal.url("day", first),
        "week_url": cal.url("week", first),
        "new_url": cal.url("create", date=first.isoformat()),
    }


@require_GET
@in_practice_zone
def day(request: AuthenticatedRequest, day: date | None = None) -> HttpResponse:
    cal = _calendar(request)
    if day is None and (jump := request.GET.get("date")):
        # The "go to date" form on the calendar pages.
        try:
            target = date.fromisoformat(jump)
        except ValueError:
            messages.error(request, "Enter the date as year-month-day.")
        else:
            view = "week" if request.GET.get("view") == "week" else "day"
            return redirect(cal.url(view, target))
    day = day or timezone.localdate()
    rows = _appointments(request, cal, day, 1)
    context = _context(cal, "day", day, 1)
    context.update({"day": day, "appointments": rows})
    return render(request, "scheduling/day.html", context)


@require_GET
@in_practice_zone
def week(request: AuthenticatedRequest, day: date) -> HttpResponse:
    cal = _calendar(request)
    monday = week_start(day)
    rows = _appointments(request, cal, monday, 7)
    by_day: dict[date, list[Appointment]] = {}
    for row in rows:
        by_day.setdefault(timezone.localtime(row.starts_at).date(), []).append(row)
    days = [
        {
            "date": d,
            "url": cal.url("day", d),
            "appointments": by_day.get(d, []),
        }
        for d in (monday + timedelta(days=i) for i in range(7))
    ]
    context = _context(cal, "week", monday, 7)
    context.update({"day": monday, "days": days})
    return render(request, "scheduling/week.html", context)


def _booking_initial(request: AuthenticatedRequest) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for name in ("client", "clinician"):
        value = request.GET.get(name, "")
        try:
            initial[name] = uuid_lib.UUID(value)
        except ValueError:
            continue
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        pass
    else:
        # A naive time is shown as typed, in the practice's zone.
        initial["starts_at"] = datetime.combine(day, time(9))
    return initial


def _booking(data: dict[str, Any], clinician: User) -> dict[str, Any]:
    """What a one-off booking and a series share, from the booking form."""
    return {
        "client": data["client"],
        "clinician": clinician,
        "starts_at": data["starts_at"],
        "duration_minutes": data["duration_minutes"],
        "modality": data["modality"],
        "location": data["location"],
        "purpose": data.get("purpose") or None,
    }


@require_http_methods(["GET", "POST"])
@in_practice_zone
def create(request: AuthenticatedRequest) -> HttpResponse:
    """Book an appointment: a clinician for their own clients, the practice
    admin for any client with any clinician."""
    user = permissions.require_staff(request)
    form = BookAppointmentForm(
        request.POST or None, user=user, initial=_booking_initial(request)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        clinician = data.get("clinician") or user
        try:
            appointment = services.book_appointment(
                **_booking(data, clinician), by=user, request=request
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Appointment booked: {_slot(appointment)}.")
            cal = Calendar(user=user, owner=clinician, choices=[], can_write=True)
            return redirect(
                cal.url("day", timezone.localtime(appointment.starts_at).date())
            )
    return render(
        request,
        "scheduling/appointment_form.html",
        {"form": form, "has_clients": form.fields["client"].queryset.exists()},  # type: ignore[attr-defined]  # a choice field
    )


@require_http_methods(["GET", "POST"])
@in_practice_zone
def create_series(request: AuthenticatedRequest) -> HttpResponse:
    """Book a repeating series (weekly, fortnightly or on chosen weekdays);
    nothing is booked if any session clashes."""
    user = permissions.require_staff(request)
    form = SeriesForm(
        request.POST or None, user=user, initial=_booking_initial(request)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        clinician = data.get("clinician") or user
        try:
            series = services.book_series(
                **_booking(data, clinician), rule=data["rule"], by=user, request=request
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            rows = list(series.appointments.order_by("starts_at"))
            messages.success(
                request,
                f"{len(rows)} sessions booked ({recurrence.describe(series.rule)}), "
                f"the first {_slot(rows[0])}.",
            )
            cal = Calendar(user=user, owner=clinician, choices=[], can_write=True)
            return redirect(
                cal.url("week", timezone.localtime(rows[0].starts_at).date())
            )
    return render(
        request,
        "scheduling/appointment_form.html",
        {
            "form": form,
            "repeating": True,
            "has_clients": form.fields["client"].queryset.exists(),  # type: ignore[attr-defined]
        },
    )


@require_POST
@in_practice_zone
def cancel_following(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Cancel this session of a series and every later booked one."""
    appointment = permissions.get_appointment(request, uuid, write=True)
    form = StatusForm({"status": Status.CANCELLED, **request.POST.dict()})
    if not form.is_valid():
        messages.error(
            request, " ".join(str(e) for errs in form.errors.values() for e in errs)
        )
        return redirect(appointment)
    try:
        count = services.cancel_following(
            appointment,
            by=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"Cancelled this and the following sessions ({count} in all)."
        )
    return redirect(appointment)


@require_http_methods(["GET", "POST"])
@in_practice_zone
def edit_following(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Move this session of a series and every later booked one."""
    appointment = permissions.get_appointment(request, uuid, write=True)
    if appointment.series_id is None:
        messages.error(request, "This appointment is not part of a repeating series.")
        return redirect(appointment)
    form = ChangeFollowingForm(
        request.POST or None,
        initial={
            "starts_at": appointment.starts_at,
            "duration_minutes": appointment.duration_minutes,
            "modality": appointment.modality,
            "location": appointment.location,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            series = services.change_following(
                appointment, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"This and the following sessions changed: "
                f"{recurrence.describe(series.rule)}.",
            )
            return redirect(appointment)
    return render(
        request,
        "scheduling/appointment_form.html",
        {"form": form, "appointment": appointment, "following": True},
    )


def _slot(appointment: Appointment) -> str:
    zone = timezone.get_current_timezone()
    return describe_slot(appointment.starts_at, appointment.ends_at, zone)


STATUS_BUTTONS = {
    Status.HELD: "Mark held",
    Status.NO_SHOW: "Did not attend",
}


@require_GET
@in_practice_zone
def detail(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    appointment = permissions.get_appointment(request, uuid)
    user: User = request.user
    can_write = permissions.may_manage_appointment(user, appointment)
    now = timezone.now()
    allowed = services.ALLOWED_STATUS_CHANGES[appointment.status]
    buttons = []
    # A held appointment with a session record stays held (see set_status).
    locked = appointment.status == Status.HELD and appointment.has_session_record()
    if can_write and not locked:
        if (
            Status.HELD in allowed
            and appointment.starts_at <= now + services.HOLD_WINDOW
        ):
            buttons.append((Status.HELD, STATUS_BUTTONS[Status.HELD]))
        if Status.NO_SHOW in allowed and appointment.starts_at <= now:
            buttons.append((Status.NO_SHOW, STATUS_BUTTONS[Status.NO_SHOW]))
        if Status.BOOKED in allowed:
            label = "Reinstate" if appointment.is_cancelled else "Undo: back to booked"
            buttons.append((Status.BOOKED, label))
    owner_cal = Calendar(
        user=user, owner=appointment.clinician, choices=[], can_write=False
    )
    return render(
        request,
        "scheduling/appointment_detail.html",
        {
            "appointment": appointment,
            "can_write": can_write,
            "can_edit": can_write and appointment.status == Status.BOOKED,
            "can_cancel": can_write and Status.CANCELLED in allowed,
            "series_text": recurrence.describe(appointment.series.rule)
            if appointment.series_id
            else "",
            "chart_link": user.is_clinical
            and permissions.holds_client(user, appointment.client),
            "buttons": buttons,
            "cancel_form": StatusForm(initial={"status": Status.CANCELLED}),
            "change_requests": list(
                appointment.change_requests.select_related("decided_by")[:10]
            ),
            "video_url": video.join_url(appointment),
            "calendar_url": owner_cal.url(
                "day", timezone.localtime(appointment.starts_at).date()
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@in_practice_zone
def edit(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Move the appointment, or change how or where it happens."""
    appointment = permissions.get_appointment(request, uuid, write=True)
    form = RescheduleForm(
        request.POST or None,
        initial={
            "starts_at": appointment.starts_at,
            "duration_minutes": appointment.duration_minutes,
            "modality": appointment.modality,
            "location": appointment.location,
            "purpose": appointment.purpose,
            "version": appointment.version,
        },
        practice=appointment.client.practice,
    )
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.reschedule_appointment(
                appointment,
                by=request.user,
                version=form.cleaned_data["version"],
                request=request,
                **form.details(),
            )
        except Conflict as conflict:
            stored = conflict.current
            return conflict_page(
                request,
                conflict,
                form=rebind(
                    RescheduleForm,
                    request,
                    stored.version,
                    practice=stored.client.practice,
                ),
                values={"duration_minutes": stored.duration_minutes},
                action=request.path,
                back=stored.get_absolute_url(),
                title="Change appointment",
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Appointment saved: {_slot(moved)}.")
            return redirect(moved)
    return render(
        request,
        "scheduling/appointment_form.html",
        {"form": form, "appointment": appointment},
    )


STATUS_DONE = {
    Status.HELD: "Marked held.",
    Status.NO_SHOW: "Recorded that the client did not attend.",
    Status.CANCELLED: "Appointment cancelled.",
    Status.LATE_CANCELLED: "Appointment cancelled (late).",
    Status.BOOKED: "The appointment is booked again.",
}


@require_POST
@in_practice_zone
def change_status(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    appointment = permissions.get_appointment(request, uuid, write=True)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(str(e) for errs in form.errors.values() for e in errs)
        )
        return redirect(appointment)
    status = form.cleaned_data["status"]
    try:
        services.set_status(
            appointment,
            status,
            by=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, STATUS_DONE[status])
    return redirect(appointment)


@require_http_methods(["GET", "POST"])
def feed_settings(request: AuthenticatedRequest) -> HttpResponse:
    """The clinician's calendar feed: POST makes a new secret address (shown
    this once: only its hash is kept) or, with action=off, switches it off."""
    user = permissions.require_clinician(request)
    if request.method == "POST":
        action = request.POST.get("action", "rotate")
        if action == "off":
            if services.turn_off_calendar_feed(user, request=request):
                messages.success(
                    request,
                    "Your calendar feed is off. Calendar apps subscribed to it "
                    "no longer receive your appointments.",
                )
            return redirect("scheduling:feed_settings")
        if action != "rotate":
            messages.error(request, "That request was not understood; nothing changed.")
            return redirect("scheduling:feed_settings")
        had_one = bool(user.calendar_token_hash)
        token = services.rotate_calendar_token(user, request=request)
        feed_url = request.build_absolute_uri(reverse("scheduling:feed", args=[token]))
        return render(
            request,
            "scheduling/feed_settings.html",
            {"feed_url": feed_url, "replaced": had_one, "feed_on": True},
        )
    return render(
        request,
        "scheduling/feed_settings.html",
        {"feed_url": "", "feed_on": bool(user.calendar_token_hash)},
    )


@login_not_required
@require_http_methods(["GET", "HEAD"])
def feed(request: HttpRequest, token: str) -> HttpResponseBase:
    """The clinician's appointments as iCalendar, behind a secret address.
    Public (calendar apps cannot log in), so it holds no client data."""
    owner = (
        User.objects.clinicians().filter(calendar_token_hash=hash_token(token)).first()
        if token
        else None
    )
    if owner is None:
        raise Http404
    now = timezone.now()
    appointments = list(
        Appointment.objects.for_clinician(owner)
        .booked()
        .starting_between(now - FEED_PAST, now + FEED_AHEAD)
        .only("uuid", "starts_at", "ends_at", "modality", "location")
        .order_by("starts_at")
    )
    # Who fetched the feed and from where, in case the address leaks.
    record(
        owner,
        "calendar_feed.fetch",
        owner,
        request=request,
        detail={"count": len(appointments)},
    )
    body = ics.calendar(appointments, name="Alliance appointments", now=now)
    response = download_response(
        body, "alliance.ics", content_type="text/calendar; charset=utf-8", inline=True
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
def decide_request(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Approve or decline a client's request to cancel or move an appointment;
    back to the page it was answered from (home or the appointment)."""
    change = permissions.get_appointment_request(request, uuid)
    decision = request.POST.get("decision")
    if decision not in ("approve", "decline"):
        messages.error(request, "Choose whether to approve or decline the request.")
        return redirect(change.appointment)
    try:
        change = requests.decide_request(
            change, approve=decision == "approve", by=request.user, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(change.appointment)
    if change.status != AppointmentRequest.Status.APPROVED:
        messages.success(request, "Request declined; the client has been told.")
    elif change.kind == AppointmentRequest.Kind.CANCEL:
        late = " as a late cancellation" if change.late else ""
        messages.success(
            request, f"Appointment cancelled{late}; the client has been told."
        )
    else:
        messages.success(
            request,
            "Request approved; the client has been told. Now move the appointment "
            "to the new time.",
        )
        return redirect("scheduling:edit", change.appointment.uuid)
    return redirect(change.appointment)
