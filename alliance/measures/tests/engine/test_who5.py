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
    assert WHO5.score(answers_for_total("who5", 28)).flags["likely_depression"]
    assert not WHO5.score(answers_for_total("who5", 32)).flags["likely_depression"]


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


def _five(*values):
    return {f"q{i}": v for i, v in enumerate(values, start=1)}


def test_any_item_at_0_or_1_suggests_screening_for_depression():
    # WHO 1998 scoring guidance: screen if raw < 13 "or if the patient has
    # answered 0 to 1 to any of the five items" — whatever the total.
    score = WHO5.score(_five(5, 5, 5, 0, 0))
    assert score.total == 60 and score.caseness is False
    assert score.flags["low_item"] is True
    assert any("screening for depression" in note for note in score.notes)
    # A flag and a note, never a risk alert.
    assert not score.risk_flags


def test_the_item_rule_boundary_is_1_not_2():
    assert WHO5.score(_five(5, 5, 5, 5, 1)).flags["low_item"] is True
    assert WHO5.score(_five(5, 5, 5, 5, 0)).flags["low_item"] is True
    two = WHO5.score(_five(5, 5, 5, 5, 2))
    assert two.flags["low_item"] is False
    assert not any("screening for depression" in note for note in two.notes)
    assert WHO5.score(_five(2, 2, 2, 2, 2)).flags["low_item"] is False


def test_the_score_command_shows_the_item_rule():
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("score", "who5", "5", "5", "5", "0", "0", stdout=out)
    result = json.loads(out.getvalue())
    assert result["flags"]["low_item"] is True
    assert result["risk_flags"] == []
    assert any("screening for depression" in note for note in result["notes"])
