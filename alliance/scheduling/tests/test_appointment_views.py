"""Appointment detail, change and status pages."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.scheduling.models import Appointment
from alliance.scheduling.tests.conftest import at


def _url(appointment, action=""):
    return f"/calendar/appointments/{appointment.uuid}/{action}"


def test_it_shows_the_appointment(as_user, book, alice, cleo):
    appointment = book(
        cleo, at(2026, 7, 1, 10), modality="video", location="https://meet.example/x"
    )
    response = as_user(alice).get(_url(appointment))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Wednesday 1 July 2026, 10:00–10:50 (50 minutes)" in body
    assert f'<a href="/clients/{cleo.uuid}/">Cleo Example</a>' in body
    assert '<a href="https://meet.example/x" rel="nofollow">' in body
    assert "Change time, place or purpose" in body
    assert "Cancel appointment" in body
    assert response.context["calendar_url"] == "/calendar/day/2026-07-01/"


def test_it_audits_the_read(as_user, book, alice, cleo):
    appointment = book(cleo, at(2026, 7, 1, 10))
    as_user(alice).get(_url(appointment))
    event = AuditEvent.objects.get(action="appointment.view")
    assert (event.actor, event.object_uuid, event.client_uuid) == (
        alice,
        appointment.uuid,
        cleo.uuid,
    )


def test_it_offers_held_and_did_not_attend_once_started(as_user, book, alice, cleo):
    start = (timezone.now() - timedelta(minutes=5)).replace(second=0, microsecond=0)
    appointment = book(cleo, start)
    response = as_user(alice).get(_url(appointment))
    assert [label for _, label in response.context["buttons"]] == [
        "Mark held",
        "Did not attend",
    ]


def test_it_offers_no_status_buttons_well_before_the_start(as_user, book, alice, cleo):
    appointment = book(cleo, at(2030, 12, 3, 10))
    assert as_user(alice).get(_url(appointment)).context["buttons"] == []


def test_it_shows_a_supervisor_no_actions(as_user, book, sam, cleo):
    appointment = book(cleo, at(2026, 7, 1, 10))
    response = as_user(sam).get(_url(appointment))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Update this appointment" not in body
    assert f'<a href="/clients/{cleo.uuid}/">' in body


def test_it_shows_the_practice_admin_no_chart_link(as_user, book, ada, cleo):
    appointment = book(cleo, at(2026, 7, 1, 10))
    body = as_user(ada).get(_url(appointment)).content.decode()
    assert "Cleo Example" in body
    assert f"/clients/{cleo.uuid}/" not in body
    assert "Update this appointment" in body


def test_it_lets_the_clinician_on_the_calendar_see_an_admin_booking(
    as_user, book, ada, bob, cleo
):
    """Bob is not Cleo's clinician, but the admin put her on his calendar."""
    appointment = book(cleo, at(2026, 7, 1, 10), clinician=bob, by=ada)
    response = as_user(bob).get(_url(appointment))
    assert response.status_code == 200
    assert response.context["can_write"] is True
    assert response.context["chart_link"] is False


def test_it_reschedules(as_user, book, alice, cleo):
    appointment = book(cleo, at(2026, 7, 1, 10))
    http = as_user(alice)
    # The form shows London wall-clock time (09:00 UTC in summer).
    assert (
        'value="2026-07-01T10:00"'
        in http.get(_url(appointment, "edit/")).content.decode()
    )
    response = http.post(
        _url(appointment, "edit/"),
        {
            "starts_at": "2026-07-02T14:30",
            "duration_minutes": "60",
            "modality": "phone",
            "location": "",
            "version": "1",
        },
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == at(2026, 7, 2, 14, 30)
    assert appointment.duration_minutes == 60


def test_it_shows_a_reschedule_clash(as_user, book, alice, cleo):
    book(cleo, at(2026, 7, 2, 14))
    appointment = book(cleo, at(2026, 7, 1, 10))
    response = as_user(alice).post(
        _url(appointment, "edit/"),
        {
            "starts_at": "2026-07-02T14:30",
            "duration_minutes": "50",
            "modality": "phone",
            "version": "1",
        },
    )
    assert response.context["form"].non_field_errors() == [
        "Alice Clinician already has an appointment 14:00–14:50 on Thu 2 Jul."
    ]


def test_it_cancels_with_a_reason(as_user, book, alice, cleo):
    appointment = book(cleo, at(2030, 12, 3, 10))
    response = as_user(alice).post(
        _url(appointment, "status/"), {"status": "cancelled", "reason": "Client unwell"}
    )
    assert response.status_code == 302
    assert response["Location"] == _url(appointment)
    appointment.refresh_from_db()
    assert (appointment.status, appointment.cancel_reason) == (
        "cancelled",
        "Client unwell",
    )


def test_it_reports_a_refused_status_change(as_user, book, alice, cleo):
    appointment = book(cleo, at(2030, 12, 3, 10))
    http = as_user(alice)
    response = http.post(
        _url(appointment, "status/"), {"status": "cancelled"}, follow=True
    )
    assert "Give a reason for cancelling." in response.content.decode()
    assert Appointment.objects.get().status == "booked"


def test_it_marks_held(as_user, book, alice, cleo):
    start = (timezone.now() - timedelta(hours=1)).replace(second=0, microsecond=0)
    appointment = book(cleo, start)
    as_user(alice).post(_url(appointment, "status/"), {"status": "held"})
    assert Appointment.objects.get().status == "held"


def test_it_lets_the_practice_admin_cancel(as_user, book, ada, dan):
    appointment = book(dan, at(2030, 12, 3, 10))
    as_user(ada).post(
        _url(appointment, "status/"), {"status": "cancelled", "reason": "Room closed"}
    )
    assert Appointment.objects.get().status == "cancelled"


def test_it_refuses_a_supervisors_write(as_user, book, sam, cleo):
    appointment = book(cleo, at(2030, 12, 3, 10))
    response = as_user(sam).post(
        _url(appointment, "status/"), {"status": "cancelled", "reason": "x"}
    )
    assert response.status_code == 403
    assert Appointment.objects.get().status == "booked"
    assert (
        AuditEvent.objects.filter(
            action="appointment.edit", outcome=AuditEvent.Outcome.DENIED
        ).count()
        == 1
    )


def test_it_hides_another_practices_appointment(as_user, book, zed, cleo):
    appointment = book(cleo, at(2030, 12, 3, 10))
    assert as_user(zed).get(_url(appointment)).status_code == 404
