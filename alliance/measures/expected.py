"""Not on track: is a client's latest score worse than expected for someone who
started where they started?

Method (MEASURES.md section E, a transparent reading of Finch, Lambert &
Schaalje 2001 and Lambert's expected-recovery curves):

1. Group the practice's past episodes by the severity band of their first score
   on the instrument (the intake-severity group).
2. Within a group, fit score = a + b * ln(session number) by least squares over
   every (session, score) pair of every episode: the expected-recovery curve.
   (The published method fits a mixed model with random intercepts and slopes;
   pooling the episodes gives the same expected mean with a simpler,
   inspectable fit. It treats scores as independent, so the interval below is
   approximate.)
3. The expected band at session s is curve(s) +/- 1.2816 * residual SD: the
   central 80% of scores seen at that point (one-sided 90% on each side).
4. A client is *not on track* when their latest score falls outside the band
   on the worse side.

A group needs at least MIN_EPISODES episodes, each with at least two scores,
before its curve is used. Until then the published fallback applies: the
client is not on track when the latest score is reliably worse than the first
(Jacobson & Truax 1991, reliable change on the instrument's published
threshold), the deterioration signal that feedback systems raise first.

What it can tell: that a client is doing worse than most similar clients of
this practice did at the same point, early enough to review the plan. What it
cannot: why, or that treatment is failing; small groups give wide bands, and a
practice whose past clients differ from the current one gives a biased curve.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

MIN_EPISODES = 30
Z_80 = 1.2816  # one-sided 90th percentile of the normal distribution
MODEL_VERSION = "log-session OLS per intake band, v1"


@dataclass(frozen=True)
class Curve:
    band: str
    intercept: float
    slope: float
    residual_sd: float
    episodes: int
    pairs: int

    def expected(self, session: int) -> float:
        return self.intercept + self.slope * math.log(max(session, 1))

    def interval(self, session: int) -> tuple[float, float]:
        centre = self.expected(session)
        return centre - Z_80 * self.residual_sd, centre + Z_80 * self.residual_sd


@dataclass(frozen=True)
class Verdict:
    on_track: bool
    method: str  # "curve" | "fallback" | "insufficient"
    expected: float | None
    bound: float | None  # the worse-side edge of the expected band
    reason: str


def fit_curves(
    trajectories: Iterable[Sequence[tuple[int, float]]],
    band_of: Callable[[float], str],
) -> dict[str, Curve]:
    """Fit one curve per intake band from episodes' (session number, score) lists."""
    groups: dict[str, list[Sequence[tuple[int, float]]]] = defaultdict(list)
    for scores in trajectories:
        if len(scores) >= 2:
            groups[band_of(scores[0][1])].append(scores)
    curves = {}
    for band, episodes in groups.items():
        if len(episodes) < MIN_EPISODES:
            continue
        xs = [math.log(max(s, 1)) for ep in episodes for s, _ in ep]
        ys = [score for ep in episodes for _, score in ep]
        n = len(xs)
        mean_x, mean_y = sum(xs) / n, sum(ys) / n
        sxx = sum((x - mean_x) ** 2 for x in xs)
        slope = (
            sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
            if sxx
            else 0.0
        )
        intercept = mean_y - slope * mean_x
        residuals = [y - (intercept + slope * x) for x, y in zip(xs, ys, strict=True)]
        sd = math.sqrt(sum(r * r for r in residuals) / max(n - 2, 1))
        curves[band] = Curve(band, intercept, slope, sd, len(episodes), n)
    return curves


def judge(
    scores: Sequence[tuple[int, float]],
    *,
    band_of: Callable[[float], str],
    curves: dict[str, Curve],
    better: str,
    reliable_change: float | None,
) -> Verdict:
    """Is the latest of these (session number, score) pairs on track?"""
    if len(scores) < 2:
        return Verdict(True, "insufficient", None, None, "Only one score so far.")
    (_, first), (session, latest) = scores[0], scores[-1]
    worse = (lambda a, b: a > b) if better == "lower" else (lambda a, b: a < b)
    curve = curves.get(band_of(first))
    if curve is not None:
        low, high = curve.interval(session)
        bound = high if better == "lower" else low
        expected = curve.expected(session)
        if worse(latest, bound):
            return Verdict(
                False,
                "curve",
                expected,
                bound,
                f"Score {latest:g} at session {session} is outside the expected range "
                f"for clients who started at this severity (expected about "
                f"{expected:.0f}, {'at most' if better == 'lower' else 'at least'} "
                f"{bound:.0f}).",
            )
        return Verdict(True, "curve", expected, bound, "Within the expected range.")
    if reliable_change is None:
        return Verdict(
            True, "insufficient", None, None, "No reliable-change threshold."
        )
    bound = first + reliable_change if better == "lower" else first - reliable_change
    if worse(latest, bound) or latest == bound:
        return Verdict(
            False,
            "fallback",
            None,
            bound,
            f"Score {latest:g} is reliably worse than the first score {first:g} "
            f"(a change of {reliable_change:g} or more).",
        )
    return Verdict(True, "fallback", None, bound, "No reliable deterioration.")
