"""NHS Talking Therapies anxiety disorder specific measures shipped as scoring
definitions (wording loaded by the practice): SPIN, IES-R, Mobility Inventory
(alone), OCI-R, PDSS and the short HAI. Each: range, bands on both sides of
every boundary, caseness on both sides, reliable change on both sides."""

from __future__ import annotations

import pytest

from alliance.measures.engine import get_instrument
from alliance.measures.tests.engine.adsm_checks import (
    check_band,
    check_caseness,
    check_reliable_change,
)
from alliance.measures.tests.engine.helpers import answers_for_total

# code, minimum, maximum, items, caseness (below, at), reliable change, start
TABLE = [
    ("spin", 0, 68, 17, (18, 19), 10, 40),
    ("iesr", 0, 88, 22, (32, 33), 9, 50),
    ("mi_alone", 1, 5, 27, (62 / 27, 63 / 27), 0.73, 4),
    ("ocir", 0, 72, 18, (16, 17), 13, 40),
    ("pdss", 0, 28, 7, (7, 8), 5, 20),
    ("hai", 0, 54, 18, (17, 18), 4, 30),
]


@pytest.mark.parametrize(("code", "low", "high", "n", "case", "rc", "start"), TABLE)
def test_range_and_wording(code, low, high, n, case, rc, start):
    instrument = get_instrument(code)
    assert (instrument.minimum, instrument.maximum) == (low, high)
    assert len(instrument.items) == n
    assert instrument.wording == "practice"
    assert all(item.text == "" for item in instrument.items)
    assert instrument.attribution
    assert "load-instrument" in instrument.licence
    assert not instrument.risk_rules


@pytest.mark.parametrize(("code", "low", "high", "n", "case", "rc", "start"), TABLE)
def test_caseness_on_both_sides(code, low, high, n, case, rc, start):
    check_caseness(code, *case)


@pytest.mark.parametrize(("code", "low", "high", "n", "case", "rc", "start"), TABLE)
def test_reliable_change_on_both_sides(code, low, high, n, case, rc, start):
    check_reliable_change(code, rc, start)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "none"),
        (20, "none"),
        (21, "mild"),
        (30, "mild"),
        (31, "moderate"),
        (40, "moderate"),
        (41, "severe"),
        (50, "severe"),
        (51, "very_severe"),
        (68, "very_severe"),
    ],
)
def test_spin_bands(total, band):
    check_band("spin", total, band)


def test_the_others_publish_no_bands():
    for code in ("iesr", "mi_alone", "ocir", "pdss", "hai"):
        assert get_instrument(code).bands == ()


def test_mobility_inventory_is_a_mean_and_2_3_itself_is_not_a_case():
    mi = get_instrument("mi_alone")
    score = mi.score({f"q{i}": 2 for i in range(1, 28)})
    assert score.total == 2
    # Published "above 2.3": 62/27 = 2.30 (shown) is not above it; 63/27 is.
    assert mi.score(answers_for_total("mi_alone", 62 / 27)).total == 2.3
    assert mi.score(answers_for_total("mi_alone", 62 / 27)).caseness is False
    assert mi.score(answers_for_total("mi_alone", 63 / 27)).caseness is True


def test_mobility_reliable_change_is_not_fooled_by_floating_point():
    from alliance.measures.change import classify_change

    mi = get_instrument("mi_alone")
    # 3.5 → 2.77 is exactly 0.73: reliable.
    assert classify_change(mi, 3.5, 2.77).category == "reliable_improvement"
    assert classify_change(mi, 3.5, 2.78).category == "no_reliable_change"


def test_iesr_subscales_are_means_of_their_items():
    iesr = get_instrument("iesr")
    answers = {f"q{i}": 0 for i in range(1, 23)}
    for i in (1, 2, 3, 6, 9, 14, 16, 20):  # intrusion
        answers[f"q{i}"] = 2
    score = iesr.score(answers)
    assert score.subscales == {"intrusion": 2, "avoidance": 0, "hyperarousal": 0}
    assert score.total == 16


def test_ocir_worked_example_subscales():
    # Hand example of Foa et al.'s scoring: washing items 5, 11, 17 at 4 → 12.
    ocir = get_instrument("ocir")
    answers = {f"q{i}": 0 for i in range(1, 19)}
    for i in (5, 11, 17):
        answers[f"q{i}"] = 4
    score = ocir.score(answers)
    assert score.total == 12
    assert score.subscales["washing"] == 12
    assert score.caseness is False
