from __future__ import annotations

import pytest
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.intake.models import IntakeSection
from alliance.intake.services import SectionConflict, save_section
from alliance.intake.tests.helpers import section


def test_it_refuses_the_second_of_two_concurrent_saves(alice, intake):
    save_section(intake, "formulation", by=alice, version=1, text="Window one.")
    with pytest.raises(SectionConflict) as caught:
        save_section(intake, "formulation", by=alice, version=1, text="Window two.")
    assert caught.value.current.text == "Window one."
    assert caught.value.current.version == 2
    stored = section(intake, "formulation")
    assert (stored.text, stored.version) == ("Window one.", 2)
    assert AuditEvent.objects.filter(action="intake.section.save").count() == 1


def test_it_does_not_conflict_across_sections(alice, intake):
    save_section(intake, "history", by=alice, version=1, text="One.")
    save_section(intake, "medical", by=alice, version=1, text="Two.")
    assert section(intake, "history").text == "One."
    assert section(intake, "medical").text == "Two."


def test_it_answers_409_with_both_texts(as_user, alice, intake):
    http = as_user(alice)
    url = reverse("intake:section", args=[intake.uuid, "formulation"])
    assert (
        http.post(url, {"version": 1, "text": "Saved first, kept."}).status_code == 302
    )
    second = http.post(url, {"version": 1, "text": "Typed second, not lost."})
    assert second.status_code == 409
    assert "Saved first, kept." in second.text
    assert "Typed second, not lost." in second.text
    assert "your changes were not saved" in second.text
    # Saving again from here deliberately replaces version 2.
    assert 'name="version" value="2"' in second.text
    stored = IntakeSection.objects.get(intake=intake, key="formulation")
    assert (stored.text, stored.version) == ("Saved first, kept.", 2)


def test_it_answers_htmx_with_the_section_partial(as_user, alice, intake):
    save_section(intake, "formulation", by=alice, version=1, text="Elsewhere.")
    response = as_user(alice).post(
        reverse("intake:section", args=[intake.uuid, "formulation"]),
        {"version": 1, "text": "Mine."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert response.text.lstrip().startswith('<section id="section-formulation"')
    assert "Elsewhere." in response.text
    assert "Mine." in response.text
    assert "Save my version" in response.text
