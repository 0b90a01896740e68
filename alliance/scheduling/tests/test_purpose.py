"""Appointment purposes: the default (assessment first, then treatment), the
practice's own purposes, changing one, and when a cancellation happened."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.scheduling.models import Appointment, purpose_choices
from alliance.scheduling.services import reschedule_appointment, set_status
from alliance.scheduling.tests.conftest import at


def test_the_first_appointment_of_an_episode_is_an_assessment(book, cleo):
    first = book(cleo, at(2030, 1, 7, 10))
    second = book(cleo, at(2030, 1, 14, 10))
    assert (first.purpose, second.purpose) == ("assessment", "treatment")
    event = AuditEvent.objects.filter(action="appointment.book").first()
    assert event.detail["purpose"] in {"assessment", "treatment"}


def test_a_cancelled_first_appointment_leaves_the_next_an_assessment(book, alice, cleo):
    first = book(cleo, at(2030, 1, 7, 10))
    set_status(first, "cancelled", by=alice, reason="Client unwell.")
    assert book(cleo, at(2030, 1, 14, 10)).purpose == "assessment"


def test_a_chosen_purpose_is_kept(book, cleo):
    assert book(cleo, at(2030, 1, 7, 10), purpose="review").purpose == "review"


def test_a_practice_adds_its_own_purposes(book, practice, cleo):
    practice.appointment_purposes = "Couples session\n\nCouples session\nGroup"
    practice.save()
    assert practice.appointment_purpose_list() == ["Couples session", "Group"]
    assert purpose_choices(practice)[-2:] == [
        ("Couples session", "Couples session"),
        ("Group", "Group"),
    ]
    cleo.practice.refresh_from_db()
    booked = book(cleo, at(2030, 1, 7, 10), purpose="Group")
    assert (booked.purpose, booked.purpose_label) == ("Group", "Group")


def test_an_unknown_purpose_is_refused(book, cleo):
    with pytest.raises(ValidationError) as exc:
        book(cleo, at(2030, 1, 7, 10), purpose="Walk in the park")
    assert exc.value.messages == [
        "“Walk in the park” is not one of the practice's purposes."
    ]
    assert not Appointment.objects.exists()


def test_changing_the_purpose_is_saved_and_audited(book, alice, cleo):
    appointment = book(cleo, at(2030, 1, 7, 10))
    changed = reschedule_appointment(
        appointment,
        starts_at=appointment.starts_at,
        duration_minutes=50,
        modality="in_person",
        location="Room 2",
        purpose="booster",
        by=alice,
    )
    assert changed.purpose == "booster"
    event = AuditEvent.objects.get(action="appointment.reschedule")
    assert event.detail["fields"] == ["purpose"]


def test_the_booking_form_offers_purposes_and_books_one(as_user, alice, cleo):
    page = as_user(alice).get("/calendar/new/")
    choices = dict(page.context["form"].fields["purpose"].choices)
    assert choices[""] == "Assessment if first, otherwise treatment"
    assert choices["follow_up"] == "Follow-up"
    response = as_user(alice).post(
        "/calendar/new/",
        {
            "client": str(cleo.uuid),
            "starts_at": "2030-07-01T10:00",
            "duration_minutes": "50",
            "modality": "in_person",
            "location": "Room 2",
            "purpose": "review",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.purpose == "review"
    detail = as_user(alice).get(appointment.get_absolute_url()).content.decode()
    assert "<dt>Purpose</dt><dd>Review</dd>" in detail


def test_the_booking_form_refuses_a_made_up_purpose(as_user, alice, cleo):
    response = as_user(alice).post(
        "/calendar/new/",
        {
            "client": str(cleo.uuid),
            "starts_at": "2030-07-01T10:00",
            "duration_minutes": "50",
            "modality": "in_person",
            "purpose": "<b>x</b>",
        },
    )
    assert response.status_code == 200
    assert "Choose a purpose from the list." in response.content.decode()
    assert not Appointment.objects.exists()


def test_the_edit_form_changes_the_purpose(as_user, alice, book, cleo):
    appointment = book(cleo, at(2030, 1, 7, 10))
    url = f"/calendar/appointments/{appointment.uuid}/edit/"
    form = as_user(alice).get(url).context["form"]
    assert form.initial["purpose"] == "assessment"
    response = as_user(alice).post(
        url,
        {
            "starts_at": "2030-01-07T10:00",
            "duration_minutes": "50",
            "modality": "in_person",
            "location": "Room 2",
            "purpose": "treatment",
            "version": str(appointment.version),
        },
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.purpose == "treatment"


def test_cancelling_records_when_and_reinstating_clears_it(book, alice, cleo):
    appointment = book(cleo, at(2030, 1, 7, 10))
    before = timezone.now()
    cancelled = set_status(appointment, "cancelled", by=alice, reason="Unwell.")
    assert before <= cancelled.cancelled_at <= timezone.now() + timedelta(seconds=1)
    reinstated = set_status(cancelled, "booked", by=alice)
    assert reinstated.cancelled_at is None


def test_the_migration_makes_each_episodes_first_kept_appointment_an_assessment(
    book, alice, cleo, dan
):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "alliance.scheduling.migrations.0004_outcomes_appointment_purpose"
    )
    cancelled = book(cleo, at(2030, 1, 1, 10))
    set_status(cancelled, "cancelled", by=alice, reason="Unwell.")
    first = book(cleo, at(2030, 1, 7, 10))
    later = book(cleo, at(2030, 1, 14, 10))
    other = book(dan, at(2030, 1, 8, 10))
    Appointment.objects.update(purpose="treatment")
    migration.backfill(apps, None)
    purposes = dict(Appointment.objects.values_list("pk", "purpose"))
    assert purposes == {
        cancelled.pk: "treatment",
        first.pk: "assessment",
        later.pk: "treatment",
        other.pk: "assessment",
    }


def test_the_practice_settings_keep_purposes_tidy(practice):
    from alliance.accounts.forms import PracticeForm

    def clean(text):
        form = PracticeForm(instance=practice)
        form.cleaned_data = {"appointment_purposes": text}
        return form.clean_appointment_purposes()

    assert clean("  Group \n\nGroup\nCouples session") == "Group\nCouples session"
    with pytest.raises(ValidationError) as exc:
        clean("x" * 61)
    assert "Keep each purpose under 60 characters" in exc.value.messages[0]
