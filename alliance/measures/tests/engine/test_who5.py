"""WHO-5: raw 0–25 × 4 = percentage; higher is better."""

from __future__ import annotations

from alliance.measures.change import classify_change
from alliance.measures.engine import get_instrument
from alliance.measures.tests.engine.helpers import all_at, answers_for_total

WHO5 = get_instrument("who5")


def test_it_multiplies_the_raw_score_by_four():
    score = WHO5.score(all_at("who5", 3))
    assert (score.raw_total, score.total) == (15, 60)
    assert (WHO5.minimum, WHO5.maximum) == (0, 100)
    assert WHO5.better == "higher"


def test_it_flags_likely_depression_at_28_percent_or_less():
    assert WHO5.score(answers_for_total("who5", 28)).flags == {
        "likely_depression": True
    }
    assert WHO5.score(answers_for_total("who5", 32)).flags == {
        "likely_depression": False
    }


def test_it_treats_raw_twelve_as_poor_and_thirteen_as_not():
    # Published as raw < 13 (= ≤ 48 %).
    assert WHO5.score(answers_for_total("who5", 48)).raw_total == 12
    assert WHO5.score(answers_for_total("who5", 48)).caseness is True
    assert WHO5.score(answers_for_total("who5", 52)).caseness is False


def test_it_counts_ten_percentage_points_as_reliable_change_upwards():
    assert classify_change(WHO5, 40, 52).category == "reliable_improvement"
    assert classify_change(WHO5, 40, 48).category == "no_reliable_change"
    assert classify_change(WHO5, 52, 40).category == "reliable_deterioration"
    assert (
        classify_change(WHO5, 40, 50).category == "reliable_improvement"
    )  # exactly 10
