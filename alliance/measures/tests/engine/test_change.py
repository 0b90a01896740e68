"""Reliable change (Jacobson & Truax; Christensen & Mendoza's S_diff) and the
clinical-significance cut-offs a, b, c."""

from __future__ import annotations

import math

import pytest

from alliance.measures.change import (
    classify_change,
    cutoffs,
    reliable_change_index,
    standard_error_of_difference,
)
from alliance.measures.engine import get_instrument


def test_it_computes_s_diff_and_the_rci_by_the_published_formula():
    # SE = 7.5·√(1 − .8) = 3.3541; S_diff = √(2·SE²) = 4.7434
    s_diff = standard_error_of_difference(7.5, 0.8)
    assert s_diff == pytest.approx(math.sqrt(2 * (7.5 * math.sqrt(0.2)) ** 2))
    assert round(s_diff, 4) == 4.7434
    assert round(reliable_change_index(30, 20, sd=7.5, reliability=0.8), 4) == -2.1082


def test_it_needs_strictly_more_than_1_96():
    # sd 2, r .5: S_diff is exactly 2, so a change of 3.92 is an RCI of exactly 1.96.
    assert standard_error_of_difference(2, 0.5) == 2
    on_the_line = classify_change(
        None, 10, 13.92, reliability=0.5, sd=2, better="higher"
    )
    assert on_the_line.rci == 1.96
    assert on_the_line.category == "no_reliable_change"
    beyond = classify_change(None, 10, 13.93, reliability=0.5, sd=2, better="higher")
    assert beyond.category == "reliable_improvement"
    worse = classify_change(None, 10, 6.07, reliability=0.5, sd=2, better="higher")
    assert worse.category == "reliable_deterioration"


def test_it_reads_direction_from_better():
    lower = classify_change(None, 30, 20, reliability=0.8, sd=7.5, better="lower")
    higher = classify_change(None, 30, 20, reliability=0.8, sd=7.5, better="higher")
    assert lower.category == "reliable_improvement"
    assert higher.category == "reliable_deterioration"
    assert lower.rci == higher.rci


@pytest.mark.parametrize(
    ("code", "before", "after", "category"),
    [
        ("phq9", 18, 12, "reliable_improvement"),  # 6 points (NHS)
        ("phq9", 18, 13, "no_reliable_change"),
        ("phq9", 12, 18, "reliable_deterioration"),
        ("gad7", 15, 11, "reliable_improvement"),  # 4 points (NHS)
        ("gad7", 15, 12, "no_reliable_change"),
        ("gad7", 11, 15, "reliable_deterioration"),
        ("core10", 20, 14, "reliable_improvement"),  # 6 points (Barkham 2013)
        ("core10", 20, 15, "no_reliable_change"),
    ],
)
def test_it_uses_the_published_points_threshold(code, before, after, category):
    change = classify_change(get_instrument(code), before, after)
    assert change.method == "threshold"
    assert change.category == category


def test_a_passed_reliability_replaces_the_published_threshold():
    change = classify_change(get_instrument("phq9"), 18, 12, reliability=0.84, sd=5.0)
    assert change.method == "rci"
    # S_diff = 5·√.16·√2 = 2.828; RCI = −6/2.828 = −2.12
    assert round(change.rci, 2) == -2.12
    assert change.category == "reliable_improvement"


def test_it_reproduces_the_jacobson_truax_1991_cutoffs():
    # Example used by the clinicalsignificance package's tests (Jacobson et al. 1991):
    # clinical M 40 SD 7.5, functional M 60 SD 7.5, higher is better.
    points = cutoffs(better="higher", m_clin=40, sd_clin=7.5, m_func=60, sd_func=7.5)
    assert points == {"a": 55, "b": 45, "c": 50}
    points = cutoffs(better="lower", m_clin=40, sd_clin=7.5, m_func=60, sd_func=7.5)
    assert points == {"a": 25, "b": 75, "c": 50}


def test_it_reproduces_the_packages_published_claus_2020_cutoffs():
    # clinicalsignificance snapshot: M clin 35.48, SD 8.16, lower is better →
    # cut-off a 19.16; with functional M 8, SD 8 → cut-off c 21.6.
    points = cutoffs(better="lower", m_clin=35.48, sd_clin=8.16, m_func=8, sd_func=8)
    assert round(points["a"], 2) == 19.16
    assert round(points["c"], 1) == 21.6


def test_criterion_b_uses_the_functional_sd_unless_asked_for_the_package_variant():
    norms = {"m_clin": 19.7, "sd_clin": 7.7, "m_func": 4.7, "sd_func": 4.8}
    assert round(cutoffs(better="lower", **norms)["b"], 2) == 14.3  # 4.7 + 2·4.8
    assert (
        round(cutoffs(better="lower", b_sd="clin", **norms)["b"], 2) == 20.1
    )  # 4.7 + 2·7.7


