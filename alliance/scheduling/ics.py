"""A hand-written iCalendar (RFC 5545) writer for the clinician's feed.

The feed leaves the practice's systems (phones, shared calendars), so it says
only *that* the clinician is busy: no client names, initials or notes, and no
video links. Lines end in CRLF and are folded at 75 octets (section 3.1);
text values escape backslash, semicolon, comma and newline (section 3.3.11).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from alliance.scheduling.models import Appointment

SUMMARY = "Client appointment"
MAX_OCTETS = 75
# Control characters other than tab are not allowed in TEXT values.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape_text(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\n", "\\n")
    )
    return _CONTROL.sub("", value)


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, never inside a
    UTF-8 character; each continuation starts with one space."""
    pieces: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > MAX_OCTETS:
            pieces.append(current)
            current, size = " ", 1
        current += char
        size += width
    pieces.append(current)
    return "\r\n".join(pieces)


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(appointment: Appointment, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{appointment.uuid}@alliance",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{utc_stamp(appointment.starts_at)}",
        f"DTEND:{utc_stamp(appointment.ends_at)}",
        f"SUMMARY:{SUMMARY}",
        f"DESCRIPTION:{escape_text(appointment.get_modality_display())}",
    ]
    # Only the room of an in-person session; a video or phone "location" may
    # be a joining link, which must not travel to a calendar app.
    location = appointment.location.strip()
    if appointment.modality == Appointment.Modality.IN_PERSON and location:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines += ["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT"]
    return lines


def calendar(appointments: Iterable[Appointment], *, name: str, now: datetime) -> str:
    """Return the whole VCALENDAR text for these appointments."""
    stamp = utc_stamp(now)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Alliance//Scheduling//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for appointment in appointments:
        lines += _event(appointment, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
