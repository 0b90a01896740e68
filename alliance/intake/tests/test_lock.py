from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.intake.models import IntakeAddendum
from alliance.intake.services import IntakeLocked, add_intake_addendum, save_section
from alliance.intake.tests.helpers import completed, section


@pytest.fixture
def done(cleo):
    return completed(cleo)


def test_it_locks_every_section_after_completion(alice, done):
    before = section(done, "formulation")
    with pytest.raises(IntakeLocked, match="sections are locked"):
        save_section(
            done, "formulation", by=alice, version=before.version, text="Changed."
        )
    after = section(done, "formulation")
    assert (after.text, after.version) == (before.text, before.version)


def test_it_shows_sections_read_only_after_completion(as_user, alice, done):
    html = as_user(alice).get(done.get_absolute_url()).text
    assert "hx-post" not in html
    assert "Loss of routine maintains low mood." in html
    assert "Add addendum" in html


def test_it_answers_a_late_save_with_the_text_kept(as_user, alice, done):
    version = section(done, "formulation").version
    response = as_user(alice).post(
        reverse("intake:section", args=[done.uuid, "formulation"]),
        {"version": version, "text": "A thought I had too late."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert "sections are locked" in response.text
    assert "A thought I had too late." in response.text
    assert section(done, "formulation").text == "Loss of routine maintains low mood."


def test_it_adds_a_dated_addendum(alice, done):
    addendum = add_intake_addendum(done, by=alice, text=" Sleep now improving. ")
    assert addendum.text == "Sleep now improving."
    assert addendum.author == alice
    assert addendum.created_at >= done.completed_at
    assert list(done.addenda.all()) == [addendum]


def test_it_refuses_an_addendum_to_a_draft(alice, intake):
    with pytest.raises(ValidationError, match="still a draft"):
        add_intake_addendum(intake, by=alice, text="Too early.")
    assert IntakeAddendum.objects.count() == 0


def test_it_refuses_an_empty_addendum(alice, done):
    with pytest.raises(ValidationError, match="Write the addendum"):
        add_intake_addendum(done, by=alice, text="   ")


def test_it_refuses_an_addendum_from_bob_or_sam(bob, sam, done):
    for user in (bob, sam):
        with pytest.raises(
            ValidationError, match="Only the client's primary clinician"
        ):
            add_intake_addendum(done, by=user, text="Not mine.")
    assert IntakeAddendum.objects.count() == 0


def test_it_records_audit_event(alice, done):
    addendum = add_intake_addendum(done, by=alice, text="Later.")
    event = AuditEvent.objects.get(action="intake.addendum.add")
    assert event.object_uuid == addendum.uuid
    assert event.client_uuid == done.episode.client.uuid


def test_it_adds_an_addendum_from_the_page(as_user, alice, done):
    url = reverse("intake:addendum", args=[done.uuid])
    response = as_user(alice).post(url, {"text": "GP letter received."})
    assert response.status_code == 302
    assert response["Location"] == f"{done.get_absolute_url()}#addenda"
    page = as_user(alice).get(done.get_absolute_url()).text
    assert "GP letter received." in page


def test_it_shows_addendum_form_errors(as_user, alice, done):
    response = as_user(alice).post(
        reverse("intake:addendum", args=[done.uuid]), {"text": ""}
    )
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert IntakeAddendum.objects.count() == 0


def test_it_refuses_bob_and_sam_on_the_page(as_user, bob, sam, done):
    url = reverse("intake:addendum", args=[done.uuid])
    assert as_user(bob).post(url, {"text": "x"}).status_code == 404
    assert as_user(sam).post(url, {"text": "x"}).status_code == 403
    assert IntakeAddendum.objects.count() == 0
