from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from alliance.audit.models import AuditEvent
from alliance.clients.services import transition_episode
from alliance.scheduling.models import Appointment
from alliance.scheduling.services import book_appointment
from alliance.scheduling.tests.conftest import at


def _book(client, clinician, *, by=None, minutes=50, modality="video", start=None):
    return book_appointment(
        client=client,
        clinician=clinician,
        starts_at=start or at(2026, 12, 1, 10),
        duration_minutes=minutes,
        modality=modality,
        location="  https://video.example/room  ",
        by=by or clinician,
    )


def test_it_books_in_the_open_episode(alice, cleo):
    appointment = _book(cleo, alice)
    assert appointment.client == cleo
    assert appointment.clinician == alice
    assert appointment.episode == cleo.current_episode()
    assert appointment.starts_at == at(2026, 12, 1, 10)
    assert appointment.ends_at == at(2026, 12, 1, 10, 50)
    assert appointment.duration_minutes == 50
    assert appointment.modality == "video"
    assert appointment.location == "https://video.example/room"
    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.created_by == alice


def test_it_records_audit_event(alice, cleo):
    appointment = _book(cleo, alice)
    event = AuditEvent.objects.get(action="appointment.book")
    assert event.actor == alice
    assert event.object_uuid == appointment.uuid
    assert event.client_uuid == cleo.uuid


def test_it_lets_the_practice_admin_book_with_any_clinician(ada, bob, cleo):
    appointment = _book(cleo, bob, by=ada)
    assert appointment.clinician == bob
    assert appointment.created_by == ada


@pytest.mark.parametrize("minutes", [10, 240])
def test_it_accepts_the_duration_limits(alice, cleo, minutes):
    appointment = _book(cleo, alice, minutes=minutes)
    assert appointment.duration == timedelta(minutes=minutes)


@pytest.mark.parametrize("minutes", [0, 9, 241, 600])
def test_it_refuses_durations_outside_10_to_240_minutes(alice, cleo, minutes):
    with pytest.raises(ValidationError) as exc:
        _book(cleo, alice, minutes=minutes)
    assert exc.value.messages == ["An appointment lasts between 10 and 240 minutes."]
    assert Appointment.objects.count() == 0


def test_it_refuses_a_clinician_of_another_practice(alice, cleo, other_practice):
    from alliance.accounts.models import User

    stranger = User.objects.create_user(
        "stranger@example.org",
        "x" * 16,
        full_name="Stranger Clinician",
        role="clinician",
        practice=other_practice,
    )
    with pytest.raises(ValidationError) as exc:
        _book(cleo, stranger, by=alice)
    assert exc.value.messages == [
        "Appointments can only be booked with an active clinician of the "
        "client's practice."
    ]
    assert Appointment.objects.count() == 0


def test_it_refuses_a_practice_admin_as_the_clinician(ada, cleo):
    with pytest.raises(ValidationError):
        _book(cleo, ada)
    assert Appointment.objects.count() == 0


def test_it_refuses_an_inactive_clinician(alice, bob, cleo):
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        _book(cleo, bob, by=alice)


def test_it_refuses_a_booker_from_another_practice(zed, alice, cleo):
    with pytest.raises(ValidationError) as exc:
        _book(cleo, alice, by=zed)
    assert exc.value.messages == [
        "You can only book appointments in your own practice."
    ]


def test_it_refuses_a_client_whose_episode_is_closed(alice, cleo):
    transition_episode(
        cleo.current_episode(),
        "closed",
        by=alice,
        discharge="other",
        reason="Did not engage",
    )
    with pytest.raises(ValidationError) as exc:
        _book(cleo, alice)
    assert exc.value.messages == [
        "Cleo Example's episode of care is closed. Open a new episode before booking."
    ]
    assert Appointment.objects.count() == 0


def test_it_refuses_an_unknown_modality(alice, cleo):
    with pytest.raises(ValidationError) as exc:
        _book(cleo, alice, modality="carrier_pigeon")
    assert exc.value.messages == [
        "Choose how you will meet: in person, video or phone."
    ]


def test_it_refuses_a_naive_start(alice, cleo):
    from datetime import datetime

    with pytest.raises(ValueError):
        _book(cleo, alice, start=datetime(2026, 12, 1, 10))
