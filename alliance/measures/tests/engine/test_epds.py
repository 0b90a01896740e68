"""EPDS (Cox, Holden & Sagovsky 1987): reverse-scored items, 0–30, cut-off
12/13, reliable change 4 (Matthey 2004), item 10 self-harm."""

from __future__ import annotations

import pytest

from alliance.measures.engine import get_instrument
from alliance.measures.tests.engine.adsm_checks import (
    check_band,
    check_caseness,
    check_reliable_change,
)

EPDS = get_instrument("epds")


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "unlikely"),
        (9, "unlikely"),
        (10, "possible"),
        (12, "possible"),
        (13, "probable"),
        (30, "probable"),
    ],
)
def test_bands_on_both_sides_of_each_boundary(total, band):
    check_band("epds", total, band)


def test_caseness_at_13_not_12():
    check_caseness("epds", 12, 13)


def test_reliable_change_is_4_points():
    check_reliable_change("epds", 4, 20)


def test_reverse_scored_items_carry_their_published_scores():
    # Items 3, 5–10 list "Yes, …" first, scored 3; items 1, 2, 4 start at 0.
    for number in (3, 5, 6, 7, 8, 9, 10):
        assert EPDS.item(f"q{number}").options[0].value == 3
        assert EPDS.item(f"q{number}").options[-1].value == 0
    for number in (1, 2, 4):
        assert EPDS.item(f"q{number}").options[0].value == 0
    assert EPDS.item("q1").label_for(0) == "As much as I always could"
    assert EPDS.item("q10").label_for(0) == "Never"


def test_worked_example_first_answer_everywhere():
    # Choosing the first answer on every item: items 1, 2, 4 score 0 and the
    # seven reverse-scored items score 3 each: 21, probable depression.
    answers = {item.key: item.options[0].value for item in EPDS.items}
    score = EPDS.score(answers)
    assert score.total == 21
    assert score.band == "probable"
    assert [flag.item_key for flag in score.risk_flags] == ["q10"]


@pytest.mark.parametrize(("answer", "flagged"), [(0, False), (1, True), (3, True)])
def test_item_10_raises_a_risk_flag_above_never(answer, flagged):
    score = EPDS.score({**{f"q{i}": 0 for i in range(1, 10)}, "q10": answer})
    assert bool(score.risk_flags) is flagged
    if flagged:
        assert score.risk_flags[0].severity == "high"


def test_the_licence_citation_is_carried():
    assert "Cox" in EPDS.attribution and "Sagovsky" in EPDS.attribution
    assert "without further permission" in EPDS.licence
