from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.clients.services import transition_episode
from alliance.notes.models import ProcessNote, ProgressNote, TherapySession
from alliance.notes.services import start_session
from alliance.notes.tests.helpers import book
from alliance.scheduling.models import Appointment
from alliance.scheduling.services import set_status


def test_it_starts_a_session_record(alice, cleo):
    appointment = book(cleo)
    session = start_session(appointment, by=alice, structure="dap")
    assert session.appointment == appointment
    assert session.client == cleo
    assert session.episode == cleo.current_episode()
    assert session.clinician == alice
    assert session.held_at == appointment.starts_at
    note = session.progress_note
    assert note.structure == ProgressNote.Structure.DAP
    assert note.author == alice
    assert note.episode == cleo.current_episode()
    assert note.version == 1
    assert note.is_signed is False
    assert [label for _, label, _, _ in note.sections()] == [
        "Data",
        "Assessment",
        "Plan",
    ]


def test_it_opens_private_process_notes_for_the_clinician(alice, cleo):
    session = start_session(book(cleo), by=alice, structure="soap")
    process_note = ProcessNote.objects.get(session=session)
    assert process_note.author == alice
    assert process_note.text == ""


def test_it_marks_the_appointment_held(alice, cleo):
    appointment = book(cleo)
    start_session(appointment, by=alice, structure="soap")
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.HELD


def test_it_accepts_an_appointment_already_held(alice, cleo):
    appointment = set_status(book(cleo), Appointment.Status.HELD, by=alice)
    session = start_session(appointment, by=alice, structure="birp")
    assert session.progress_note.structure == "birp"


def test_it_refuses_a_cancelled_appointment(alice, cleo):
    appointment = set_status(
        book(cleo), Appointment.Status.CANCELLED, by=alice, reason="Client unwell"
    )
    with pytest.raises(ValidationError, match="was cancelled"):
        start_session(appointment, by=alice, structure="soap")
    assert TherapySession.objects.count() == 0


def test_it_refuses_another_clinicians_appointment(alice, bob, cleo):
    with pytest.raises(ValidationError, match="Only the clinician holding"):
        start_session(book(cleo), by=bob, structure="soap")
    assert TherapySession.objects.count() == 0


def test_it_refuses_a_second_session_for_the_appointment(alice, cleo):
    appointment = book(cleo)
    start_session(appointment, by=alice, structure="soap")
    with pytest.raises(ValidationError, match="already has a session record"):
        start_session(appointment, by=alice, structure="soap")
    assert TherapySession.objects.count() == 1
    assert ProgressNote.objects.count() == 1


def test_it_refuses_a_client_without_an_open_episode(alice, cleo):
    appointment = book(cleo)
    transition_episode(
        cleo.current_episode(),
        "closed",
        by=alice,
        discharge="other",
        reason="Did not engage",
    )
    with pytest.raises(ValidationError, match="no open episode"):
        start_session(appointment, by=alice, structure="soap")
    assert TherapySession.objects.count() == 0


def test_it_refuses_an_appointment_that_has_not_begun(alice, cleo):
    from alliance.scheduling.services import book_appointment

    appointment = book_appointment(
        client=cleo,
        clinician=alice,
        starts_at=timezone.now() + timedelta(days=1),
        duration_minutes=50,
        modality="video",
        location="",
        by=alice,
    )
    with pytest.raises(ValidationError, match="15 minutes before"):
        start_session(appointment, by=alice, structure="soap")


def test_it_refuses_an_unknown_structure(alice, cleo):
    with pytest.raises(ValidationError, match="SOAP, DAP or BIRP"):
        start_session(book(cleo), by=alice, structure="narrative")
    assert TherapySession.objects.count() == 0


def test_it_records_audit_event(alice, cleo):
    session = start_session(book(cleo), by=alice, structure="soap")
    event = AuditEvent.objects.get(action="session.start")
    assert event.actor == alice
    assert event.object_uuid == session.uuid
    assert event.client_uuid == cleo.uuid
    assert event.detail == {"structure": "soap"}


def test_it_starts_from_the_appointment_page(as_user, alice, cleo):
    appointment = book(cleo)
    url = reverse("notes:start", args=[appointment.uuid])
    response = as_user(alice).post(url, {"structure": "soap"})
    session = TherapySession.objects.get(appointment=appointment)
    assert response.status_code == 302
    assert response["Location"] == session.get_absolute_url()


def test_it_refuses_bob(as_user, bob, cleo):
    appointment = book(cleo)
    url = reverse("notes:start", args=[appointment.uuid])
    assert as_user(bob).post(url, {"structure": "soap"}).status_code == 404
    assert TherapySession.objects.count() == 0


def test_it_refuses_sam(as_user, sam, cleo):
    appointment = book(cleo)
    url = reverse("notes:start", args=[appointment.uuid])
    assert as_user(sam).post(url, {"structure": "soap"}).status_code == 403
    assert TherapySession.objects.count() == 0


def test_it_rejects_get(as_user, alice, cleo):
    url = reverse("notes:start", args=[book(cleo).uuid])
    assert as_user(alice).get(url).status_code == 405


def test_it_explains_a_refusal(as_user, alice, cleo):
    appointment = book(cleo)
    start_session(appointment, by=alice, structure="soap")
    url = reverse("notes:start", args=[appointment.uuid])
    response = as_user(alice).post(url, {"structure": "soap"}, follow=True)
    assert "This appointment already has a session record." in response.text


def test_it_offers_the_start_button_to_the_clinician(alice, sam, cleo):
    appointment = book(cleo)
    html = render_to_string(
        "notes/_appointment_session.html", {"appointment": appointment, "user": alice}
    )
    assert reverse("notes:start", args=[appointment.uuid]) in html
    assert "Start session record" in html
    html = render_to_string(
        "notes/_appointment_session.html", {"appointment": appointment, "user": sam}
    )
    assert "Start session record" not in html


def test_it_links_the_session_once_started(alice, cleo):
    appointment = book(cleo)
    session = start_session(appointment, by=alice, structure="soap")
    appointment = Appointment.objects.get(pk=appointment.pk)
    html = render_to_string(
        "notes/_appointment_session.html", {"appointment": appointment, "user": alice}
    )
    assert session.get_absolute_url() in html
    assert "Start session record" not in html


def test_it_refuses_a_clinician_covering_for_the_primary(alice, bob, cleo):
    appointment = book(cleo, clinician=bob)
    with pytest.raises(ValidationError, match="kept by the client's primary"):
        start_session(appointment, by=bob, structure="soap")
    html = render_to_string(
        "notes/_appointment_session.html", {"appointment": appointment, "user": bob}
    )
    assert "Start session record" not in html
