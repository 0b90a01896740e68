"""WSAS (Mundt et al. 2002): 5 items 0–8, sum 0–40; <10 subclinical, 10–20
significant impairment, >20 moderately severe or worse; item 1 optional."""

from __future__ import annotations

import pytest

from alliance.measures.engine import get_instrument
from alliance.measures.tests.engine.adsm_checks import check_band

WSAS = get_instrument("wsas")


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "subclinical"),
        (9, "subclinical"),
        (10, "significant"),
        (20, "significant"),
        (21, "moderately_severe_or_worse"),
        (40, "moderately_severe_or_worse"),
    ],
)
def test_bands_on_both_sides_of_each_boundary(total, band):
    check_band("wsas", total, band)


def test_range_and_licence():
    assert (WSAS.minimum, WSAS.maximum) == (0, 40)
    assert "Mundt" in WSAS.attribution
    assert WSAS.reliable_change is None  # none published in points
    assert not WSAS.risk_rules


def test_item_1_may_be_left_blank_by_someone_not_working():
    # The form: retired or not working for other reasons → leave item 1 blank;
    # the total is then of the other four items.
    score = WSAS.score({"q2": 4, "q3": 6, "q4": 2, "q5": 8})
    assert score.total == 20
    assert score.band == "significant"
    assert score.prorated is False


def test_worked_example_from_the_published_bands():
    # 5, 5, 4, 4, 3 = 21: "above 20 … moderately severe or worse" (Mundt 2002).
    score = WSAS.score({"q1": 5, "q2": 5, "q3": 4, "q4": 4, "q5": 3})
    assert (score.total, score.band) == (21, "moderately_severe_or_worse")
