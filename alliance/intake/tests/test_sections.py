from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.intake.models import IntakeSection
from alliance.intake.services import save_section
from alliance.intake.tests.helpers import NO_RISK, save, section


def _url(intake, key):
    return reverse("intake:section", args=[intake.uuid, key])


def test_it_creates_every_section_in_interview_order(intake):
    keys = list(
        IntakeSection.objects.filter(intake=intake)
        .order_by("id")
        .values_list("key", flat=True)
    )
    assert keys == [
        "presenting",
        "history",
        "previous_treatment",
        "medical",
        "substance_use",
        "family_social",
        "work_study",
        "strengths",
        "risk",
        "mental_status",
        "formulation",
        "diagnoses",
    ]
    assert set(
        IntakeSection.objects.filter(intake=intake).values_list("version", flat=True)
    ) == {1}


def test_it_saves_a_section(alice, intake):
    saved = save_section(
        intake, "history", by=alice, version=1, text="Began after redundancy."
    )
    stored = section(intake, "history")
    assert stored.text == "Began after redundancy."
    assert stored.version == 2
    assert stored.updated_by == alice
    assert saved.version == 2


def test_it_saves_sections_independently(alice, intake):
    save(intake, "history", text="History.")
    save(intake, "medical", text="Sertraline 50mg.")
    save(intake, "history", text="History, revised.")
    assert section(intake, "history").version == 3
    assert section(intake, "medical").version == 2
    assert section(intake, "substance_use").version == 1
    assert section(intake, "medical").text == "Sertraline 50mg."


def test_it_leaves_fields_not_sent_as_stored(alice, intake):
    save(intake, "presenting", text="Panic on trains.", hopes="Commute again.")
    save(intake, "presenting", hopes="Commute to work by spring.")
    stored = section(intake, "presenting")
    assert (stored.text, stored.hopes) == (
        "Panic on trains.",
        "Commute to work by spring.",
    )


def test_it_refuses_an_unknown_section(alice, intake):
    with pytest.raises(ValidationError, match="no section called “hobbies”"):
        save_section(intake, "hobbies", by=alice, version=1, text="Chess.")


def test_it_refuses_a_field_the_section_lacks(alice, intake):
    with pytest.raises(
        ValidationError, match="The history of the concern section has no hopes"
    ):
        save_section(intake, "history", by=alice, version=1, hopes="x")
    assert section(intake, "history").version == 1


def test_it_refuses_text_over_the_limit(alice, intake):
    with pytest.raises(ValidationError, match="up to 20,000 characters"):
        save_section(intake, "history", by=alice, version=1, text="x" * 20_001)
    assert section(intake, "history").version == 1
    assert AuditEvent.objects.filter(action="intake.section.save").count() == 0


def test_it_refuses_bob_and_sam(bob, sam, intake):
    for user in (bob, sam):
        with pytest.raises(
            ValidationError, match="Only the client's primary clinician"
        ):
            save_section(intake, "history", by=user, version=1, text="Not mine.")
    assert section(intake, "history").version == 1


def test_it_records_audit_event_without_the_text(alice, intake):
    save(intake, "presenting", text="PRIVATE-WORDS", hopes="PRIVATE-HOPES")
    event = AuditEvent.objects.get(action="intake.section.save")
    assert event.actor == alice
    assert event.object_uuid == section(intake, "presenting").uuid
    assert event.client_uuid == intake.episode.client.uuid
    assert event.detail == {
        "section": "presenting",
        "version": 2,
        "fields": ["hopes", "text"],
    }
    assert "PRIVATE" not in str(event.detail)


def test_it_returns_the_section_partial_to_htmx(as_user, alice, intake):
    response = as_user(alice).post(
        _url(intake, "history"),
        {"version": 1, "text": "Since the spring."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="section-history"')
    assert "History of the concern saved at" in response.text
    assert 'name="version" value="2"' in response.text
    assert 'id="section-medical"' not in response.text


def test_it_redirects_a_plain_save(as_user, alice, intake):
    response = as_user(alice).post(
        _url(intake, "history"), {"version": 1, "text": "Since the spring."}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{intake.get_absolute_url()}#section-history"
    assert section(intake, "history").text == "Since the spring."


def test_it_shows_form_errors_and_saves_nothing(as_user, alice, intake):
    response = as_user(alice).post(
        _url(intake, "risk"),
        {**NO_RISK, "risk_level": "", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert (
        "Record your judgement of current risk: low, moderate or high." in response.text
    )
    assert section(intake, "risk").version == 1


def test_it_answers_404_for_an_unknown_section_key(as_user, alice, intake):
    response = as_user(alice).post(_url(intake, "hobbies"), {"version": 1})
    assert response.status_code == 404


def test_it_refuses_bob_and_sam_on_the_page(as_user, bob, sam, intake):
    url = _url(intake, "history")
    assert as_user(bob).post(url, {"version": 1, "text": "x"}).status_code == 404
    assert as_user(sam).post(url, {"version": 1, "text": "x"}).status_code == 403
    assert section(intake, "history").version == 1


def test_it_shows_every_section_as_a_form_to_the_clinician(as_user, alice, intake):
    html = as_user(alice).get(intake.get_absolute_url()).text
    for key in IntakeSection.Key.values:
        assert f'hx-post="{_url(intake, key)}"' in html
    assert "Onset, course, triggers" in html


def test_it_shows_sections_read_only_to_the_supervisor(as_user, sam, intake):
    save(intake, "history", text="Since the spring.")
    response = as_user(sam).get(intake.get_absolute_url())
    assert response.status_code == 200
    assert "Since the spring." in response.text
    assert "hx-post" not in response.text
