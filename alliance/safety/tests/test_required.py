"""A plan needs warning signs, a coping strategy and someone to contact."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from alliance.safety.models import SafetyPlan
from alliance.safety.services import save_safety_plan
from alliance.safety.tests.helpers import write_plan


def test_it_names_every_missing_required_section(alice, cleo):
    with pytest.raises(ValidationError) as exc:
        save_safety_plan(cleo, by=alice, distractions="Cafe on the corner")
    assert exc.value.message_dict == {
        "warning_signs": [
            "Write at least one warning sign, so the client knows when to use the plan."
        ],
        "coping_strategies": [
            "Write at least one thing the client can do on their own."
        ],
        "people_to_ask": [
            "Name at least one person or professional the client can contact."
        ],
    }
    assert SafetyPlan.objects.count() == 0


def test_it_accepts_a_professional_instead_of_a_person(cleo):
    version = write_plan(
        cleo, people_to_ask="", professionals="GP surgery 0161 496 0000"
    )
    assert version.people_to_ask == ""
    assert version.professionals == "GP surgery 0161 496 0000"


def test_it_treats_blank_space_as_missing(alice, cleo):
    with pytest.raises(ValidationError) as exc:
        write_plan(cleo, warning_signs="   \n  ")
    assert list(exc.value.message_dict) == ["warning_signs"]


def test_the_edit_form_shows_the_messages_and_saves_nothing(as_user, alice, cleo):
    from django.urls import reverse

    http = as_user(alice)
    response = http.post(
        reverse("safety:edit", args=[cleo.uuid]),
        {"based_on": "0", "warning_signs": "Not sleeping"},
    )
    assert response.status_code == 200
    assert "Write at least one thing the client can do on their own." in response.text
    assert SafetyPlan.objects.count() == 0
