"""PHQ-9: sum of items 1–9, item 10 unscored, item 9 raises a risk flag."""

from __future__ import annotations

import pytest

from alliance.measures.engine import InvalidAnswers, RiskFlag, get_instrument
from alliance.measures.tests.engine.helpers import all_at

PHQ9 = get_instrument("phq9")


def test_it_sums_items_one_to_nine():
    answers = {
        "q1": 1,
        "q2": 2,
        "q3": 0,
        "q4": 3,
        "q5": 1,
        "q6": 0,
        "q7": 2,
        "q8": 1,
        "q9": 0,
    }
    score = PHQ9.score(answers)
    assert score.total == 10
    assert score.band == "moderate"
    assert score.caseness is True
    assert score.risk_flags == ()


def test_it_does_not_score_the_difficulty_item():
    base = PHQ9.score(all_at("phq9", 1))
    with_difficulty = PHQ9.score({**all_at("phq9", 1), "q10": 3})
    assert base.total == with_difficulty.total == 9
    assert PHQ9.item("q10").scored is False
    assert PHQ9.item("q10").required is False


@pytest.mark.parametrize("answer", [1, 2, 3])
def test_it_flags_item_nine_above_not_at_all(answer):
    score = PHQ9.score({**all_at("phq9", 0), "q9": answer})
    assert len(score.risk_flags) == 1
    flag = score.risk_flags[0]
    assert isinstance(flag, RiskFlag)
    assert (flag.item_key, flag.answer, flag.severity) == ("q9", answer, "high")
    assert "suicide risk assessment" in flag.reason


def test_it_raises_no_flag_for_not_at_all_on_item_nine():
    assert PHQ9.score({**all_at("phq9", 3), "q9": 0}).risk_flags == ()


def test_it_flags_item_nine_even_on_a_half_finished_form():
    cleaned = PHQ9.validate({"q9": "2"}, partial=True)
    assert cleaned == {"q9": 2}
    assert [flag.item_key for flag in PHQ9.risk_flags(cleaned)] == ["q9"]


def test_it_refuses_to_prorate_a_missing_item():
    answers = all_at("phq9", 1)
    del answers["q3"]
    with pytest.raises(InvalidAnswers) as caught:
        PHQ9.score(answers)
    assert str(caught.value) == (
        "Item 3 has no answer. Every item is needed: the PHQ-9 has no published "
        "rule for prorating a missing answer."
    )
    assert caught.value.errors["q3"] == "Item 3 has no answer."


def test_it_names_the_item_and_the_allowed_answers_for_a_bad_value():
    with pytest.raises(InvalidAnswers) as caught:
        PHQ9.score({**all_at("phq9", 0), "q4": 4})
    assert str(caught.value) == "Item 4: 4 is not one of its answers (0, 1, 2, 3)."
    assert set(caught.value.errors) == {"q4"}


@pytest.mark.parametrize("bad", [True, 1.5, "two", [1]])
def test_it_refuses_answers_that_are_not_option_values(bad):
    with pytest.raises(InvalidAnswers):
        PHQ9.validate({"q1": bad}, partial=True)


def test_it_refuses_an_unknown_item():
    with pytest.raises(InvalidAnswers) as caught:
        PHQ9.validate({"q11": 1}, partial=True)
    assert str(caught.value) == "The PHQ-9 has no item 'q11'."


def test_it_accepts_form_strings_and_blank_answers():
    assert PHQ9.validate({"q1": " 2 ", "q2": "", "q10": None}, partial=True) == {
        "q1": 2
    }


def test_it_carries_the_loinc_codes_and_wording():
    assert (PHQ9.loinc, PHQ9.total_loinc) == ("44249-1", "44261-6")
    assert [item.loinc for item in PHQ9.items[:9]] == [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ]
    assert PHQ9.item("q9").text == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert [o.code for o in PHQ9.item("q1").options] == [
        "LA6568-5",
        "LA6569-3",
        "LA6570-1",
        "LA6571-9",
    ]
    assert "Pfizer" in PHQ9.attribution
