"""AUDIT zones and the escalation rule (≥2 on items 4–6 or 4 on item 9/10:
give the next level up), and AUDIT-C's sex-specific cut-offs."""

from __future__ import annotations

import pytest

from alliance.measures.engine import InvalidAnswers, get_instrument
from alliance.measures.tests.engine.helpers import all_at

AUDIT = get_instrument("audit")
AUDITC = get_instrument("auditc")


def test_it_allows_only_0_2_4_on_items_nine_and_ten():
    assert AUDIT.item("q9").values == (0, 2, 4)
    assert AUDIT.item("q10").values == (0, 2, 4)
    with pytest.raises(InvalidAnswers):
        AUDIT.validate({"q9": 1}, partial=True)


@pytest.mark.parametrize("item", ["q4", "q5", "q6"])
def test_it_escalates_on_two_or_more_on_items_four_to_six(item):
    score = AUDIT.score({**all_at("audit", 0), item: 2})
    assert score.total == 2
    assert score.band == "zone_i"
    assert score.flags == {"next_level_up": True}
    # A clinical prompt, not a risk flag: alcohol use is not a risk to life.
    assert score.risk_flags == ()
    assert [(f.item_key, f.answer, f.severity) for f in score.prompts] == [
        (item, 2, "medium")
    ]
    assert any("next zone up" in note for note in score.notes)


@pytest.mark.parametrize("item", ["q4", "q5", "q6"])
def test_it_does_not_escalate_on_one_on_items_four_to_six(item):
    score = AUDIT.score({**all_at("audit", 0), item: 1})
    assert score.flags == {"next_level_up": False}
    assert score.prompts == ()


@pytest.mark.parametrize("item", ["q9", "q10"])
def test_it_escalates_on_yes_during_the_last_year(item):
    during = AUDIT.score({**all_at("audit", 0), item: 4})
    not_last_year = AUDIT.score({**all_at("audit", 0), item: 2})
    assert during.flags["next_level_up"] is True
    assert [f.item_key for f in during.prompts] == [item]
    assert during.risk_flags == ()
    assert not_last_year.flags["next_level_up"] is False
    assert not_last_year.prompts == ()


def test_it_flags_each_escalating_item():
    score = AUDIT.score({**all_at("audit", 0), "q4": 3, "q6": 4, "q10": 4})
    assert [f.item_key for f in score.prompts] == ["q4", "q6", "q10"]
    assert score.risk_flags == ()


def test_auditc_uses_the_mens_cutoff_for_men():
    assert AUDITC.score({"q1": 2, "q2": 1, "q3": 0, "sex": 1}).caseness is False  # 3
    assert AUDITC.score({"q1": 2, "q2": 1, "q3": 1, "sex": 1}).caseness is True  # 4


def test_auditc_uses_the_womens_cutoff_for_women():
    assert AUDITC.score({"q1": 1, "q2": 1, "q3": 0, "sex": 2}).caseness is False  # 2
    assert AUDITC.score({"q1": 2, "q2": 1, "q3": 0, "sex": 2}).caseness is True  # 3


def test_auditc_reports_both_cutoffs_without_sex():
    score = AUDITC.score({"q1": 2, "q2": 1, "q3": 0})
    assert score.total == 3
    assert score.caseness is None
    assert score.flags["positive_if_male"] is False
    assert score.flags["positive_if_female"] is True


def test_auditc_asks_for_review_when_all_points_come_from_item_one():
    score = AUDITC.score({"q1": 4, "q2": 0, "q3": 0, "sex": 1})
    assert score.caseness is True
    assert score.flags["all_points_from_item_1"] is True
    assert (
        AUDITC.score({"q1": 4, "q2": 1, "q3": 0}).flags["all_points_from_item_1"]
        is False
    )
    assert (
        AUDITC.score({"q1": 0, "q2": 0, "q3": 0}).flags["all_points_from_item_1"]
        is False
    )


def test_auditc_does_not_score_the_sex_item():
    assert AUDITC.item("sex").scored is False
    assert AUDITC.score({"q1": 1, "q2": 1, "q3": 1, "sex": 2}).total == 3
    assert (AUDITC.minimum, AUDITC.maximum) == (0, 12)


@pytest.mark.parametrize(
    ("q1", "flagged"), [(0, False), (1, False), (2, False), (3, True), (4, True)]
)
def test_auditc_item_one_note_needs_a_total_at_a_cut_off(q1, flagged):
    # LOINC 75626-2's review rule concerns a positive screen: a total of 1 or 2
    # is below every cut-off (3 women, 4 men) and needs no review note.
    score = AUDITC.score({"q1": q1, "q2": 0, "q3": 0})
    assert score.flags["all_points_from_item_1"] is flagged
    assert any("item 1" in note for note in score.notes) is flagged
