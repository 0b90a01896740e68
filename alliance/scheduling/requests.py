"""Clients' requests, from the portal, to cancel or move an appointment.

The client may ask at any time before the appointment starts. A request made
with less notice than the practice's ``cancel_notice_hours`` is still accepted
but marked ``late`` when made; if the clinician approves a late cancellation
the appointment becomes late-cancelled rather than cancelled. Approving a move
leaves the new time to the clinician, who books it on the appointment's edit
page. The client learns the outcome in the portal and by an email that holds
no clinical text and no appointment details beyond the time.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.services import record
from alliance.scheduling.models import Appointment, AppointmentRequest
from alliance.scheduling.services import set_status

logger = logging.getLogger(__name__)

MESSAGE_MAX = 1000
PREFERRED_MAX = 500
CLIENT_CANCEL_REASON = "Cancelled at the client's request"

Kind = AppointmentRequest.Kind


def is_late(appointment: Appointment, now: datetime) -> bool:
    """Whether a request made at ``now`` falls inside the notice period: fewer
    than ``cancel_notice_hours`` before the start (exactly on it is in time)."""
    notice = timedelta(hours=appointment.client.practice.cancel_notice_hours)
    return appointment.starts_at - now < notice


def may_request(appointment: Appointment, now: datetime) -> bool:
    return (
        appointment.status == Appointment.Status.BOOKED and appointment.starts_at > now
    )


def pending_request(appointment: Appointment) -> AppointmentRequest | None:
    return appointment.change_requests.pending().first()


@transaction.atomic
def request_change(
    appointment: Appointment,
    *,
    kind: str,
    by: User,
    message: str = "",
    preferred_times: str = "",
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> AppointmentRequest:
    """Record the client's request to cancel or move the appointment."""
    now = now or timezone.now()
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    client = appointment.client
    if client.user_id != by.pk:
        raise ValidationError("Only the client can ask to change their appointment.")
    if kind not in Kind.values:
        raise ValidationError("Choose whether to cancel or to move the appointment.")
    if not may_request(appointment, now):
        raise ValidationError(
            "This appointment can no longer be changed from the portal. Please "
            "contact the practice."
        )
    message = (message or "").strip()
    preferred_times = (preferred_times or "").strip()
    if len(message) > MESSAGE_MAX:
        raise ValidationError(f"Keep the message under {MESSAGE_MAX} characters.")
    if len(preferred_times) > PREFERRED_MAX:
        raise ValidationError(
            f"Keep the preferred times under {PREFERRED_MAX} characters."
        )
    if kind == Kind.RESCHEDULE and not preferred_times:
        raise ValidationError("Say which days and times would suit you instead.")
    if kind == Kind.CANCEL:
        preferred_times = ""
    if pending_request(appointment) is not None:
        raise ValidationError(
            "You have already asked to change this appointment; your clinician "
            "will answer soon."
        )
    late = is_late(appointment, now)
    try:
        with transaction.atomic():
            change = AppointmentRequest.objects.create(
                appointment=appointment,
                kind=kind,
                message=message,
                preferred_times=preferred_times,
                late=late,
                requested_by=by,
                requested_at=now,
            )
    except IntegrityError:  # another tab asked at the same moment
        raise ValidationError(
            "You have already asked to change this appointment."
        ) from None
    record(
        by,
        "appointment_request.create",
        change,
        request=request,
        client_uuid=client.uuid,
        detail={"kind": kind, "late": late, "appointment": str(appointment.uuid)},
    )
    return change


def decide_request(
    change: AppointmentRequest,
    *,
    approve: bool,
    by: User,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> AppointmentRequest:
    """Approve or decline a pending request (the caller has checked that ``by``
    may manage the appointment), then email the client the outcome."""
    with transaction.atomic():
        change = (
            AppointmentRequest.objects.select_for_update()
            .select_related("appointment__client__practice", "appointment__clinician")
            .get(pk=change.pk)
        )
        if not change.is_pending:
            raise ValidationError(
                f"This request has already been {change.get_status_display().lower()}."
            )
        appointment = change.appointment
        if approve and change.kind == Kind.CANCEL:
            if appointment.status != Appointment.Status.BOOKED:
                raise ValidationError(
                    "The appointment is no longer booked; decline the request instead."
                )
            status = (
                Appointment.Status.LATE_CANCELLED
                if change.late
                else Appointment.Status.CANCELLED
            )
            set_status(
                appointment, status, by=by, reason=CLIENT_CANCEL_REASON, request=request
            )
        change.status = (
            AppointmentRequest.Status.APPROVED
            if approve
            else AppointmentRequest.Status.DECLINED
        )
        change.decided_by = by
        change.decided_at = now or timezone.now()
        change.save(update_fields=["status", "decided_by", "decided_at"])
        record(
            by,
            "appointment_request.approve" if approve else "appointment_request.decline",
            change,
            request=request,
            client_uuid=appointment.client.uuid,
            detail={"kind": change.kind, "late": change.late},
        )
    _email_outcome(change)
    return change


def outcome_email(change: AppointmentRequest) -> EmailMessage | None:
    """The email telling the client the outcome: the practice, the time and the
    answer; no clinical text and not the client's own message."""
    appointment = change.appointment
    client = appointment.client
    if client.user is None or not client.user.email:
        return None
    local = appointment.starts_at.astimezone(client.zone)
    context = {
        "first_name": client.preferred_name or client.given_name,
        "practice": client.practice,
        "change": change,
        "when": f"{local:%A} {local.day} {local:%B} at {local:%H:%M}",
        "portal_url": settings.SITE_URL.rstrip("/") + reverse("portal:appointments"),
    }
    body = render_to_string("scheduling/request_outcome_email.txt", context)
    return EmailMessage(
        subject=f"Your appointment request: {change.get_status_display().lower()}",
        body=body,
        to=[client.user.email],
    )


def _email_outcome(change: AppointmentRequest) -> None:
    email = outcome_email(change)
    if email is None:
        return
    try:
        email.send()
    except Exception:  # the decision stands; the portal shows it
        logger.exception("Could not email the outcome of an appointment request")
