"""The calendar feed's iCalendar text (RFC 5545), written by ``icalendar``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import icalendar

from alliance.scheduling.ics import calendar
from alliance.scheduling.models import Appointment

START = datetime(2026, 7, 1, 13, 0, tzinfo=UTC)


def _in_room(location):
    return Appointment(
        uuid=UUID("12345678-1234-5678-1234-567812345678"),
        starts_at=START,
        ends_at=START + timedelta(minutes=50),
        modality="in_person",
        location=location,
    )


def _physical_lines(location):
    return calendar([_in_room(location)], name="Alliance", now=START).split("\r\n")


def test_it_escapes_text_values():
    text = calendar([_in_room("a\\b;c,d\ne\r\nf")], name="Alliance", now=START)
    assert "LOCATION:a\\\\b\\;c\\,d\\ne\\nf\r\n" in text


def test_it_drops_control_characters():
    text = calendar([_in_room("Room\x07 2\tA")], name="Alliance", now=START)
    assert "LOCATION:Room 2\tA\r\n" in text


def test_it_folds_at_75_octets_and_never_splits_a_character():
    for location in ["x" * 200, "é" * 100]:
        lines = _physical_lines(location)
        assert all(len(line.encode()) <= 75 for line in lines)
        parsed = icalendar.Calendar.from_ical("\r\n".join(lines))
        (event,) = parsed.walk("VEVENT")
        assert str(event["LOCATION"]) == location


def test_it_writes_utc_times_and_the_room():
    start = datetime(2026, 7, 1, 13, 0, tzinfo=UTC)
    appointment = Appointment(
        uuid=UUID("12345678-1234-5678-1234-567812345678"),
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        modality="in_person",
        location="Room 2",
    )
    text = calendar([appointment], name="Alliance", now=start)
    assert text == (
        "BEGIN:VCALENDAR\r\n"
        "VERSION:2.0\r\n"
        "PRODID:-//Alliance//Scheduling//EN\r\n"
        "CALSCALE:GREGORIAN\r\n"
        "METHOD:PUBLISH\r\n"
        "X-WR-CALNAME:Alliance\r\n"
        "BEGIN:VEVENT\r\n"
        "UID:12345678-1234-5678-1234-567812345678@alliance\r\n"
        "DTSTAMP:20260701T130000Z\r\n"
        "DTSTART:20260701T130000Z\r\n"
        "DTEND:20260701T135000Z\r\n"
        "SUMMARY:Client appointment\r\n"
        "DESCRIPTION:In person\r\n"
        "LOCATION:Room 2\r\n"
        "STATUS:CONFIRMED\r\n"
        "TRANSP:OPAQUE\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
