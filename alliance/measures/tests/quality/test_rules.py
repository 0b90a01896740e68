"""The CMS159 / NQF 0710, 0711, 1884 and 1885 rules on hand-built scores:
index PHQ-9 above 9, the most recent score 6 or 12 months (± 60 days) later,
remission below 5, response a fall of half or more."""

from __future__ import annotations

from datetime import date

import pytest

from alliance.measures.quality import (
    MEASURES,
    Patient,
    add_months,
    exclusion_for,
    is_depression,
    judge,
    summarise,
    window,
)

M = {m.key: m for m in MEASURES}
INDEX = date(2025, 1, 15)
LATER = date(2027, 1, 1)


def test_months_keep_the_day_or_end_the_month():
    assert add_months(date(2025, 1, 15), 12) == date(2026, 1, 15)
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)


def test_the_window_is_sixty_days_either_side():
    assert window(INDEX, 12) == (date(2025, 11, 16), date(2026, 3, 16))
    assert window(INDEX, 6) == (date(2025, 5, 16), date(2025, 9, 13))


def test_the_most_recent_score_in_the_window_decides():
    scores = [(date(2025, 12, 1), 3.0), (date(2026, 2, 1), 7.0)]
    assert judge(M["remission_12"], INDEX, 15, scores, LATER) == "not_met"
    scores = [(date(2025, 12, 1), 7.0), (date(2026, 2, 1), 4.0)]
    assert judge(M["remission_12"], INDEX, 15, scores, LATER) == "met"


def test_scores_outside_the_window_do_not_count():
    scores = [(date(2025, 11, 15), 2.0), (date(2026, 3, 17), 2.0)]
    assert judge(M["remission_12"], INDEX, 15, scores, LATER) == "not_met"
    edges = [(date(2026, 3, 16), 4.0)]
    assert judge(M["remission_12"], INDEX, 15, edges, LATER) == "met"


def test_remission_is_below_five():
    assert (
        judge(M["remission_6"], INDEX, 20, [(date(2025, 7, 15), 5.0)], LATER)
        == "not_met"
    )
    assert (
        judge(M["remission_6"], INDEX, 20, [(date(2025, 7, 15), 4.0)], LATER) == "met"
    )


def test_response_is_a_fall_of_half_or_more():
    assert (
        judge(M["response_6"], INDEX, 20, [(date(2025, 7, 15), 10.0)], LATER) == "met"
    )
    assert (
        judge(M["response_6"], INDEX, 20, [(date(2025, 7, 15), 11.0)], LATER)
        == "not_met"
    )
    assert judge(M["response_6"], INDEX, 15, [(date(2025, 7, 15), 7.5)], LATER) == "met"


def test_an_open_window_is_pending():
    assert judge(M["remission_12"], INDEX, 15, [], date(2026, 3, 15)) == "pending"
    assert judge(M["remission_12"], INDEX, 15, [], date(2026, 3, 16)) == "not_met"


@pytest.mark.parametrize(
    ("system", "code", "expected"),
    [
        ("icd10cm", "F32.1", True),
        ("icd10cm", "F33.0", True),
        ("icd10cm", "F34.1", True),
        ("icd10cm", "F32.81", False),  # premenstrual dysphoric disorder
        ("icd10cm", "F41.1", False),
        ("icd11", "6A70.1", True),
        ("icd11", "6A72", True),
        ("", "F32.1", False),
    ],
)
def test_depression_codes(system, code, expected):
    assert is_depression(system, code) is expected


@pytest.mark.parametrize(
    ("system", "code", "expected"),
    [
        ("icd10cm", "F31.81", "bipolar"),
        ("icd10cm", "F60.3", "labile_personality"),
        ("icd10cm", "F20.0", "psychotic"),
        ("icd10cm", "F29", "psychotic"),
        ("icd10cm", "F84.0", "developmental"),
        ("icd11", "6A60", "bipolar"),
        ("icd11", "6A20", "psychotic"),
        ("icd10cm", "F60.5", None),
        ("icd10cm", "F32.1", None),
    ],
)
def test_exclusion_codes(system, code, expected):
    assert exclusion_for(system, code) == expected


def test_the_summary_counts_and_stratifies():
    found = [
        Patient(
            1, INDEX, 15, 30, [(date(2026, 1, 15), 3.0), (date(2025, 7, 15), 12.0)]
        ),
        Patient(2, INDEX, 20, 16, [(date(2026, 1, 15), 9.0), (date(2025, 7, 15), 8.0)]),
        Patient(3, INDEX, 12, 40, [(date(2026, 1, 15), 1.0)], {"bipolar"}),
        Patient(4, date(2025, 12, 1), 14, 50, []),
    ]
    summary = summarise(
        found, start=INDEX, end=date(2025, 12, 31), as_of=date(2026, 5, 1)
    )
    results = {r.measure.key: r for r in summary.results}
    twelve = results["remission_12"]
    assert (twelve.initial, twelve.excluded, twelve.pending) == (4, 1, 1)
    assert (twelve.numerator, twelve.denominator) == (1, 2)
    assert twelve.percent == 50
    assert twelve.by_stratum == {"18 and over": [1, 1], "12–17": [0, 1]}
    response = results["response_12"]
    assert (response.numerator, response.denominator) == (2, 2)  # 15→3, 20→9
    six = results["response_6"]
    assert (six.numerator, six.denominator) == (1, 2)  # 20→8 only
    assert summary.exclusions["Bipolar disorder"] == 1
    assert len(summary.not_applied) == 3


def test_the_default_index_period_has_closed_windows():
    from alliance.measures.quality import default_index_period

    start, end = default_index_period(date(2026, 12, 6))
    assert (start, end) == (date(2024, 10, 7), date(2025, 10, 6))
    assert window(end, 12)[1] <= date(2026, 12, 6)
