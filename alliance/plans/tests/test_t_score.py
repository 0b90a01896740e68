"""The goal attainment T-score: the shared formula against worked examples, and
which ratings and weights the episode's score uses."""

from __future__ import annotations

import math

import pytest
from django.utils import timezone

from alliance.measures.gas import gas_t_score
from alliance.notes.tests.helpers import start
from alliance.plans.services import drop_goal, episode_t_score, rate_goal
from alliance.plans.tests.helpers import make_goal


def test_it_scores_every_goal_at_the_expected_level_as_50():
    assert gas_t_score([0, 0, 0]) == 50.0
    assert gas_t_score([0, 0], [3, 1]) == 50.0


def test_it_matches_a_hand_computed_weighted_example():
    # T = 50 + 10·Σwᵢxᵢ / √((1 − ρ)·Σwᵢ² + ρ·(Σwᵢ)²), ρ = 0.3
    # ratings x = (+1, 0, −1), weights w = (3, 2, 1):
    #   Σwx  = 3·1 + 2·0 + 1·(−1) = 2
    #   Σw²  = 9 + 4 + 1 = 14;  (Σw)² = 6² = 36
    #   √(0.7·14 + 0.3·36) = √(9.8 + 10.8) = √20.6 = 4.538722…
    #   T    = 50 + 20 / 4.538722… = 54.4065…
    assert gas_t_score([1, 0, -1], [3, 2, 1], rho=0.3) == pytest.approx(
        54.40652649, abs=1e-6
    )


def test_it_matches_the_unweighted_example():
    # Three goals all at +1, unweighted: 50 + 30/√(0.7·3 + 0.3·9) = 50 + 30/√4.8
    assert gas_t_score([1, 1, 1]) == pytest.approx(50 + 30 / math.sqrt(4.8))
    assert round(gas_t_score([1, 1, 1]), 2) == 63.69


def test_it_changes_with_rho_as_expected():
    # Higher assumed correlation between goals shrinks the score's spread.
    independent = gas_t_score([1, 1, 1], rho=0.0)
    conventional = gas_t_score([1, 1, 1], rho=0.3)
    correlated = gas_t_score([1, 1, 1], rho=0.5)
    assert independent == pytest.approx(50 + 30 / math.sqrt(3))
    assert correlated == pytest.approx(50 + 30 / math.sqrt(6))
    assert independent > conventional > correlated > 50
    # With ρ = 0 and one goal the score is 50 + 10·x.
    assert gas_t_score([2], rho=0.0) == pytest.approx(70.0)


def test_it_has_no_score_before_any_rating(episode, goal):
    assert episode_t_score(episode) is None


def test_it_uses_the_latest_rating_of_each_goal_with_its_weight(alice, episode):
    heavy = make_goal(episode, weight=2, statement="Sleep seven hours most nights.")
    light = make_goal(episode, weight=1)
    rate_goal(heavy, -2, by=alice)
    rate_goal(heavy, 1, by=alice)
    rate_goal(light, -1, by=alice)
    # Latest: heavy +1 (w 2), light −1 (w 1): 50 + 10·(2 − 1)/√(0.7·5 + 0.3·9)
    expected = 50 + 10 / math.sqrt(0.7 * 5 + 0.3 * 9)
    assert episode_t_score(episode) == pytest.approx(expected)
    assert episode_t_score(episode) == pytest.approx(
        gas_t_score([1, -1], [2.0, 1.0], rho=0.3)
    )


def test_it_leaves_dropped_goals_out(alice, episode):
    kept = make_goal(episode)
    dropped = make_goal(episode, statement="Run a 10k race.")
    rate_goal(kept, 1, by=alice)
    rate_goal(dropped, -2, by=alice)
    before = timezone.now()
    drop_goal(dropped, by=alice, reason="Knee injury; running is off for now.")
    assert episode_t_score(episode) == pytest.approx(gas_t_score([1]))
    # As of before the drop, the dropped goal still counted.
    assert episode_t_score(episode, as_of=before) == pytest.approx(gas_t_score([1, -2]))


def test_it_scores_as_of_a_time(alice, cleo, episode, goal):
    early = start(cleo, hours_ago=50)
    late = start(cleo, hours_ago=3)
    rate_goal(goal, -1, by=alice, session=early)
    rate_goal(goal, 2, by=alice, session=late)
    assert episode_t_score(episode, as_of=early.held_at) == pytest.approx(40.0)
    assert episode_t_score(episode) == pytest.approx(70.0)
