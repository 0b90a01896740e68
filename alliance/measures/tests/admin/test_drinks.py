"""The AUDIT and AUDIT-C explain what "a drink" means in the unit the practice
chose (WHO standard drinks, UK units or US standard drinks), with the WHO
self-report instruction; other measures show no such note."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alliance.accounts.models import Practice
from alliance.measures.drinks import drink_note
from alliance.measures.engine import get_instrument
from alliance.measures.services import start_administration


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ("who", "10 grams of pure alcohol"),
        ("uk", "one UK unit"),
        ("us", "14 grams of pure alcohol"),
    ],
)
def test_the_note_follows_the_practice_setting(practice, setting, words):
    practice.drink_measure = setting
    assert words in drink_note("audit", practice)
    assert words in drink_note("auditc", practice)
    assert drink_note("phq9", practice) == ""


def test_the_default_is_the_who_standard_drink(practice):
    assert practice.drink_measure == Practice.DrinkMeasure.WHO
    assert "10 grams" in drink_note("auditc", None)


def test_the_instruction_is_the_self_report_one():
    for code in ("audit", "auditc"):
        instructions = get_instrument(code).instructions
        assert instructions.startswith("Because alcohol use can affect your health")
        assert "Now I am going to ask you" not in instructions


def test_the_question_screen_shows_the_note(as_user, alice, cleo):
    practice = alice.practice
    practice.drink_measure = Practice.DrinkMeasure.US
    practice.save(update_fields=["drink_measure"])
    draft = start_administration(
        cleo.current_episode(), "auditc", mode="clinician", by=alice
    )
    page = as_user(alice).get(reverse("measures:enter", args=[draft.uuid])).text
    assert "US standard drink with 14 grams" in page
    phq = start_administration(
        cleo.current_episode(), "phq9", mode="clinician", by=alice
    )
    page = as_user(alice).get(reverse("measures:enter", args=[phq.uuid])).text
    assert "standard drink" not in page


def test_the_setting_is_saved_from_the_practice_page(as_user, ada):
    from alliance.accounts.tests.test_staff_admin import PRACTICE_FORM

    as_user(ada).post(
        reverse("accounts:practice"), {**PRACTICE_FORM, "drink_measure": "uk"}
    )
    ada.practice.refresh_from_db()
    assert ada.practice.drink_measure == "uk"
    response = as_user(ada).post(
        reverse("accounts:practice"),
        {**PRACTICE_FORM, "version": "2", "drink_measure": "pints"},
    )
    assert response.status_code == 200
    ada.practice.refresh_from_db()
    assert ada.practice.drink_measure == "uk"
