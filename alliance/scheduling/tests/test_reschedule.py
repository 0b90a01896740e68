from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from alliance.audit.models import AuditEvent
from alliance.clients.services import transition_episode
from alliance.scheduling.models import Appointment
from alliance.scheduling.services import reschedule_appointment, set_status
from alliance.scheduling.tests.conftest import at


def _move(appointment, by, start, minutes=50, modality="in_person", location="Room 2"):
    return reschedule_appointment(
        appointment,
        starts_at=start,
        duration_minutes=minutes,
        modality=modality,
        location=location,
        by=by,
    )


def test_it_moves_the_appointment(book, alice, cleo):
    appointment = book(cleo, at(2026, 12, 1, 10))
    moved = _move(appointment, alice, at(2026, 12, 2, 15), 60, "phone", "")
    moved.refresh_from_db()
    assert moved.starts_at == at(2026, 12, 2, 15)
    assert moved.ends_at == at(2026, 12, 2, 16)
    assert moved.modality == "phone"
    assert moved.location == ""
    event = AuditEvent.objects.get(action="appointment.reschedule")
    assert event.detail["fields"] == ["starts_at", "ends_at", "modality", "location"]
    assert event.client_uuid == cleo.uuid


def test_it_may_overlap_its_own_old_slot(book, alice, cleo):
    appointment = book(cleo, at(2026, 12, 1, 10))
    moved = _move(appointment, alice, at(2026, 12, 1, 10, 20))
    assert moved.starts_at == at(2026, 12, 1, 10, 20)


def test_it_refuses_a_clash_with_another_appointment(book, alice, cleo):
    book(cleo, at(2026, 12, 1, 10))
    later = book(cleo, at(2026, 12, 1, 11))
    with pytest.raises(ValidationError) as exc:
        _move(later, alice, at(2026, 12, 1, 10, 45))
    assert exc.value.messages == [
        "Alice Clinician already has an appointment 10:00–10:50 on Tue 1 Dec."
    ]
    later.refresh_from_db()
    assert later.starts_at == at(2026, 12, 1, 11)


def test_it_allows_touching_after_a_move(book, alice, cleo):
    book(cleo, at(2026, 12, 1, 10))
    later = book(cleo, at(2026, 12, 1, 12))
    moved = _move(later, alice, at(2026, 12, 1, 10, 50))
    assert moved.starts_at == at(2026, 12, 1, 10, 50)


def test_it_refuses_bad_durations(book, alice, cleo):
    appointment = book(cleo, at(2026, 12, 1, 10))
    with pytest.raises(ValidationError):
        _move(appointment, alice, at(2026, 12, 1, 10), minutes=5)


def test_it_refuses_a_cancelled_appointment(book, alice, cleo):
    appointment = book(cleo, at(2026, 12, 1, 10))
    set_status(appointment, "cancelled", by=alice, reason="Client unwell")
    with pytest.raises(ValidationError) as exc:
        _move(appointment, alice, at(2026, 12, 3, 10))
    assert exc.value.messages == [
        "This appointment is cancelled; only booked appointments can be changed."
    ]


def test_it_refuses_an_appointment_in_a_closed_episode(book, alice, cleo):
    # Closing is refused while appointments are still to come, so the booking
    # left behind by a closed episode is a past one that was never updated.
    appointment = book(cleo, at(2026, 11, 2, 10))
    transition_episode(
        cleo.current_episode(),
        "closed",
        by=alice,
        discharge="other",
        reason="Moved away",
    )
    with pytest.raises(ValidationError) as exc:
        _move(appointment, alice, at(2026, 11, 3, 10))
    assert exc.value.messages == [
        "The episode of care this appointment belongs to is closed, so the "
        "appointment can no longer be changed."
    ]
    assert Appointment.objects.get().starts_at == at(2026, 11, 2, 10)


def test_it_writes_nothing_when_nothing_changed(book, alice, cleo):
    appointment = book(cleo, at(2026, 12, 1, 10))
    _move(appointment, alice, at(2026, 12, 1, 10))
    assert not AuditEvent.objects.filter(action="appointment.reschedule").exists()
