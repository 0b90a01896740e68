"""Booking, moving and closing appointments, and the calendar feed's secret.

Each function checks, writes and audits in one transaction; views, the demo and
commands all call these. A clinician is never double-booked: every write that
makes an appointment occupy time first locks the clinician's row, then looks
for an overlapping appointment that is not cancelled.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from alliance.accounts.models import User, zone_of
from alliance.audit.services import record
from alliance.clients.models import Client, Episode
from alliance.core.tokens import hash_token, new_token
from alliance.core.versioning import save_if_current
from alliance.scheduling import recurrence
from alliance.scheduling.dates import UTC, describe_slot
from alliance.scheduling.models import (
    Appointment,
    AppointmentSeries,
    Purpose,
    purpose_choices,
)
from alliance.scheduling.video import ensure_room, new_room_name

# Past appointments may be recorded, but not from before any practice existed.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
MIN_MINUTES = 10
MAX_MINUTES = 240
# A session may be recorded as held from shortly before its start, for a
# clinician who opens the record while the client is in the waiting room.
HOLD_WINDOW = timedelta(minutes=15)

Status = Appointment.Status

ALLOWED_STATUS_CHANGES: dict[str, tuple[str, ...]] = {
    Status.BOOKED: (
        Status.HELD,
        Status.NO_SHOW,
        Status.CANCELLED,
        Status.LATE_CANCELLED,
    ),
    # Held and did-not-attend can be corrected, or undone back to booked.
    Status.HELD: (Status.BOOKED, Status.NO_SHOW),
    Status.NO_SHOW: (Status.BOOKED, Status.HELD),
    # A cancelled appointment is reinstated before anything else.
    Status.CANCELLED: (Status.BOOKED,),
    Status.LATE_CANCELLED: (Status.BOOKED,),
}
STATUS_ACTIONS: dict[str, str] = {
    Status.BOOKED: "appointment.reinstate",
    Status.HELD: "appointment.mark_held",
    Status.NO_SHOW: "appointment.mark_no_show",
    Status.CANCELLED: "appointment.cancel",
    Status.LATE_CANCELLED: "appointment.cancel_late",
}
_IS_NOW: dict[str, str] = {
    Status.BOOKED: "booked",
    Status.HELD: "marked held",
    Status.NO_SHOW: "marked as did not attend",
    Status.CANCELLED: "cancelled",
    Status.LATE_CANCELLED: "cancelled late",
}
_ONE: dict[str, str] = {
    Status.BOOKED: "A booked appointment",
    Status.HELD: "A held appointment",
    Status.NO_SHOW: "An appointment the client did not attend",
    Status.CANCELLED: "A cancelled appointment",
    Status.LATE_CANCELLED: "A late-cancelled appointment",
}


def _ends_at(starts_at: datetime, duration_minutes: int) -> datetime:
    if not isinstance(starts_at, datetime) or timezone.is_naive(starts_at):
        raise ValueError("starts_at must be a timezone-aware datetime")
    if isinstance(duration_minutes, bool) or not isinstance(duration_minutes, int):
        raise ValidationError("Give the duration in whole minutes.")
    if not EARLIEST_YEAR <= starts_at.year <= LATEST_YEAR:
        raise ValidationError(
            f"Check the date: appointments can be booked between {EARLIEST_YEAR} "
            f"and {LATEST_YEAR}."
        )
    if not MIN_MINUTES <= duration_minutes <= MAX_MINUTES:
        raise ValidationError(
            f"An appointment lasts between {MIN_MINUTES} and {MAX_MINUTES} minutes."
        )
    # Add real minutes, not wall-clock minutes: across a clock change (or from a
    # local time the change skipped) wall-clock arithmetic can end before it starts.
    return starts_at.astimezone(UTC) + timedelta(minutes=duration_minutes)


def _clean_details(modality: str, location: str) -> str:
    if modality not in Appointment.Modality.values:
        raise ValidationError("Choose how you will meet: in person, video or phone.")
    location = (location or "").strip()
    if len(location) > 200:
        raise ValidationError("Keep the location under 200 characters.")
    return location


def _clean_purpose(practice: object, purpose: str) -> str:
    if purpose not in dict(purpose_choices(practice)):
        raise ValidationError(f"“{purpose}” is not one of the practice's purposes.")
    return purpose


def default_purpose(episode: Episode | None) -> str:
    """Assessment for an episode's first appointment (none yet but
    cancelled ones), treatment after that."""
    if episode is None:
        return Purpose.TREATMENT
    earlier = Appointment.objects.filter(episode=episode).exclude(
        status=Status.CANCELLED
    )
    return Purpose.TREATMENT if earlier.exists() else Purpose.ASSESSMENT


def _check_clinician(client: Client, clinician: User) -> None:
    if not (
        clinician.is_active
        and clinician.is_clinical
        and clinician.practice_id == client.practice_id
    ):
        raise ValidationError(
            "Appointments can only be booked with an active clinician of the "
            "client's practice."
        )


def _open_episode(client: Client) -> Episode:
    episode = client.episodes.open().first()
    if episode is None:
        raise ValidationError(
            f"{client.display_name}'s episode of care is closed. "
            "Open a new episode before booking."
        )
    return episode


def _refuse_clash(
    clinician: User,
    starts_at: datetime,
    ends_at: datetime,
    *,
    practice_zone: ZoneInfo,
    exclude: Appointment | None = None,
) -> None:
    """Raise if the clinician has an appointment (not cancelled) overlapping
    [starts_at, ends_at). Must run inside the writing transaction."""
    # Lock the clinician's row before looking: a concurrent booking for the same
    # clinician waits here on PostgreSQL and then sees this one's appointment.
    # SQLite ignores FOR UPDATE, but its transactions begin IMMEDIATE (see
    # settings.py), so writers are already serialised.
    User.objects.select_for_update().filter(pk=clinician.pk).values_list("pk").get()
    clashes = (
        Appointment.objects.for_clinician(clinician)
        .booked()
        .between(starts_at, ends_at)
        .order_by("starts_at")
    )
    if exclude is not None:
        clashes = clashes.exclude(pk=exclude.pk)
    clash = clashes.first()
    if clash is not None:
        slot = describe_slot(clash.starts_at, clash.ends_at, practice_zone)
        raise ValidationError(f"{clinician} already has an appointment {slot}.")


@transaction.atomic
def book_appointment(
    *,
    client: Client,
    clinician: User,
    starts_at: datetime,
    duration_minutes: int,
    modality: str,
    location: str,
    by: User,
    purpose: str | None = None,
    request: HttpRequest | None = None,
) -> Appointment:
    """Book the client with the clinician, in the client's open episode of
    care; without a purpose, ``default_purpose`` chooses one."""
    if by.practice_id != client.practice_id:
        raise ValidationError("You can only book appointments in your own practice.")
    _check_clinician(client, clinician)
    ends_at = _ends_at(starts_at, duration_minutes)
    location = _clean_details(modality, location)
    episode = _open_episode(client)
    if purpose:
        purpose = _clean_purpose(client.practice, purpose)
    # The clash check locks the clinician first; the default purpose reads the
    # episode's appointments after it, under the same lock.
    _refuse_clash(clinician, starts_at, ends_at, practice_zone=zone_of(client.practice))
    if not purpose:
        purpose = default_purpose(episode)
    appointment = Appointment.objects.create(
        clinician=clinician,
        client=client,
        episode=episode,
        starts_at=starts_at,
        ends_at=ends_at,
        modality=modality,
        location=location,
        purpose=purpose,
        created_by=by,
    )
    ensure_room(appointment)
    record(
        by,
        "appointment.book",
        appointment,
        request=request,
        detail={
            "clinician": str(clinician.uuid),
            "starts_at": starts_at.isoformat(),
            "purpose": purpose,
        },
    )
    return appointment


@transaction.atomic
def reschedule_appointment(
    appointment: Appointment,
    *,
    starts_at: datetime,
    duration_minutes: int,
    modality: str,
    location: str,
    by: User,
    purpose: str | None = None,
    version: int | None = None,
    request: HttpRequest | None = None,
) -> Appointment:
    """Move a booked appointment or change how and where it happens, if it is
    still at ``version`` (else ``Conflict``: someone changed it meanwhile)."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != Status.BOOKED:
        raise ValidationError(
            f"This appointment is {_IS_NOW[appointment.status]}; only booked "
            "appointments can be changed."
        )
    client = appointment.client
    if appointment.episode is None or not appointment.episode.is_open:
        raise ValidationError(
            "The episode of care this appointment belongs to is closed, so the "
            "appointment can no longer be changed."
        )
    _check_clinician(client, appointment.clinician)
    ends_at = _ends_at(starts_at, duration_minutes)
    location = _clean_details(modality, location)
    _refuse_clash(
        appointment.clinician,
        starts_at,
        ends_at,
        practice_zone=zone_of(client.practice),
        exclude=appointment,
    )
    previous = appointment.starts_at
    new = {
        "starts_at": starts_at,
        "ends_at": ends_at,
        "modality": modality,
        "location": location,
    }
    if purpose:
        new["purpose"] = _clean_purpose(client.practice, purpose)
    changed = [
        name for name, value in new.items() if getattr(appointment, name) != value
    ]
    if not changed:
        return appointment
    for name in changed:
        setattr(appointment, name, new[name])
    save_if_current(appointment, changed, version=version, by=by)
    ensure_room(appointment)
    record(
        by,
        "appointment.reschedule",
        appointment,
        request=request,
        detail={
            "fields": changed,
            "from": previous.isoformat(),
            "to": starts_at.isoformat(),
        },
    )
    return appointment


