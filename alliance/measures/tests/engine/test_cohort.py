"""Cohort categories as the clinicalsignificance package reports them."""

from __future__ import annotations

import statistics

import pytest

from alliance.measures.change import classify_cohort
from alliance.measures.engine import get_instrument

# Lower is better; S_diff = 7.5·√.2·√2 = 4.743, so |change| > 9.30 is reliable;
# cut-off c = (7.5·10 + 7.5·30)/15 = 20.
NORMS = {
    "reliability": 0.8,
    "sd": 7.5,
    "m_clin": 30,
    "sd_clin": 7.5,
    "m_func": 10,
    "sd_func": 7.5,
}
ROWS = [
    ("recovers", 30, 15),
    ("improves_but_still_clinical", 40, 25),
    ("on_the_cutoff_before", 20, 8),
    ("small_gain", 30, 25),
    ("small_loss", 25, 22),
    ("worse_and_still_clinical", 22, 32),
    ("harmed", 15, 25),
]


def test_it_classifies_each_client():
    result = classify_cohort(ROWS, better="lower", cutoff="c", **NORMS)
    assert result["cutoff"] == {"type": "c", "value": 20, "b_sd": "func"}
    assert [client["category"] for client in result["clients"]] == [
        "recovered",
        "improved",
        "improved",
        "unchanged",
        "unchanged",
        "deteriorated",
        "harmed",
    ]
    assert result["counts"] == {
        "recovered": 1,
        "improved": 2,
        "unchanged": 2,
        "deteriorated": 1,
        "harmed": 1,
    }
    assert result["n"] == 7
    assert result["percentages"]["unchanged"] == 28.6


def test_it_takes_clinical_norms_and_the_rci_sd_from_the_cohort_like_the_package():
    pre = [pre for _, pre, _ in ROWS]
    result = classify_cohort(ROWS, reliability=0.8, better="lower", cutoff="a")
    assert result["parameters"]["sd"] == round(statistics.stdev(pre), 4)
    assert result["parameters"]["m_clin"] == round(statistics.fmean(pre), 4)
    expected_a = statistics.fmean(pre) - 2 * statistics.stdev(pre)
    assert result["cutoff"]["value"] == round(expected_a, 4)


def test_it_uses_an_instruments_published_threshold_and_norms():
    result = classify_cohort(
        [("a", 20, 8), ("b", 20, 15), ("c", 8, 20)], instrument=get_instrument("core10")
    )
    assert result["method"] == "threshold"
    assert [c["category"] for c in result["clients"]] == [
        "recovered",
        "unchanged",
        "harmed",
    ]


def test_it_needs_norms_for_the_chosen_cutoff():
    with pytest.raises(ValueError, match="Cut-off c needs all four norms"):
        classify_cohort(ROWS, reliability=0.8, better="lower", cutoff="c")


def test_it_refuses_an_empty_cohort():
    with pytest.raises(ValueError, match="no clients"):
        classify_cohort([], reliability=0.8, better="lower")
