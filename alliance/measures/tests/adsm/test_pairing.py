"""Which anxiety measure an episode is judged on, and the NHS rules on PHQ-9 +
that measure, from hand-built first and last scores (Clark et al. 2018,
Table 2; cut-offs and thresholds from each instrument's file)."""

from __future__ import annotations

import pytest

from alliance.measures.adsm import DEFAULT, PROBLEMS, Scores, classify, problem_for


@pytest.mark.parametrize(
    ("system", "code", "key"),
    [
        ("icd10cm", "F40.10", "social_anxiety"),
        ("icd10cm", "F40.1", "social_anxiety"),
        ("icd10cm", "F43.12", "ptsd"),
        ("icd10cm", "F40.00", "agoraphobia"),
        ("icd10cm", "F42.2", "ocd"),
        ("icd10cm", "F41.0", "panic"),
        ("icd10cm", "F45.21", "health_anxiety"),
        ("icd10cm", "F41.1", "gad"),
        ("icd10cm", "F40.218", "other_anxiety"),  # a specific phobia
        ("icd10cm", "F45.22", "other_anxiety"),  # CM body dysmorphic: not HAI
        ("icd11", "6B04", "social_anxiety"),
        ("icd11", "6B40", "ptsd"),
        ("icd11", "6B02", "agoraphobia"),
        ("icd11", "6B20", "ocd"),
        ("icd11", "6B01", "panic"),
        ("icd11", "6B23", "health_anxiety"),
        ("icd11", "6B00", "gad"),
        ("icd11", "6B03", "other_anxiety"),
    ],
)
def test_a_code_names_its_problem(system, code, key):
    assert problem_for(system, code) == PROBLEMS[key]


@pytest.mark.parametrize(
    ("system", "code"),
    [
        ("icd10cm", "F32.1"),  # depression pairs with the GAD-7
        ("", "F40.1"),  # no code system
        ("icd10cm", ""),
        ("icd11", "6A70"),  # depressive episode
    ],
)
def test_anything_else_pairs_with_the_gad7(system, code):
    assert problem_for(system, code) == DEFAULT
    assert DEFAULT.measures == ("gad7",)


def _run(problem, sessions=3, **scores):
    return classify(
        episode_id=1,
        problem=PROBLEMS[problem] if problem else DEFAULT,
        diagnosis_code="",
        sessions=sessions,
        scores={code: Scores(*values) for code, values in scores.items()},
    )


def test_social_anxiety_is_judged_on_phq9_and_spin():
    # SPIN caseness 19, reliable change 10 (spin.json); PHQ-9 below 10 both
    # times, so the SPIN alone decides caseness.
    result = _run("social_anxiety", phq9=(6, 4, 4), spin=(40, 15, 5), gad7=(12, 2, 5))
    assert (result.paired, result.fallback) == ("spin", False)
    assert result.caseness_at_start is True
    assert result.caseness_at_end is False
    assert result.recovery is True
    assert result.reliable_improvement is True  # 25 points on the SPIN
    assert result.reliable_recovery is True


def test_a_drop_below_the_spin_threshold_is_not_reliable():
    result = _run("social_anxiety", phq9=(8, 7, 2), spin=(27, 18, 2))
    assert result.recovery is True  # 27 → 18: out of caseness
    assert result.reliable_improvement is False  # 9 < 10 points
    assert result.reliable_recovery is False


def test_the_gad7_stands_in_when_the_adsm_is_missing():
    result = _run("panic", phq9=(12, 5, 3), gad7=(10, 6, 3), pdss=(14, 14, 1))
    assert (result.recommended, result.paired, result.fallback) == (
        "pdss",
        "gad7",
        True,
    )
    # NHS GAD-7 caseness is 8 (not the file's 10): 10 → 6 is out of caseness.
    assert result.recovery is True
    assert result.reliable_improvement is True  # PHQ-9 down 7, GAD-7 down 4


def test_a_reliable_rise_on_the_adsm_is_deterioration():
    # OCI-R reliable change 13 (ocir.json): 20 → 34 is a reliable rise.
    result = _run("ocd", phq9=(8, 9, 2), ocir=(20, 34, 2))
    assert result.reliable_deterioration is True
    assert result.reliable_improvement is False
    assert result.recovery is False


def test_mixed_reliable_change_is_neither():
    result = _run("health_anxiety", phq9=(20, 10, 2), hai=(20, 25, 2))
    # PHQ-9 down 10 (≥ 6), HAI up 5 (≥ 4): neither improved nor deteriorated.
    assert (result.reliable_improvement, result.reliable_deterioration) == (
        False,
        False,
    )


def test_the_mobility_inventory_compares_means():
    # MI alone: caseness above 2.3 (file cut-off 2.31), reliable change 0.73.
    result = _run("agoraphobia", phq9=(5, 5, 2), mi_alone=(3.0, 2.0, 2))
    assert result.caseness_at_start is True
    assert result.recovery is True
    assert result.reliable_improvement is True
    small = _run("agoraphobia", phq9=(5, 5, 2), mi_alone=(3.0, 2.5, 2))
    assert small.reliable_improvement is False  # 0.5 < 0.73


def test_ptsd_prefers_the_iesr_and_judges_no_reliable_change_on_the_pcl5():
    both = _run("ptsd", phq9=(15, 5, 2), iesr=(50, 20, 2), pcl5=(50, 20, 2))
    assert both.paired == "iesr"
    assert both.reliable_improvement is True
    pcl = _run("ptsd", phq9=(15, 5, 2), pcl5=(50, 20, 2))
    assert (pcl.paired, pcl.fallback) == ("pcl5", False)
    assert pcl.recovery is True
    assert pcl.reliable_improvement is None
    assert "no published reliable-change threshold" in pcl.reason


def test_one_session_is_not_a_finished_course():
    result = _run("social_anxiety", sessions=1, phq9=(12, 4, 2), spin=(40, 10, 2))
    assert result.eligible is False
    assert result.caseness_at_start is True
    assert result.recovery is None


def test_no_pair_without_two_phq9_scores():
    result = _run(None, phq9=(12, 12, 1), gad7=(12, 4, 2))
    assert result.paired == "gad7"
    assert result.phq9 is None
    assert result.eligible is False


def test_not_at_caseness_at_the_start_has_no_recovery():
    result = _run("gad", phq9=(7, 3, 2), gad7=(7, 1, 2))
    assert result.caseness_at_start is False
    assert result.recovery is None
    assert result.reliable_improvement is True  # GAD-7 down 6
