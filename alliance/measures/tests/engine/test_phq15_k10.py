"""PHQ-15's women-only item and K10's Australian 1–5 scoring."""

from __future__ import annotations

from alliance.measures.engine import get_instrument
from alliance.measures.tests.engine.helpers import all_at

PHQ15 = get_instrument("phq15")
K10 = get_instrument("k10")


def test_phq15_sums_without_the_menstrual_item_when_it_is_left_blank():
    answers = all_at("phq15", 2)
    del answers["q4"]
    score = PHQ15.score(answers)
    assert score.total == 28
    assert score.prorated is False


def test_phq15_counts_the_menstrual_item_when_answered():
    assert PHQ15.score(all_at("phq15", 2)).total == 30
    assert PHQ15.item("q4").text.endswith("(WOMEN ONLY)")


def test_k10_scores_none_of_the_time_as_one():
    assert [o.value for o in K10.item("q1").options] == [1, 2, 3, 4, 5]
    assert K10.score(all_at("k10", 1)).total == 10
    assert K10.score(all_at("k10", 5)).total == 50
    assert (K10.minimum, K10.maximum) == (10, 50)
