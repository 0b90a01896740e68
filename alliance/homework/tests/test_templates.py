from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from alliance.homework.templates_catalog import (
    MAX_ROWS,
    TEMPLATES,
    answers_from_post,
    validate,
)
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


EXPERIMENT = {
    "prediction": "If I speak up in the meeting, people will laugh",
    "belief": "85",
    "experiment": "Ask one question at Tuesday's meeting",
    "outcome": "Two people nodded; nobody laughed",
    "learned": "Asking a question was ordinary",
    "rerated": "30",
}


def test_it_accepts_a_behavioural_experiment():
    cleaned = validate("behavioural_experiment", EXPERIMENT, partial=False)
    assert (cleaned["belief"], cleaned["rerated"]) == (85, 30)


def test_a_behavioural_experiment_can_be_sent_before_it_is_carried_out():
    plan = {k: EXPERIMENT[k] for k in ("prediction", "belief", "experiment")}
    assert validate("behavioural_experiment", plan, partial=False)["belief"] == 85


def test_it_rejects_a_behavioural_experiment_without_a_belief_rating():
    assert _messages("behavioural_experiment", {**EXPERIMENT, "belief": ""}) == [
        "How much do you believe it, in per cent (0–100): please fill this in."
    ]
    assert _messages("behavioural_experiment", {**EXPERIMENT, "rerated": "-5"}) == [
        "How much do you believe the prediction now (0–100): enter a number "
        "from 0 to 100."
    ]


NIGHT = {
    "day": "tue",
    "bed_time": "23:00",
    "onset_latency": "30",
    "awake_minutes": "20",
    "wake_time": "6:30",
    "out_of_bed": "07:00",
    "quality": "2",
}


def test_it_works_out_sleep_efficiency_across_midnight():
    cleaned = validate("sleep_diary", {"nights": [NIGHT]}, partial=False)
    night = cleaned["nights"][0]
    # In bed 23:00-07:00 = 480 min; asleep 480 - 30 - 20 - 30 = 400 min.
    assert night["efficiency"] == 83
    assert night["wake_time"] == "06:30"


def test_a_typed_sleep_efficiency_is_ignored():
    night = {**NIGHT, "efficiency": "100"}
    cleaned = validate("sleep_diary", {"nights": [night]}, partial=False)
    assert cleaned["nights"][0]["efficiency"] == 83


def test_it_leaves_efficiency_out_when_the_times_do_not_fit():
    night = {**NIGHT, "onset_latency": "500"}
    cleaned = validate("sleep_diary", {"nights": [night]}, partial=False)
    assert "efficiency" not in cleaned["nights"][0]


def test_it_rejects_a_bedtime_that_is_not_a_time():
    assert _messages("sleep_diary", {"nights": [{**NIGHT, "bed_time": "25:00"}]}) == [
        "Row 1, Went to bed (HH:MM): enter a time such as 23:30."
    ]


def test_the_sleep_diary_form_post_skips_the_computed_column():
    data = QueryDict(mutable=True)
    for name, value in NIGHT.items():
        data[f"nights-0-{name}"] = value
    data["nights-0-efficiency"] = "99"
    answers = answers_from_post("sleep_diary", data)
    assert "efficiency" not in answers["nights"][0]
    cleaned = validate("sleep_diary", answers, partial=False)
    assert cleaned["nights"][0]["efficiency"] == 83


WORRIES = {
    "worry_time": "18:00 at the kitchen table, 15 minutes",
    "worries": [
        {"worry": "What if I get ill", "kind": "hypothetical", "postponed": "yes"},
        {"worry": "The gas bill is due", "kind": "practical", "notes": "Paid it"},
    ],
}


def test_it_accepts_a_worry_log():
    cleaned = validate("worry_log", WORRIES, partial=False)
    assert [w["kind"] for w in cleaned["worries"]] == ["hypothetical", "practical"]


def test_it_rejects_a_worry_without_a_kind():
    worries = [{"worry": "What if I fail", "kind": "maybe"}]
    assert _messages("worry_log", {**WORRIES, "worries": worries}) == [
        "Row 1, What kind: choose one of the options."
    ]


PROBLEM = {
    "problem": "I have fallen behind with my rent",
    "options": [
        {"option": "Call the landlord", "pros": "Honest", "cons": "Scary"},
        {"option": "Ask the advice centre"},
    ],
    "chosen": "Call the landlord",
    "steps": "Write down what to say; call on Monday at 10",
}


def test_it_accepts_a_problem_solving_sheet():
    cleaned = validate("problem_solving", PROBLEM, partial=False)
    assert len(cleaned["options"]) == 2


def test_it_asks_for_at_least_one_option():
    assert _messages("problem_solving", {**PROBLEM, "options": [{}]}) == [
        "Options: please fill in at least one row."
    ]


EXPOSURE = {
    "situation": "Take the bus two stops",
    "expected": "I will faint",
    "expectancy": "70",
    "happened": "I felt dizzy and it passed",
    "learned": "Dizziness passes without fainting",
    "surprise": "8",
}


def test_it_accepts_an_exposure_record():
    cleaned = validate("exposure_record", EXPOSURE, partial=False)
    assert (cleaned["expectancy"], cleaned["surprise"]) == (70, 8)


def test_it_rejects_a_surprise_rating_above_ten():
    assert _messages("exposure_record", {**EXPOSURE, "surprise": "11"}) == [
        "How surprised were you (0–10): enter a number from 0 to 10."
    ]
