from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.scheduling.services import set_status
from alliance.scheduling.tests.conftest import at


def _soon(minutes):
    """A start ``minutes`` from now, on a whole minute."""
    return (timezone.now() + timedelta(minutes=minutes)).replace(
        second=0, microsecond=0
    )


def test_it_marks_a_past_appointment_held(book, alice, cleo):
    appointment = book(cleo, _soon(-60))
    held = set_status(appointment, "held", by=alice)
    assert held.status == "held"
    event = AuditEvent.objects.get(action="appointment.mark_held")
    assert event.detail == {"from": "booked", "to": "held"}


def test_it_marks_held_from_15_minutes_before_the_start(book, alice, cleo):
    appointment = book(cleo, _soon(14))
    assert set_status(appointment, "held", by=alice).status == "held"


def test_it_refuses_to_mark_held_more_than_15_minutes_ahead(book, alice, cleo):
    appointment = book(cleo, at(2030, 12, 3, 10))
    with pytest.raises(ValidationError) as exc:
        set_status(appointment, "held", by=alice)
    assert exc.value.messages == [
        "This appointment is 10:00–10:50 on Tue 3 Dec. It can be marked held "
        "from 15 minutes before it starts."
    ]
    appointment.refresh_from_db()
    assert appointment.status == "booked"


def test_it_records_did_not_attend_after_the_start(book, alice, cleo):
    appointment = book(cleo, _soon(-5))
    assert set_status(appointment, "no_show", by=alice).status == "no_show"
    assert AuditEvent.objects.filter(action="appointment.mark_no_show").count() == 1


def test_it_refuses_did_not_attend_before_the_start(book, alice, cleo):
    appointment = book(cleo, _soon(10))
    with pytest.raises(ValidationError) as exc:
        set_status(appointment, "no_show", by=alice)
    assert exc.value.messages == [
        "You can record that the client did not attend once the appointment's "
        "start time has passed."
    ]


def test_it_cancels_with_a_reason(book, alice, cleo):
    appointment = book(cleo, at(2030, 12, 3, 10))
    cancelled = set_status(appointment, "cancelled", by=alice, reason=" Client unwell ")
    cancelled.refresh_from_db()
    assert cancelled.status == "cancelled"
    assert cancelled.cancel_reason == "Client unwell"
    event = AuditEvent.objects.get(action="appointment.cancel")
    # The reason stays on the appointment, not in the audit log.
    assert event.detail == {"from": "booked", "to": "cancelled"}


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_refuses_to_cancel_without_a_reason(book, alice, cleo, reason):
    appointment = book(cleo, at(2030, 12, 3, 10))
    with pytest.raises(ValidationError) as exc:
        set_status(appointment, "cancelled", by=alice, reason=reason)
    assert exc.value.messages == ["Give a reason for cancelling."]
    appointment.refresh_from_db()
    assert appointment.status == "booked"


def test_it_refuses_an_overlong_reason(book, alice, cleo):
    appointment = book(cleo, at(2030, 12, 3, 10))
    with pytest.raises(ValidationError):
        set_status(appointment, "cancelled", by=alice, reason="x" * 201)


def test_it_refuses_to_mark_a_cancelled_appointment_held(book, alice, cleo):
    appointment = book(cleo, _soon(-60))
    set_status(appointment, "cancelled", by=alice, reason="Clinician unwell")
    with pytest.raises(ValidationError) as exc:
        set_status(appointment, "held", by=alice)
    assert exc.value.messages == [
        "A cancelled appointment cannot be marked held. Reinstate it first if it "
        "did take place."
    ]


def test_it_refuses_to_cancel_a_held_appointment(book, alice, cleo):
    appointment = book(cleo, _soon(-60))
    set_status(appointment, "held", by=alice)
    with pytest.raises(ValidationError) as exc:
        set_status(appointment, "cancelled", by=alice, reason="Oops")
    assert exc.value.messages == ["A held appointment cannot be cancelled."]


def test_it_refuses_the_status_it_already_has(book, alice, cleo):
    appointment = book(cleo, at(2030, 12, 3, 10))
    with pytest.raises(ValidationError) as exc:
        set_status(appointment, "booked", by=alice)
    assert exc.value.messages == ["This appointment is already booked."]


def test_it_refuses_an_unknown_status(book, alice, cleo):
    appointment = book(cleo, at(2030, 12, 3, 10))
    with pytest.raises(ValidationError) as exc:
        set_status(appointment, "postponed", by=alice)
    assert exc.value.messages == ["“postponed” is not an appointment status."]


def test_it_undoes_held_back_to_booked(book, alice, cleo):
    appointment = book(cleo, _soon(-60))
    set_status(appointment, "held", by=alice)
    assert set_status(appointment, "booked", by=alice).status == "booked"
    assert AuditEvent.objects.filter(action="appointment.reinstate").count() == 1


def test_it_reinstates_a_cancelled_appointment(book, alice, cleo):
    appointment = book(cleo, at(2030, 12, 3, 10))
    set_status(appointment, "cancelled", by=alice, reason="Client unwell")
    again = set_status(appointment, "booked", by=alice)
    again.refresh_from_db()
    assert again.status == "booked"
    assert again.cancel_reason == ""


def test_it_refuses_to_reinstate_into_a_taken_slot(book, alice, cleo):
    appointment = book(cleo, at(2030, 12, 3, 10))
    set_status(appointment, "cancelled", by=alice, reason="Client unwell")
    book(cleo, at(2030, 12, 3, 10, 30))
    with pytest.raises(ValidationError) as exc:
        set_status(appointment, "booked", by=alice)
    assert exc.value.messages == [
        "Alice Clinician already has an appointment 10:30–11:20 on Tue 3 Dec."
    ]
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
