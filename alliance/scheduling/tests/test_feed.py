"""The .ics feed: public behind a secret token, and free of client data."""

from __future__ import annotations

import re
from datetime import UTC, timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.scheduling.services import rotate_calendar_token, set_status


def _start(days, hour=10):
    day = timezone.now() + timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def _unfold(text):
    """Undo RFC 5545 line folding and split into content lines."""
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    lines = []
    for line in physical:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def _parse(text):
    """Parse the calendar into (calendar properties, list of event dicts),
    checking BEGIN/END nesting and the name:value shape of every line."""
    stack, events, calendar = [], [], {}
    for line in _unfold(text):
        name, sep, value = line.partition(":")
        assert sep == ":" and name and name == name.upper(), line
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                events.append({})
        elif name == "END":
            assert stack.pop() == value
        elif stack == ["VCALENDAR", "VEVENT"]:
            assert name not in events[-1], f"{name} twice"
            events[-1][name] = value
        else:
            assert stack == ["VCALENDAR"], line
            calendar[name] = value
    assert stack == []
    return calendar, events


@pytest.fixture
def feed(alice):
    token = rotate_calendar_token(alice)
    return reverse("scheduling:feed", args=[token])


def test_it_serves_text_calendar_with_crlf_lines(client, feed, book, cleo):
    book(cleo, _start(2))
    response = client.get(feed)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    body = response.getvalue().decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_it_describes_each_appointment_without_client_data(client, feed, book, cleo):
    appointment = book(cleo, _start(2), location="Room 2, first floor; Riverside")
    body = client.get(feed).getvalue().decode()
    calendar, events = _parse(body)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//Alliance//Scheduling//EN"
    assert events == [
        {
            "UID": f"{appointment.uuid}@alliance",
            "DTSTAMP": events[0]["DTSTAMP"],
            "DTSTART": appointment.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M00Z"),
            "DTEND": appointment.ends_at.astimezone(UTC).strftime("%Y%m%dT%H%M00Z"),
            "SUMMARY": "Client appointment",
            "DESCRIPTION": "In person",
            "LOCATION": "Room 2\\, first floor\\; Riverside",
            "STATUS": "CONFIRMED",
            "TRANSP": "OPAQUE",
        }
    ]
    assert re.fullmatch(r"\d{8}T\d{6}Z", events[0]["DTSTAMP"])
    for private in ("Cleo", "Example", "C.E.", "CANARY-", "cleo@example.net"):
        assert private not in body


def test_it_leaves_out_video_links(client, feed, book, cleo, dan, bob):
    book(cleo, _start(3), modality="video", location="https://meet.example/cleo")
    book(cleo, _start(4), modality="phone", location="Call 07700 900123")
    body = client.get(feed).getvalue().decode()
    _, events = _parse(body)
    assert [e["DESCRIPTION"] for e in events] == ["Video", "Phone"]
    assert all("LOCATION" not in e for e in events)
    assert "meet.example" not in body
    assert "07700" not in body


def test_it_lists_only_this_clinicians_appointments_in_the_window(
    client, feed, book, alice, cleo, dan
):
    kept = [book(cleo, _start(-29)), book(cleo, _start(179))]
    book(cleo, _start(-31))
    book(cleo, _start(181))
    book(dan, _start(2))
    cancelled = book(cleo, _start(5))
    set_status(cancelled, "cancelled", by=alice, reason="Client unwell")
    _, events = _parse(client.get(feed).getvalue().decode())
    assert [e["UID"] for e in events] == [f"{a.uuid}@alliance" for a in kept]


def test_it_includes_held_and_missed_appointments(client, feed, book, alice, cleo):
    held = book(cleo, _start(-2))
    set_status(held, "held", by=alice)
    _, events = _parse(client.get(feed).getvalue().decode())
    assert [e["UID"] for e in events] == [f"{held.uuid}@alliance"]


def test_it_records_each_fetch(client, feed, alice):
    client.get(feed, REMOTE_ADDR="203.0.113.9")
    event = AuditEvent.objects.get(action="calendar_feed.fetch")
    assert event.actor == alice
    assert event.ip == "203.0.113.9"
    assert event.detail == {"count": 0}


def test_it_answers_404_to_an_unknown_token(client, alice):
    rotate_calendar_token(alice)
    assert (
        client.get(reverse("scheduling:feed", args=["not-the-token"])).status_code
        == 404
    )
    assert client.get("/calendar/feed/.ics").status_code == 404


def test_it_answers_404_before_any_token_was_made(client, alice):
    assert alice.calendar_token_hash == ""
    assert client.get("/calendar/feed/.ics").status_code == 404


def test_it_answers_404_for_an_inactive_clinician(client, feed, alice):
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert client.get(feed).status_code == 404


def test_it_stops_answering_the_old_address_after_rotation(client, feed, alice):
    assert client.get(feed).status_code == 200
    new = rotate_calendar_token(alice)
    assert client.get(feed).status_code == 404
    assert client.get(reverse("scheduling:feed", args=[new])).status_code == 200


def test_it_needs_no_login(feed):
    assert HttpClient().get(feed).status_code == 200


def test_it_refuses_post(client, feed):
    assert client.post(feed).status_code == 405
