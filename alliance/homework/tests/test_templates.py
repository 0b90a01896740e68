from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from alliance.homework.templates_catalog import MAX_ROWS, TEMPLATES, validate
from alliance.techniques.library import HOMEWORK_TEMPLATES

THOUGHT = {
    "situation": "Friend did not reply",
    "thoughts": "She is angry with me",
    "belief": "80",
    "emotions": "Anxious",
    "intensity": "70",
    "traps": ["mind_reading", "catastrophising"],
    "evidence_for": "",
    "evidence_against": "She is often busy",
    "balanced": "She may just be busy",
    "rerated": "30",
}


def _messages(key, answers, partial=False):
    with pytest.raises(ValidationError) as caught:
        validate(key, answers, partial=partial)
    return caught.value.messages


def test_it_covers_the_technique_library_vocabulary():
    assert set(TEMPLATES) == set(HOMEWORK_TEMPLATES)


def test_it_accepts_a_thought_record():
    cleaned = validate("thought_record", THOUGHT, partial=False)
    assert cleaned["belief"] == 80
    # Traps keep the catalogue's order, whatever order they were ticked in.
    assert cleaned["traps"] == ["catastrophising", "mind_reading"]
    assert "evidence_for" not in cleaned


def test_it_rejects_a_belief_out_of_range():
    assert _messages("thought_record", {**THOUGHT, "belief": "101"}) == [
        "How much did you believe it (0–100): enter a number from 0 to 100."
    ]


def test_it_rejects_an_unknown_thinking_trap():
    assert _messages("thought_record", {**THOUGHT, "traps": ["magic"]}) == [
        "Thinking traps you notice: 'magic' is not one of the options."
    ]


def test_it_lists_missing_answers_on_submit_but_not_in_a_draft():
    assert validate("thought_record", {"situation": "Bus"}, partial=True) == {
        "situation": "Bus"
    }
    missing = _messages("thought_record", {"situation": "Bus"})
    assert missing[0] == "What went through your mind?: please fill this in."
    assert len(missing) == 6


def test_it_checks_ranges_in_a_draft_too():
    assert _messages("sf_scaling", {"today": "11"}, partial=True) == [
        "Where am I today (0–10): enter a number from 0 to 10."
    ]


def test_it_accepts_activation_rows_and_skips_empty_ones():
    rows = [
        {"day": "mon", "activity": "Walk", "predicted_mastery": "3"},
        {"day": "", "activity": ""},
    ]
    cleaned = validate("behavioural_activation", {"activities": rows}, partial=False)
    assert cleaned == {
        "activities": [{"day": "mon", "activity": "Walk", "predicted_mastery": 3}]
    }


def test_it_rejects_a_pleasure_rating_above_ten():
    rows = [{"day": "tue", "activity": "Call Sam", "actual_pleasure": "12"}]
    assert _messages("behavioural_activation", {"activities": rows}) == [
        "Row 1, Actual pleasure (0–10): enter a number from 0 to 10."
    ]


def test_it_rejects_too_many_rows():
    rows = [{"situation": "Lift", "distress": "50"}] * (MAX_ROWS + 1)
    assert _messages("exposure_hierarchy", {"ladder": rows}) == [
        "Situations, rated by distress: there is room for at most 7 rows."
    ]


def test_it_checks_the_exposure_practice_log():
    answers = {
        "ladder": [{"situation": "Lift", "distress": "60"}],
        "practice": [{"situation": "Lift", "before": "60", "peak": "x", "after": ""}],
    }
    assert _messages("exposure_hierarchy", answers) == [
        "Row 1, Distress at its peak (0–100): enter a whole number from 0 to 100.",
        "Row 1, Distress after (0–100): please fill this in.",
    ]


def test_it_accepts_a_relaxation_log_and_rejects_zero_minutes():
    good = {
        "method": "breathing",
        "minutes": "10",
        "tension_before": "7",
        "tension_after": "3",
    }
    assert validate("relaxation_practice", good, partial=False)["minutes"] == 10
    assert _messages("relaxation_practice", {**good, "minutes": "0"}) == [
        "Minutes practised (1–180): enter a number from 1 to 180."
    ]
    assert _messages("relaxation_practice", {**good, "method": "yoga"}) == [
        "What did you practise?: choose one of the options."
    ]


def test_it_requires_the_reflection_and_custom_response():
    assert _messages("reflection_journal", {"reflection": "  "}) == [
        "Your reflection: please fill this in."
    ]
    assert validate("custom", {"response": " Done "}, partial=False) == {
        "response": "Done"
    }


def test_it_refuses_an_unknown_template():
    assert _messages("horoscope", {}) == ["Choose a homework template from the list."]
