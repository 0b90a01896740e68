"""Goal Attainment Scaling T-score (Kiresuk & Sherman 1968)."""

from __future__ import annotations

import math

import pytest

from alliance.measures.gas import gas_t_score


def test_it_gives_50_when_every_goal_is_met_as_expected():
    assert gas_t_score([0, 0, 0]) == 50


def test_it_matches_a_hand_computed_weighted_example():
    # T = 50 + 10·Σwx / √((1−ρ)·Σw² + ρ·(Σw)²)
    # ratings −1, 0, 2; weights 1, 2, 1; ρ = 0.3:
    # Σwx = −1 + 0 + 2 = 1; Σw² = 6; (Σw)² = 16; √(0.7·6 + 0.3·16) = √9 = 3
    # T = 50 + 10·1/3 = 53.33…
    assert gas_t_score([-1, 0, 2], [1, 2, 1], 0.3) == pytest.approx(50 + 10 / 3)


def test_it_matches_a_hand_computed_unweighted_example():
    # three goals at +1: 50 + 10·3 / √(0.7·3 + 0.3·9) = 50 + 30/√4.8
    assert gas_t_score([1, 1, 1]) == pytest.approx(50 + 30 / math.sqrt(4.8))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([],), "at least one"),
        (([3],), "one of"),
        (([True],), "one of"),
        (([0, 1], [1]), "one weight per goal"),
        (([0], [0]), "positive"),
        (([0], None, 1.0), "rho"),
    ],
)
def test_it_refuses_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        gas_t_score(*args)
