"""PHQ-A (Johnson et al. 2002): PHQ-9 bands, cut-off 11 (Richardson 2010),
ages 11–17, item 9 and the two suicide questions are risk items."""

from __future__ import annotations

import pytest

from alliance.measures.engine import get_instrument
from alliance.measures.tests.engine.helpers import answers_for_total

PHQA = get_instrument("phqa")
NO = {"thoughts_month": 0, "attempt_ever": 0}


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_bands_on_both_sides_of_each_boundary(total, band):
    score = PHQA.score(answers_for_total("phqa", total, **NO))
    assert (score.total, score.band) == (total, band)


def test_caseness_at_11_not_10():
    assert PHQA.score(answers_for_total("phqa", 10, **NO)).caseness is False
    assert PHQA.score(answers_for_total("phqa", 11, **NO)).caseness is True


def test_it_is_for_ages_11_to_17():
    assert (PHQA.min_age, PHQA.max_age) == (11, 17)
    assert PHQA.age_problem(11) == ""
    assert PHQA.age_problem(17) == ""
    assert "11–17" in PHQA.age_problem(10)
    assert "adult" in PHQA.age_problem(18)


@pytest.mark.parametrize("key", ["q9", "thoughts_month", "attempt_ever"])
def test_each_risk_question_raises_a_high_flag(key):
    answers = {**answers_for_total("phqa", 0, **NO), key: 1}
    flags = PHQA.score(answers).risk_flags
    assert [(flag.item_key, flag.severity) for flag in flags] == [(key, "high")]


def test_no_risk_flag_when_every_risk_question_is_no():
    assert not PHQA.score(answers_for_total("phqa", 8, **NO)).risk_flags


def test_the_extra_questions_are_not_scored():
    answers = {**answers_for_total("phqa", 6, **NO), "past_year": 1, "difficulty": 3}
    assert PHQA.score(answers).total == 6
    assert PHQA.maximum == 27


def test_worked_example():
    # Hand example of the published scoring: 2 on items 1–5, 0 on 6–9 = 10,
    # moderate, below the adolescent cut-off of 11.
    answers = {
        **{f"q{i}": 2 for i in range(1, 6)},
        **{f"q{i}": 0 for i in range(6, 10)},
    }
    score = PHQA.score({**answers, **NO})
    assert (score.total, score.band, score.caseness) == (10, "moderate", False)