def test_it_leaves_cutoffs_empty_without_norms():
    change = classify_change(get_instrument("phq9"), 18, 8)
    assert change.cutoffs == {"a": None, "b": None, "c": None}
    assert change.clinically_significant is None


@pytest.mark.parametrize(
    ("before", "after", "significant"),
    [
        (20, 8, True),  # reliable, crosses 10.46
        (20, 12, False),  # reliable, still above 10.46
        (12, 9, False),  # crosses, but only 3 points
        (9, 3, False),  # reliable, but started on the functional side
    ],
)
def test_it_decides_clinical_significance_with_criterion_c(before, after, significant):
    change = classify_change(get_instrument("core10"), before, after)
    assert change.clinically_significant is significant


def test_a_custom_measure_takes_every_number_from_the_caller():
    change = classify_change(
        None,
        32,
        12,
        reliability=0.8,
        sd=8,
        m_clin=34,
        sd_clin=8,
        m_func=8,
        sd_func=8,
        better="lower",
    )
    assert change.instrument == "custom"
    assert change.cutoffs["c"] == 21
    assert change.clinically_significant is True
    assert change.as_dict()["difference"] == -20


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reliability": 0.8, "sd": 5}, "Say which direction is improvement"),
        ({"sd": 5, "better": "lower"}, "no published reliable-change threshold"),
        (
            {"reliability": 0.8, "better": "lower"},
            "needs the pre-treatment standard deviation",
        ),
        ({"reliability": 1.2, "sd": 5, "better": "lower"}, "between 0 and 1"),
        ({"reliability": 0.8, "sd": -1, "better": "lower"}, "above 0"),
        ({"reliability": 0.8, "sd": 5, "better": "sideways"}, "better must be"),
    ],
)
def test_it_refuses_a_custom_measure_without_enough_numbers(kwargs, message):
    with pytest.raises(ValueError, match=message):
        classify_change(None, 10, 5, **kwargs)


def test_it_needs_a_reliability_for_an_instrument_without_a_threshold():
    with pytest.raises(
        ValueError, match="The PCL-5 has no published reliable-change threshold"
    ):
        classify_change(get_instrument("pcl5"), 50, 30)
    change = classify_change(get_instrument("pcl5"), 50, 30, reliability=0.9, sd=12)
    assert change.category == "reliable_improvement"


def test_it_refuses_scores_outside_the_instruments_range():
    with pytest.raises(ValueError, match="outside the PHQ-9 range 0–27"):
        classify_change(get_instrument("phq9"), 30, 10)


def test_an_rci_of_exactly_1_96_is_not_reliable_despite_float_noise():
    # sd 10, r .5: S_diff = √(2·50) = 10 (10.000000000000002 in floats), so a
    # change of 19.6 is an RCI of 1.96 — on the line, not beyond it.
    change = classify_change(None, 0, 19.6, reliability=0.5, sd=10, better="higher")
    assert round(change.rci, 9) == 1.96
    assert change.category == "no_reliable_change"
    down = classify_change(None, 19.6, 0, reliability=0.5, sd=10, better="higher")
    assert down.category == "no_reliable_change"
    lower = classify_change(None, 19.6, 0, reliability=0.5, sd=10, better="lower")
    assert lower.category == "no_reliable_change"
    assert (
        classify_change(
            None, 0, 19.61, reliability=0.5, sd=10, better="higher"
        ).category
        == "reliable_improvement"
    )
    assert (
        classify_change(
            None, 19.61, 0, reliability=0.5, sd=10, better="higher"
        ).category
        == "reliable_deterioration"
    )


def test_the_change_command_gives_no_reliable_change_on_the_line():
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "change",
        "custom",
        "0",
        "19.6",
        "--reliability",
        "0.5",
        "--sd",
        "10",
        "--better",
        "higher",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert result["rci"] == 1.96
    assert result["category"] == "no_reliable_change"


@pytest.mark.parametrize(
    ("before", "after", "category"),
    [
        (20, 14, "reliable_improvement"),
        (20, 15, "no_reliable_change"),
        (14, 20, "reliable_deterioration"),
        (15, 20, "no_reliable_change"),
    ],
)
def test_core10_reports_only_the_criterion_that_decides(before, after, category):
    # Barkham et al.'s 6-point threshold decides; an RCI from α .90 and SD 7.7
    # (6 / 3.44 = 1.74) would say otherwise, so none is printed beside it.
    change = classify_change(get_instrument("core10"), before, after)
    assert change.method == "threshold"
    assert change.threshold == 6
    assert change.category == category
    assert change.rci is None
    assert change.s_diff is None
    # Asked for the RCI explicitly, the RCI alone decides and agrees with itself.
    rci = classify_change(get_instrument("core10"), before, after, reliability=0.9)
    assert rci.method == "rci"
    assert (abs(rci.rci) > 1.96) is (rci.category != "no_reliable_change")
