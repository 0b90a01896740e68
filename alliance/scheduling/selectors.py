"""Read-only appointment queries for other pages (home, client chart). Each
is one bounded query; callers decide access before calling."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from alliance.accounts.models import User, zone_of
from alliance.clients.models import Client
from alliance.core.prepared import first_of, prepared
from alliance.scheduling.dates import day_bounds
from alliance.scheduling.models import Appointment, AppointmentRequest

CHART_LIMIT = 50


def chart_appointments(client: Client) -> list[Appointment]:
    """The client's latest appointments, newest first (at most 50)."""
    rows = list(
        Appointment.objects.filter(client=client)
        .select_related("clinician")
        .order_by("-starts_at")[:CHART_LIMIT]
    )
    for row in rows:
        # The partial shows times in the client's practice zone via row.client.
        row.client = client
    return rows


@prepared
def _next_booked(client_id: int, now: datetime) -> QuerySet[Appointment]:
    return first_of(
        Appointment.objects.filter(
            client_id=client_id,
            status=Appointment.Status.BOOKED,
            starts_at__gte=now,
        )
        .select_related("clinician")
        .order_by("starts_at", "id")
    )


def next_appointment(client: Client) -> Appointment | None:
    """The client's next booked appointment still to come, for the chart's
    summary: one query."""
    row = _next_booked.first(client.pk, timezone.now())
    if row is not None:
        row.client = client
    return row


# What the home's day list shows of an appointment (scheduling/_today.html).
_TODAY_FIELDS = ("uuid", "clinician", "starts_at", "ends_at", "status", "modality")


@prepared
def _appointments_starting(
    clinician_id: int, start: datetime, end: datetime
) -> QuerySet[Appointment]:
    return (
        Appointment.objects.for_clinician(clinician_id)
        .booked()
        .starting_between(start, end)
        .select_related("client")
        .only(*_TODAY_FIELDS, *Client.listing_fields("client"))
        .order_by("starts_at")
    )


def todays_appointments(user: User) -> list[Appointment]:
    """The user's appointments today (practice time zone) that are not
    cancelled, earliest first, with their clients."""
    zone = zone_of(user.practice)
    start, end = day_bounds(timezone.localdate(timezone=zone), zone)
    rows = _appointments_starting(user.pk, start, end)
    for row in rows:
        # The partial shows times in the client's practice zone: the user's
        # practice, already read, rather than a join per row.
        if user.practice is not None and row.client.practice_id == user.practice_id:
            row.client.practice = user.practice
    return rows


REQUESTS_LIMIT = 50
# What the home's list shows of a request (scheduling/_change_requests.html).
_REQUEST_FIELDS = (
    "uuid",
    "appointment",
    "kind",
    "status",
    "requested_at",
    "late",
    "preferred_times",
    "message",
    "decided_by",
)


def pending_requests(user: User) -> list[AppointmentRequest]:
    """Clients' requests waiting for this clinician's answer (their calendar
    or their clients), oldest first, with appointment and client: one query."""
    return _pending_requests(user.pk)


@prepared
def _pending_requests(clinician_id: int) -> QuerySet[AppointmentRequest]:
    return (
        AppointmentRequest.objects.pending()
        .for_clinician(clinician_id)
        .select_related("appointment__client")
        .only(
            *_REQUEST_FIELDS,
            "appointment__uuid",
            "appointment__starts_at",
            *Client.listing_fields("appointment__client"),
        )
        .order_by("requested_at")[:REQUESTS_LIMIT]
    )


PORTAL_PAST_LIMIT = 20


def portal_appointments(
    client: Client, now: datetime
) -> tuple[list[Appointment], list[Appointment]]:
    """The client's appointments for the portal: those not yet over (soonest
    first) and the latest 20 that are (newest first), with clinician and
    requests. Three queries."""
    base = Appointment.objects.filter(client=client).select_related("clinician")
    upcoming = list(
        base.filter(ends_at__gt=now)
        .prefetch_related("change_requests")
        .order_by("starts_at")[:CHART_LIMIT]
    )
    past = list(
        base.filter(ends_at__lte=now).order_by("-starts_at")[:PORTAL_PAST_LIMIT]
    )
    for row in (*upcoming, *past):
        row.client = client
    return upcoming, past
