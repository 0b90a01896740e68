"""NHS Talking Therapies outcomes on the PHQ-9 + GAD-7 pair, and the rates
with the published denominators."""

from __future__ import annotations

import pytest

from alliance.measures.nhs import nhs_outcome, nhs_rates, nhs_rates_from_counts


def _flags(result):
    keys = (
        "eligible",
        "caseness_at_start",
        "recovery",
        "reliable_improvement",
        "reliable_deterioration",
        "reliable_recovery",
    )
    return tuple(result[key] for key in keys)


def test_it_counts_a_reliable_recovery():
    result = nhs_outcome(phq9=(18, 7), gad7=(14, 5), sessions=6)
    assert _flags(result) == (True, True, True, True, False, True)
    assert result["caseness_at_end"] is False


@pytest.mark.parametrize(
    ("phq9", "gad7", "case"),
    [((10, 0), (0, 0), True), ((9, 0), (8, 0), True), ((9, 0), (7, 0), False)],
)
def test_it_uses_phq9_10_or_gad7_8_for_caseness(phq9, gad7, case):
    assert nhs_outcome(phq9=phq9, gad7=gad7, sessions=2)["caseness_at_start"] is case


def test_recovery_does_not_apply_below_caseness_at_the_start():
    result = nhs_outcome(phq9=(8, 2), gad7=(6, 1), sessions=4)
    assert _flags(result) == (True, False, None, True, False, None)
    assert "recovery does not apply" in result["reason"]


def test_it_counts_recovery_without_reliable_improvement():
    result = nhs_outcome(phq9=(10, 9), gad7=(8, 7), sessions=3)
    assert _flags(result) == (True, True, True, False, False, False)


@pytest.mark.parametrize(
    ("phq9", "gad7", "improved"),
    [
        ((20, 14), (10, 10), True),  # PHQ-9 down 6
        ((20, 15), (10, 10), False),  # down 5 only
        ((10, 10), (12, 8), True),  # GAD-7 down 4
        ((10, 10), (12, 9), False),  # down 3 only
    ],
)
def test_it_uses_the_published_reliable_change_thresholds(phq9, gad7, improved):
    assert (
        nhs_outcome(phq9=phq9, gad7=gad7, sessions=5)["reliable_improvement"]
        is improved
    )


def test_a_mixed_change_is_neither_improvement_nor_deterioration():
    # [U] deterioration assumed to mirror improvement (MEASURES.md B).
    result = nhs_outcome(phq9=(20, 14), gad7=(5, 9), sessions=5)
    assert result["reliable_improvement"] is False
    assert result["reliable_deterioration"] is False


def test_it_counts_reliable_deterioration():
    result = nhs_outcome(phq9=(10, 16), gad7=(9, 9), sessions=5)
    assert _flags(result) == (True, True, False, False, True, False)


def test_it_needs_two_treatment_sessions():
    result = nhs_outcome(phq9=(18, 7), gad7=(14, 5), sessions=1)
    assert _flags(result) == (False, True, None, None, None, None)
    assert "at least two attended treatment sessions" in result["reason"]


def test_it_needs_both_measures():
    result = nhs_outcome(phq9=(18, 7), gad7=None, sessions=6)
    assert _flags(result) == (False, None, None, None, None, None)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"phq9": (28, 1), "gad7": (1, 1), "sessions": 2}, "outside 0–27"),
        ({"phq9": (1, 1), "gad7": (22, 1), "sessions": 2}, "outside 0–21"),
        ({"phq9": (1, 1), "gad7": (1, 1), "sessions": -1}, "sessions"),
    ],
)
def test_it_refuses_impossible_scores(kwargs, message):
    with pytest.raises(ValueError, match=message):
        nhs_outcome(**kwargs)


def test_it_reproduces_the_published_recovery_rate():
    # NHS Digital, December 2020: "23,291 / ( 48,111 - 2,957) * 100 = 51.6%"
    rates = nhs_rates_from_counts(
        finished=48_111, not_at_caseness=2_957, recovered=23_291
    )
    assert round(rates["recovery_rate"], 1) == 51.6


def test_it_reproduces_the_published_reliable_improvement_rate():
    # NHS Digital, June 2020: "39,417 / 57,060 * 100 = 69.1%"
    rates = nhs_rates_from_counts(
        finished=57_060, not_at_caseness=3_200, reliably_improved=39_417
    )
    assert round(rates["reliable_improvement_rate"], 1) == 69.1
    assert round(rates["recovery_rate"] or 0, 1) == 0.0


def test_it_reproduces_the_published_reliable_recovery_rate():
    # April 2025: 26,457 of 54,672 referrals finishing at caseness (48.4 %).
    rates = nhs_rates_from_counts(
        finished=54_672, not_at_caseness=0, reliably_recovered=26_457
    )
    assert round(rates["reliable_recovery_rate"], 1) == 48.4


def test_it_counts_outcomes_with_the_published_denominators():
    recovered = {"eligible": True, "caseness_at_start": True, "recovery": True}
    not_recovered = {"eligible": True, "caseness_at_start": True, "recovery": False}
    below_caseness = {"eligible": True, "caseness_at_start": False, "recovery": None}
    outcomes = (
        [recovered] * 23_291
        + [not_recovered] * (48_111 - 2_957 - 23_291)
        + [below_caseness] * 2_957
        + [{"eligible": False}] * 10
    )
    rates = nhs_rates(outcomes)
    assert rates["finished"] == 48_111
    assert rates["not_at_caseness"] == 2_957
    assert rates["not_finished"] == 10
    assert round(rates["recovery_rate"], 1) == 51.6


def test_it_gives_no_rate_without_a_denominator():
    rates = nhs_rates([])
    assert rates["recovery_rate"] is None
    assert rates["reliable_improvement_rate"] is None


def test_it_counts_real_outcomes():
    outcomes = [
        nhs_outcome(phq9=(18, 7), gad7=(14, 5), sessions=6),  # reliable recovery
        nhs_outcome(phq9=(8, 2), gad7=(6, 1), sessions=4),  # not at caseness, improved
        nhs_outcome(phq9=(10, 16), gad7=(9, 9), sessions=5),  # deteriorated
        nhs_outcome(phq9=(18, 7), gad7=(14, 5), sessions=1),  # not finished
    ]
    rates = nhs_rates(outcomes)
    assert (rates["finished"], rates["not_at_caseness"], rates["not_finished"]) == (
        3,
        1,
        1,
    )
    assert rates["recovery_rate"] == 50
    assert rates["reliable_improvement_rate"] == pytest.approx(200 / 3)
    assert rates["reliable_deterioration_rate"] == pytest.approx(100 / 3)
    assert rates["reliable_recovery_rate"] == 50
