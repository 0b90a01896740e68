"""The clinician's calendar feed (iCalendar, RFC 5545), built with ``icalendar``.

The feed leaves the practice's systems (phones, shared calendars), so it says
only *that* the clinician is busy: no client names, initials or notes, and no
video links. The ``icalendar`` package writes the CRLF line endings, folds long
lines and escapes text values, so none of that is done by hand here. Control
characters (other than tab) are not allowed in text values, so they are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

import icalendar

from alliance.scheduling.models import Appointment

SUMMARY = "Client appointment"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _text(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _event(appointment: Appointment, stamp: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{appointment.uuid}@alliance")
    event.add("dtstamp", stamp)
    event.add("dtstart", _utc(appointment.starts_at))
    event.add("dtend", _utc(appointment.ends_at))
    event.add("summary", SUMMARY)
    event.add("description", appointment.get_modality_display())
    # Only the room of an in-person session; a video or phone "location" may
    # be a joining link, which must not travel to a calendar app.
    location = appointment.location.strip()
    if appointment.modality == Appointment.Modality.IN_PERSON and location:
        event.add("location", _text(location))
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def calendar(appointments: Iterable[Appointment], *, name: str, now: datetime) -> str:
    """Return the whole VCALENDAR text for these appointments."""
    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", "-//Alliance//Scheduling//EN")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _text(name))
    stamp = _utc(now)
    for appointment in appointments:
        cal.add_component(_event(appointment, stamp))
    return cal.to_ical(sorted=False).decode("utf-8")


def client_calendar(appointment: Appointment, *, now: datetime, portal_url: str) -> str:
    """One appointment as a VCALENDAR for the client's own calendar ("add to
    calendar"). The summary names only the clinician; there is no client
    name, no clinical text and, for video sessions, no room link: the client
    joins from the portal."""
    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", "-//Alliance//Portal//EN")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"{appointment.uuid}@alliance-portal")
    event.add("dtstamp", _utc(now))
    event.add("dtstart", _utc(appointment.starts_at))
    event.add("dtend", _utc(appointment.ends_at))
    event.add("summary", _text(f"Session with {appointment.clinician}"))
    location = appointment.location.strip()
    if appointment.modality == Appointment.Modality.VIDEO:
        event.add("description", f"Online session: join from your portal, {portal_url}")
    elif appointment.modality == Appointment.Modality.PHONE:
        event.add("description", "Phone session")
    elif location:
        event.add("location", _text(location))
    event.add("status", "CANCELLED" if appointment.is_cancelled else "CONFIRMED")
    cal.add_component(event)
    return cal.to_ical(sorted=False).decode("utf-8")
