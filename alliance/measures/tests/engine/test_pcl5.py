"""PCL-5: sum 0–80, cluster subscales, the DSM-5 provisional diagnosis rule."""

from __future__ import annotations

import pytest

from alliance.measures.engine import get_instrument
from alliance.measures.tests.engine.helpers import all_at

PCL5 = get_instrument("pcl5")


def _endorsed(*keys: str) -> dict[str, object]:
    return {**all_at("pcl5", 1), **dict.fromkeys(keys, 2)}


MINIMUM_PATTERN = ("q1", "q6", "q8", "q9", "q15", "q16")


def test_it_sums_clusters():
    answers = {f"q{i}": i % 5 for i in range(1, 21)}
    score = PCL5.score(answers)
    assert score.subscales == {
        "cluster_b": 1 + 2 + 3 + 4 + 0,
        "cluster_c": 1 + 2,
        "cluster_d": 3 + 4 + 0 + 1 + 2 + 3 + 4,
        "cluster_e": 0 + 1 + 2 + 3 + 4 + 0,
    }
    assert score.total == sum(score.subscales.values())


def test_it_meets_the_rule_with_one_b_one_c_two_d_two_e():
    score = PCL5.score(_endorsed(*MINIMUM_PATTERN))
    assert score.flags == {"provisional_ptsd": True}
    assert score.notes


@pytest.mark.parametrize("dropped", MINIMUM_PATTERN)
def test_it_misses_the_rule_when_any_cluster_falls_short(dropped):
    kept = [key for key in MINIMUM_PATTERN if key != dropped]
    assert PCL5.score(_endorsed(*kept)).flags == {"provisional_ptsd": False}


def test_it_counts_only_ratings_of_two_or_more_as_endorsed():
    # Every item "A little bit" (1): total 20, nothing endorsed.
    score = PCL5.score(all_at("pcl5", 1))
    assert score.total == 20
    assert score.flags == {"provisional_ptsd": False}


def test_it_uses_33_as_the_cutoff():
    assert PCL5.caseness_cutoff == 33
    assert PCL5.reliable_change is None
    assert PCL5.risk_rules == ()
