"""The hand-written iCalendar writer: escaping and folding (RFC 5545)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from alliance.scheduling.ics import calendar, escape_text, fold
from alliance.scheduling.models import Appointment


def test_it_escapes_text_values():
    assert escape_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_it_drops_control_characters():
    assert escape_text("Room\x07 2\tA") == "Room 2\tA"


def test_it_leaves_short_lines_alone():
    line = "SUMMARY:" + "x" * 67
    assert len(line) == 75
    assert fold(line) == line


def test_it_folds_at_75_octets():
    line = "LOCATION:" + "x" * 200
    pieces = fold(line).split("\r\n")
    assert [len(p) for p in pieces] == [75, 75, 61]
    assert all(p.startswith(" ") for p in pieces[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(pieces)) == line


def test_it_never_splits_a_multibyte_character():
    line = "LOCATION:" + "é" * 100
    pieces = fold(line).split("\r\n")
    assert all(len(p.encode()) <= 75 for p in pieces)
    for piece in pieces:
        piece.encode().decode("utf-8")  # each piece is whole UTF-8
    assert "".join(p[1:] if i else p for i, p in enumerate(pieces)) == line


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
