"""Not on track: expected-recovery curves per intake band, and the fallback."""

from __future__ import annotations

import math
import random

from alliance.measures.expected import MIN_EPISODES, Z_80, fit_curves, judge


def band_of(score: float) -> str:
    return "severe" if score >= 20 else "moderate" if score >= 10 else "mild"


def _history(n: int, start: float, slope: float, noise: float, seed: int = 1):
    rng = random.Random(seed)
    return [
        [(s, start + slope * math.log(s) + rng.gauss(0, noise)) for s in range(1, 11)]
        for _ in range(n)
    ]


def test_it_recovers_the_curve_it_was_given():
    curves = fit_curves(_history(200, 15, -4, 0.01), band_of)
    curve = curves["moderate"]
    assert math.isclose(curve.intercept, 15, abs_tol=0.05)
    assert math.isclose(curve.slope, -4, abs_tol=0.05)
    assert curve.episodes == 200 and curve.pairs == 2000


def test_a_group_below_the_minimum_gets_no_curve():
    assert fit_curves(_history(MIN_EPISODES - 1, 15, -4, 1), band_of) == {}
    assert "moderate" in fit_curves(_history(MIN_EPISODES, 15, -4, 1), band_of)


def test_a_score_above_the_band_is_not_on_track():
    curves = fit_curves(_history(100, 15, -4, 2), band_of)
    curve = curves["moderate"]
    session = 6
    high = curve.expected(session) + Z_80 * curve.residual_sd
    on = judge(
        [(1, 15), (session, high - 0.1)],
        band_of=band_of,
        curves=curves,
        better="lower",
        reliable_change=6,
    )
    off = judge(
        [(1, 15), (session, high + 0.1)],
        band_of=band_of,
        curves=curves,
        better="lower",
        reliable_change=6,
    )
    assert (on.on_track, on.method) == (True, "curve")
    assert (off.on_track, off.method) == (False, "curve")
    assert "outside the expected range" in off.reason


def test_higher_is_better_flags_the_low_side():
    history = [
        [(s, 40 + 5 * math.log(s) + (i % 3)) for s in range(1, 8)] for i in range(60)
    ]
    curves = fit_curves(history, lambda score: "low")
    verdict = judge(
        [(1, 40), (7, 20)],
        band_of=lambda score: "low",
        curves=curves,
        better="higher",
        reliable_change=10,
    )
    assert verdict.on_track is False


def test_the_fallback_is_reliable_deterioration_from_the_first_score():
    # PHQ-9: an increase of 6 or more is reliable deterioration (NHS Talking Therapies).
    args = {"band_of": band_of, "curves": {}, "better": "lower", "reliable_change": 6}
    assert judge([(1, 12), (4, 17)], **args).on_track is True
    off = judge([(1, 12), (4, 18)], **args)
    assert (off.on_track, off.method) == (False, "fallback")


def test_one_score_is_not_enough_to_judge():
    verdict = judge(
        [(1, 25)], band_of=band_of, curves={}, better="lower", reliable_change=6
    )
    assert (verdict.on_track, verdict.method) == (True, "insufficient")