@transaction.atomic
def set_status(
    appointment: Appointment,
    status: str,
    *,
    by: User,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Appointment:
    """Mark the appointment held, did not attend, cancelled (with a reason), or
    back to booked; refuse changes that make no sense."""
    if status not in Status.values:
        raise ValidationError(f"“{status}” is not an appointment status.")
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    current = appointment.status
    if status == current:
        raise ValidationError(f"This appointment is already {_IS_NOW[status]}.")
    if status not in ALLOWED_STATUS_CHANGES[current]:
        hint = (
            " Reinstate it first if it did take place." if status == Status.HELD else ""
        )
        raise ValidationError(f"{_ONE[current]} cannot be {_IS_NOW[status]}.{hint}")
    if current == Status.HELD and appointment.has_session_record():
        raise ValidationError(
            "A session record exists for this appointment, so it stays marked held."
        )
    now = timezone.now()
    zone = zone_of(appointment.client.practice)
    reason = (reason or "").strip()
    if status == Status.HELD and appointment.starts_at > now + HOLD_WINDOW:
        slot = describe_slot(appointment.starts_at, appointment.ends_at, zone)
        raise ValidationError(
            f"This appointment is {slot}. It can be marked held from 15 minutes "
            "before it starts."
        )
    if status == Status.NO_SHOW and appointment.starts_at > now:
        raise ValidationError(
            "You can record that the client did not attend once the appointment's "
            "start time has passed."
        )
    if status in (Status.CANCELLED, Status.LATE_CANCELLED):
        if not reason:
            raise ValidationError("Give a reason for cancelling.")
        if len(reason) > 200:
            raise ValidationError(
                "Keep the reason for cancelling under 200 characters."
            )
    if current in (Status.CANCELLED, Status.LATE_CANCELLED):
        # Reinstating makes the appointment occupy time again.
        if appointment.episode is None or not appointment.episode.is_open:
            raise ValidationError(
                "The episode of care this appointment belongs to is closed, so the "
                "appointment cannot be reinstated."
            )
        _check_clinician(appointment.client, appointment.clinician)
        _refuse_clash(
            appointment.clinician,
            appointment.starts_at,
            appointment.ends_at,
            practice_zone=zone,
            exclude=appointment,
        )
    appointment.status = status
    cancelled = status in (Status.CANCELLED, Status.LATE_CANCELLED)
    appointment.cancel_reason = reason if cancelled else ""
    appointment.cancelled_at = now if cancelled else None
    appointment.save(update_fields=["status", "cancel_reason", "cancelled_at"])
    record(
        by,
        STATUS_ACTIONS[status],
        appointment,
        request=request,
        detail={"from": current, "to": status},
    )
    return appointment


@transaction.atomic
def rotate_calendar_token(user: User, *, request: HttpRequest | None = None) -> str:
    """Give the clinician a new secret feed address; the old one stops working.

    Returns the token, to show once: only its hash is stored, so a copy of the
    database opens no feed."""
    if not user.is_clinical:
        raise ValidationError("Only clinicians have a calendar feed.")
    token = new_token()
    user.calendar_token_hash = hash_token(token)
    user.save(update_fields=["calendar_token_hash"])
    record(user, "calendar_feed.rotate", user, request=request)
    return token


@transaction.atomic
def turn_off_calendar_feed(user: User, *, request: HttpRequest | None = None) -> bool:
    """Switch the clinician's feed off; every subscription stops at once.
    Returns False if it was already off (nothing changes, nothing is audited)."""
    if not user.is_clinical:
        raise ValidationError("Only clinicians have a calendar feed.")
    if not user.calendar_token_hash:
        return False
    user.calendar_token_hash = ""
    user.save(update_fields=["calendar_token_hash"])
    record(user, "calendar_feed.off", user, request=request)
    return True


@transaction.atomic
def book_series(
    *,
    client: Client,
    clinician: User,
    starts_at: datetime,
    duration_minutes: int,
    rule: str,
    modality: str,
    location: str,
    by: User,
    purpose: str | None = None,
    request: HttpRequest | None = None,
) -> AppointmentSeries:
    """Book a repeating series: ``starts_at`` gives the first local date and
    the local time of every session, ``rule`` an RRULE from
    ``recurrence.make_rule``. Every session is checked for a clash first; if
    any clashes nothing is booked and the message names that session."""
    if by.practice_id != client.practice_id:
        raise ValidationError("You can only book appointments in your own practice.")
    _check_clinician(client, clinician)
    _ends_at(starts_at, duration_minutes)  # checks the first start and duration
    location = _clean_details(modality, location)
    episode = _open_episode(client)
    zone = zone_of(client.practice)
    local = starts_at.astimezone(zone)
    starts = recurrence.occurrences(rule, local.date(), local.time(), zone)
    if not starts:
        raise ValidationError("That pattern has no sessions; check the dates.")
    slots = [(start, _ends_at(start, duration_minutes)) for start in starts]
    first_purpose = (
        default_purpose(episode)
        if not purpose
        else _clean_purpose(client.practice, purpose)
    )
    _refuse_series_clash(clinician, slots, zone)
    series = AppointmentSeries.objects.create(
        clinician=clinician,
        client=client,
        rule=rule,
        first_date=local.date(),
        local_start=local.time(),
        time_zone=str(zone.key),
        duration_minutes=duration_minutes,
        created_by=by,
    )
    Appointment.objects.bulk_create(
        Appointment(
            clinician=clinician,
            client=client,
            episode=episode,
            series=series,
            starts_at=start,
            ends_at=end,
            modality=modality,
            location=location,
            # Left to the default, only the episode's first session is an
            # assessment; the rest are treatment.
            purpose=first_purpose if i == 0 or purpose else Purpose.TREATMENT,
            # Each online session its own room (scheduling.video).
            video_room=new_room_name()
            if modality == Appointment.Modality.VIDEO
            else "",
            created_by=by,
        )
        for i, (start, end) in enumerate(slots)
    )
    record(
        by,
        "appointment_series.book",
        series,
        request=request,
        detail={
            "clinician": str(clinician.uuid),
            "rule": rule,
            "first": slots[0][0].isoformat(),
            "count": len(slots),
        },
    )
    return series


def _refuse_series_clash(
    clinician: User,
    slots: list[tuple[datetime, datetime]],
    zone: ZoneInfo,
    *,
    exclude: list[int] | None = None,
    nothing: str = "Nothing was booked",
) -> None:
    """Raise, naming the first session that overlaps a booked appointment
    (other than those in ``exclude``). One query for the whole span; must run
    inside the writing transaction."""
    User.objects.select_for_update().filter(pk=clinician.pk).values_list("pk").get()
    existing = list(
        Appointment.objects.for_clinician(clinician)
        .booked()
        .between(slots[0][0], slots[-1][1])
        .exclude(pk__in=exclude or [])
        .order_by("starts_at")
        .only("starts_at", "ends_at")
    )
    for number, (start, end) in enumerate(slots, start=1):
        clash = next(
            (a for a in existing if a.starts_at < end and a.ends_at > start), None
        )
        if clash is not None:
            mine = describe_slot(start, end, zone)
            theirs = describe_slot(clash.starts_at, clash.ends_at, zone)
            raise ValidationError(
                f"{nothing}: session {number} of {len(slots)} "
                f"({mine} {start.astimezone(zone).year}) clashes with "
                f"{clinician}'s appointment {theirs}."
            )


@transaction.atomic
def cancel_following(
    appointment: Appointment,
    *,
    by: User,
    reason: str,
    request: HttpRequest | None = None,
) -> int:
    """Cancel this session of a series and every later booked one, and end
    the series before it. Held and did-not-attend sessions stay as they are.
    Returns how many sessions were cancelled."""
    if appointment.series_id is None:
        raise ValidationError("This appointment is not part of a repeating series.")
    series = AppointmentSeries.objects.select_for_update().get(pk=appointment.series_id)
    appointment = Appointment.objects.get(pk=appointment.pk)
    if appointment.status != Status.BOOKED:
        raise ValidationError(
            f"This appointment is {_IS_NOW[appointment.status]}; cancel from a "
            "booked session."
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give a reason for cancelling.")
    if len(reason) > 200:
        raise ValidationError("Keep the reason for cancelling under 200 characters.")
    now = timezone.now()
    zone = ZoneInfo(series.time_zone)
    cancelled = series.appointments.filter(
        starts_at__gte=appointment.starts_at, status=Status.BOOKED
    ).update(
        status=Status.CANCELLED,
        cancel_reason=reason,
        cancelled_at=now,
        version=models.F("version") + 1,
    )
    series.rule = recurrence.end_before(
        series.rule, appointment.starts_at.astimezone(zone).date()
    )
    series.save(update_fields=["rule"])
    record(
        by,
        "appointment_series.cancel_following",
        series,
        request=request,
        detail={
            "from": appointment.starts_at.isoformat(),
            "count": cancelled,
            "rule": series.rule,
        },
    )
    return cancelled


@transaction.atomic
def change_following(
    appointment: Appointment,
    *,
    starts_at: datetime,
    duration_minutes: int,
    modality: str,
    location: str,
    by: User,
    request: HttpRequest | None = None,
) -> AppointmentSeries:
    """Move this session and every later booked one of its series to a new
    local time (and weekday, for a one-day pattern), length or place: the old
    series ends before this session and a new series starts from
    ``starts_at`` with the same pattern and as many sessions (or the same end
    date). All sessions are checked for clashes first; on a clash nothing
    changes. Returns the new series."""
    if appointment.series_id is None:
        raise ValidationError("This appointment is not part of a repeating series.")
    old = AppointmentSeries.objects.select_for_update().get(pk=appointment.series_id)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != Status.BOOKED:
        raise ValidationError(
            f"This appointment is {_IS_NOW[appointment.status]}; only booked "
            "sessions can be changed."
        )
    if appointment.episode is None or not appointment.episode.is_open:
        raise ValidationError(
            "The episode of care this appointment belongs to is closed, so the "
            "appointment can no longer be changed."
        )
    _check_clinician(appointment.client, appointment.clinician)
    _ends_at(starts_at, duration_minutes)
    location = _clean_details(modality, location)
    zone = ZoneInfo(old.time_zone)
    local = starts_at.astimezone(zone)
    following = list(
        old.appointments.filter(
            starts_at__gte=appointment.starts_at, status=Status.BOOKED
        ).order_by("starts_at")
    )
    rule = recurrence.continue_from(old.rule, local.date(), len(following))
    starts = recurrence.occurrences(rule, local.date(), local.time(), zone)
    if not starts:
        raise ValidationError("That change leaves no sessions; check the date.")
    slots = [(start, _ends_at(start, duration_minutes)) for start in starts]
    _refuse_series_clash(
        appointment.clinician,
        slots,
        zone,
        exclude=[a.pk for a in following],
        nothing="Nothing was changed",
    )
    new = AppointmentSeries.objects.create(
        clinician=old.clinician,
        client=old.client,
        rule=rule,
        first_date=local.date(),
        local_start=local.time(),
        time_zone=old.time_zone,
        duration_minutes=duration_minutes,
        created_by=by,
    )
    old.rule = recurrence.end_before(
        old.rule, appointment.starts_at.astimezone(zone).date()
    )
    old.save(update_fields=["rule"])
    moved, added, dropped = 0, 0, 0
    for row, slot in zip(following, slots, strict=False):
        row.series = new
        row.starts_at, row.ends_at = slot
        row.modality, row.location = modality, location
        row.version += 1
        row.save(
            update_fields=[
                "series",
                "starts_at",
                "ends_at",
                "modality",
                "location",
                "version",
            ]
        )
        ensure_room(row)
        moved += 1
    now = timezone.now()
    for row in following[len(slots) :]:
        row.status, row.cancel_reason, row.cancelled_at = (
            Status.CANCELLED,
            "No longer in the changed series.",
            now,
        )
        row.series = new
        row.save(update_fields=["status", "cancel_reason", "cancelled_at", "series"])
        dropped += 1
    for start, end in slots[len(following) :]:
        Appointment.objects.create(
            clinician=old.clinician,
            client=old.client,
            episode=appointment.episode,
            series=new,
            starts_at=start,
            ends_at=end,
            modality=modality,
            location=location,
            purpose=Purpose.TREATMENT,
            video_room=new_room_name()
            if modality == Appointment.Modality.VIDEO
            else "",
            created_by=by,
        )
        added += 1
    record(
        by,
        "appointment_series.change_following",
        new,
        request=request,
        detail={
            "from": appointment.starts_at.isoformat(),
            "to": starts_at.isoformat(),
            "rule": rule,
            "moved": moved,
            "added": added,
            "cancelled": dropped,
        },
    )
    return new
