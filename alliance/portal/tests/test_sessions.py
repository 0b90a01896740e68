"""The client's sessions in the portal: times in their zone, the calendar
file, asking to cancel or move, and joining a video session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.scheduling.models import AppointmentRequest
from alliance.scheduling.services import book_appointment

# 15:00 in London in July (BST) is 14:00 UTC and 10:00 in New York (EDT).
START = datetime(2030, 7, 1, 14, tzinfo=UTC)


def _book(cleo, starts_at, **extra):
    fields = {"modality": "in_person", "location": "Room 2"} | extra
    return book_appointment(
        client=cleo,
        clinician=cleo.clinician,
        starts_at=starts_at,
        duration_minutes=50,
        by=cleo.clinician,
        **fields,
    )


def test_times_in_the_practice_zone_then_the_clients_own(cleo, portal):
    _book(cleo, START)
    page = portal.get("/portal/sessions/").content.decode()
    assert "15:00–15:50" in page
    assert "With Alice Clinician" in page
    assert "Room 2" in page
    assert AuditEvent.objects.filter(action="portal.appointments_view").exists()
    response = portal.post(
        "/portal/sessions/time-zone/", {"time_zone": "America/New_York"}
    )
    assert response.status_code == 302
    cleo.refresh_from_db()
    assert cleo.time_zone == "America/New_York"
    page = portal.get("/portal/sessions/").content.decode()
    assert "10:00–10:50" in page
    assert "15:00" not in page


def test_unknown_time_zone_is_refused(cleo, portal):
    response = portal.post(
        "/portal/sessions/time-zone/", {"time_zone": "Mars/Olympus"}, follow=True
    )
    assert "Choose a time zone from the list" in response.content.decode()
    cleo.refresh_from_db()
    assert cleo.time_zone == ""


def test_add_to_calendar_file(cleo, portal):
    appointment = _book(cleo, START)
    response = portal.get(f"/portal/sessions/{appointment.uuid}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    text = b"".join(response.streaming_content).decode()
    assert "SUMMARY:Session with Alice Clinician" in text
    assert "Cleo" not in text and "CANARY" not in text
    assert "DTSTART:20300701T140000Z" in text


def test_ask_to_cancel_from_the_portal(cleo, portal):
    appointment = _book(cleo, START)
    response = portal.post(
        f"/portal/sessions/{appointment.uuid}/request/",
        {"kind": "cancel", "message": "I have an exam"},
    )
    assert response.status_code == 302
    change = AppointmentRequest.objects.get()
    assert change.is_pending and change.message == "I have an exam"
    page = portal.get("/portal/sessions/").content.decode()
    assert "Waiting for an answer" in page
    # Asking again while the first is pending: the page says so.
    again = portal.get(f"/portal/sessions/{appointment.uuid}/request/")
    assert "can no longer be changed here" in again.content.decode()


def test_bad_request_input_is_explained(cleo, portal):
    appointment = _book(cleo, START)
    response = portal.post(
        f"/portal/sessions/{appointment.uuid}/request/", {"kind": "reschedule"}
    )
    assert response.status_code == 200
    assert "Say which days and times would suit you" in response.content.decode()
    assert not AppointmentRequest.objects.exists()


def test_late_request_is_flagged_on_the_form(cleo, portal):
    appointment = _book(cleo, timezone.now() + timedelta(hours=2))
    page = portal.get(f"/portal/sessions/{appointment.uuid}/request/").content
    assert b"late cancellation" in page


@pytest.mark.parametrize(("minutes", "opens"), [(9, True), (11, False)])
def test_join_opens_ten_minutes_before(cleo, portal, minutes, opens):
    appointment = _book(
        cleo,
        timezone.now() + timedelta(minutes=minutes),
        modality="video",
        location="",
    )
    response = portal.get(f"/portal/sessions/{appointment.uuid}/join/")
    if opens:
        assert response.status_code == 302
        assert response["Location"].endswith(appointment.video_room)
        assert AuditEvent.objects.filter(action="appointment.join").exists()
    else:
        assert response.status_code == 200
        body = response.content.decode()
        assert "You can join from" in body
        assert appointment.video_room not in body
        listing = portal.get("/portal/sessions/").content.decode()
        assert appointment.video_room not in listing
        assert "The link to join opens at" in listing


def test_join_closes_at_the_end(cleo, portal):
    appointment = _book(
        cleo,
        timezone.now() - timedelta(minutes=50),
        modality="video",
        location="",
    )
    response = portal.get(f"/portal/sessions/{appointment.uuid}/join/")
    assert response.status_code == 200
    assert "This session has ended" in response.content.decode()
