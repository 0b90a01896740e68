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
   on the worse side, or, whatever the curve says, when it is reliably worse
   than their first score (reliable deterioration is the floor).

Session numbers count treatment scores only: an aftercare follow-up score is
judged at the session number of the last treatment score, and fitting leaves
follow-ups out.

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
from datetime import date

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
    # "curve": outside the expected range; "deterioration": inside it but
    # reliably worse than the first score; "fallback": no curve yet, reliable
    # deterioration decides; "insufficient": nothing to judge.
    method: str
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


def shown_bound(bound: float, better: str) -> float:
    """The bound as printed: to one decimal, rounded towards the on-track side
    (down when lower is better), so a flagged score is always past the printed
    figure as well as the exact one and the message never contradicts the flag."""
    tenths = bound * 10
    rounded = (
        math.floor(tenths + 1e-9) if better == "lower" else math.ceil(tenths - 1e-9)
    )
    return rounded / 10


def _when(day: date | None) -> str:
    return f" on {day:%-d %b %Y}" if day else ""


def judge(
    scores: Sequence[tuple[int, float]],
    *,
    band_of: Callable[[float], str],
    curves: dict[str, Curve],
    better: str,
    reliable_change: float | None,
    latest_on: date | None = None,
    follow_up: bool = False,
) -> Verdict:
    """Is the latest of these (session number, score) pairs on track?"""
    if not scores:
        return Verdict(True, "insufficient", None, None, "No score yet.")
    return judge_latest(
        first=scores[0][1],
        latest=scores[-1][1],
        session=scores[-1][0],
        count=len(scores),
        band_of=band_of,
        curves=curves,
        better=better,
        reliable_change=reliable_change,
        latest_on=latest_on,
        follow_up=follow_up,
    )


def judge_latest(
    *,
    first: float,
    latest: float,
    session: int,
    count: int,
    band_of: Callable[[float], str],
    curves: dict[str, Curve],
    better: str,
    reliable_change: float | None,
    latest_on: date | None = None,
    follow_up: bool = False,
) -> Verdict:
    """Is the latest score on track, given the first, how many treatment
    scores there are so far (``session``: the curve's session number, which
    aftercare follow-ups do not advance) and how many scores in all?

    A reliably worse score than the first is always flagged, whether or not a
    curve exists (reliable deterioration is the floor; Jacobson & Truax 1991):
    a curve from a practice whose past clients often got worse must not hide
    it."""
    if count < 2:
        return Verdict(True, "insufficient", None, None, "Only one score so far.")
    worse = (lambda a, b: a > b) if better == "lower" else (lambda a, b: a < b)
    # "Score 5 on 3 Dec 2026": the nth score, which is a session number only
    # when the measure is given every session.
    what = (
        f"The follow-up score {latest:g}{_when(latest_on)}, after {session} "
        f"treatment score{'s' if session != 1 else ''},"
        if follow_up
        else f"Score {session}{_when(latest_on)} ({latest:g})"
    )
    floor = None
    if reliable_change is not None:
        floor = (
            first + reliable_change if better == "lower" else first - reliable_change
        )
    curve = curves.get(band_of(first))
    expected = bound = None
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
                f"{what} is outside the expected range for clients who started "
                f"at this severity (expected about {expected:.0f}, "
                f"{'at most' if better == 'lower' else 'at least'} "
                f"{shown_bound(bound, better):g}).",
            )
    if floor is not None and (worse(latest, floor) or latest == floor):
        return Verdict(
            False,
            "fallback" if curve is None else "deterioration",
            expected,
            floor,
            f"{what} is reliably worse than the first score {first:g} "
            f"(a change of {reliable_change:g} or more).",
        )
    if curve is not None:
        return Verdict(True, "curve", expected, bound, "Within the expected range.")
    if floor is None:
        return Verdict(
            True, "insufficient", None, None, "No reliable-change threshold."
        )
    return Verdict(True, "fallback", None, floor, "No reliable deterioration.")
