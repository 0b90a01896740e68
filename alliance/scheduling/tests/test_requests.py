"""Clients' requests to cancel or move an appointment: the notice period,
late cancellations, approve and decline, the outcome email, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from alliance.audit.models import AuditEvent
from alliance.scheduling.models import Appointment, AppointmentRequest
from alliance.scheduling.requests import decide_request, is_late, request_change
from alliance.scheduling.tests.conftest import at

START = at(2030, 7, 1, 15)


@pytest.fixture
def appointment(book, cleo):
    return book(cleo, START)


def test_notice_period_boundary(appointment, practice):
    assert practice.cancel_notice_hours == 24
    assert not is_late(appointment, START - timedelta(hours=24))
    assert is_late(appointment, START - timedelta(hours=24) + timedelta(seconds=1))
    practice.cancel_notice_hours = 48
    practice.save()
    appointment.client.practice.refresh_from_db()
    assert is_late(appointment, START - timedelta(hours=47))


def test_request_in_time_and_approved_is_a_plain_cancellation(
    appointment, cleo, alice, mailoutbox
):
    change = request_change(
        appointment,
        kind="cancel",
        message="CANARY-private reason",
        by=cleo.user,
        now=START - timedelta(days=3),
    )
    assert change.is_pending and not change.late
    assert AuditEvent.objects.filter(action="appointment_request.create").count() == 1
    decide_request(change, approve=True, by=alice)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    change.refresh_from_db()
    assert change.status == AppointmentRequest.Status.APPROVED
    assert change.decided_by == alice
    assert AuditEvent.objects.filter(action="appointment_request.approve").count() == 1
    (email,) = mailoutbox
    assert email.to == ["cleo@example.net"]
    assert "approved" in email.body and "late" not in email.body
    # No clinical text: neither the client's message nor the referral reason.
    assert "CANARY" not in email.body + email.subject


def test_request_inside_notice_is_allowed_and_becomes_a_late_cancellation(
    appointment, cleo, alice, mailoutbox
):
    change = request_change(
        appointment, kind="cancel", by=cleo.user, now=START - timedelta(hours=3)
    )
    assert change.late
    decide_request(change, approve=True, by=alice)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.LATE_CANCELLED
    assert appointment.is_cancelled
    assert "late cancellation" in mailoutbox[0].body
    # A late-cancelled appointment frees the clinician's time.
    assert not Appointment.objects.booked().filter(pk=appointment.pk).exists()


def test_declined_request_leaves_the_appointment(appointment, cleo, alice, mailoutbox):
    change = request_change(
        appointment,
        kind="reschedule",
        preferred_times="Tuesday mornings",
        by=cleo.user,
        now=START - timedelta(days=2),
    )
    decide_request(change, approve=False, by=alice)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    change.refresh_from_db()
    assert change.status == AppointmentRequest.Status.DECLINED
    assert "declined" in mailoutbox[0].body
    with pytest.raises(ValidationError, match="already been declined"):
        decide_request(change, approve=True, by=alice)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "reschedule"}, "Say which days and times"),
        ({"kind": "cancel", "message": "x" * 1001}, "under 1000 characters"),
        ({"kind": "later"}, "Choose whether to cancel or to move"),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(
    appointment, cleo, fields, message
):
    with pytest.raises(ValidationError, match=message):
        request_change(
            appointment, by=cleo.user, now=START - timedelta(days=2), **fields
        )
    assert not AppointmentRequest.objects.exists()


def test_one_pending_request_and_none_after_the_start(appointment, cleo, alice):
    request_change(
        appointment, kind="cancel", by=cleo.user, now=START - timedelta(days=2)
    )
    with pytest.raises(ValidationError, match="already asked"):
        request_change(
            appointment, kind="cancel", by=cleo.user, now=START - timedelta(days=1)
        )
    with pytest.raises(ValidationError, match="no longer be changed"):
        request_change(appointment, kind="cancel", by=cleo.user, now=START)
    with pytest.raises(ValidationError, match="Only the client"):
        request_change(
            appointment, kind="cancel", by=alice, now=START - timedelta(days=2)
        )


def test_clinician_answers_from_home_and_appointment_page(
    appointment, cleo, alice, as_user, mailoutbox
):
    change = request_change(
        appointment,
        kind="cancel",
        message="Feeling unwell",
        by=cleo.user,
        now=START - timedelta(hours=2),
    )
    http = as_user(alice)
    home = http.get("/").content.decode()
    assert "Appointment requests from clients" in home
    assert "inside the notice period" in home
    page = http.get(appointment.get_absolute_url()).content.decode()
    assert "Feeling unwell" in page
    response = http.post(
        f"/calendar/requests/{change.uuid}/decide/", {"decision": "approve"}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.LATE_CANCELLED
    assert "Appointment requests from clients" not in http.get("/").content.decode()


def test_bad_decision_changes_nothing(appointment, cleo, alice, as_user):
    change = request_change(
        appointment, kind="cancel", by=cleo.user, now=START - timedelta(days=2)
    )
    response = as_user(alice).post(
        f"/calendar/requests/{change.uuid}/decide/", {"decision": "maybe"}, follow=True
    )
    assert "Choose whether to approve or decline" in response.content.decode()
    change.refresh_from_db()
    assert change.is_pending
