"""Change between two administrations: reliable change and clinical significance.

Reliable Change Index (Jacobson & Truax 1991, with Christensen & Mendoza's 1986
standard error of the difference), as implemented by the R package
clinicalsignificance (Claus et al., J Stat Softw 111(1);
https://github.com/pedscience/clinicalsignificance, R/calc_rci.R):

    SE     = SD · √(1 − r)          SD: pre-treatment (clinical) SD, r: reliability
    S_diff = √(2 · SE²)
    RCI    = (x2 − x1) / S_diff

A change is reliable when direction · RCI > 1.96 (improvement) or < −1.96
(deterioration): strict inequalities, as in the package; direction is +1 when
higher scores are better and −1 when lower scores are better. An RCI of exactly
1.96 is not reliable. Binary floating point cannot hold most decimals exactly
(19.6 / 10 may come out as 1.9600000000000002), so the RCI is rounded to
``RCI_DECIMALS`` (9) places before it is compared: a difference smaller than
that is float noise, never a real change in a questionnaire total.

Where an instrument has a published points threshold (NHS Talking Therapies:
PHQ-9 6, GAD-7 4; CORE-10 6; WHO-5 10 percentage points) that threshold decides
the category unless a reliability is passed explicitly; a change of at least the
threshold is reliable. One criterion decides, and only its numbers are
reported: when the threshold decides, no RCI (or S_diff) is reported, because an
RCI computed from a reliability and an SD could disagree with it (CORE-10: 6
points is reliable by Barkham et al.'s threshold, but 6 / S_diff(7.7, .90) is
only 1.74). Pass a reliability to use the RCI instead.

Clinical-significance cut-offs (Jacobson & Truax 1991; package R/calc_cutoff.R):

    a = M_clin + dir · 2 · SD_clin      two SDs beyond the clinical mean
    b = M_func − dir · 2 · SD_func      within two SDs of the functional mean
    c = (SD_clin · M_func + SD_func · M_clin) / (SD_clin + SD_func)

For b, Jacobson & Truax's wording ("within two standard deviations of the mean
of the functional population") implies SD_func, and that is the default. Some
versions of the clinicalsignificance package use SD_clin there
(``.calc_cutoff_jt``); pass ``b_sd="clin"`` to reproduce them. With equal SDs
the two agree.

Recovered (clinically significant) = pre on the dysfunctional side of the cut-off
AND post on the functional side AND reliably improved; harmed is the mirror
(package R/calc_categories.R, R/calc_recovered.R). Both sides are strict: a score
exactly on the cut-off is on neither side.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from alliance.measures.engine import HIGHER, LOWER, Instrument

RCI_CRITERION = 1.96  # 95 %, two-tailed (Jacobson & Truax 1991)
# Places the RCI is rounded to before the strict comparison with 1.96, so float
# noise (1.9600000000000002 for 19.6 / 10) never makes a change reliable.
RCI_DECIMALS = 9
IMPROVEMENT = "reliable_improvement"
NO_CHANGE = "no_reliable_change"
DETERIORATION = "reliable_deterioration"
COHORT_CATEGORIES = ("recovered", "improved", "unchanged", "deteriorated", "harmed")


@dataclass(frozen=True)
class Change:
    before: float
    after: float
    difference: float
    rci: float | None
    s_diff: float | None
    category: str
    cutoffs: dict[str, float | None]
    clinically_significant: bool | None
    # Additions: how the category was decided ("threshold" or "rci"), the
    # threshold used, which cut-off decides clinical significance, and the
    # parameters, so a result can be reproduced.
    method: str = "rci"
    threshold: float | None = None
    cutoff: str = "c"
    better: str = LOWER
    instrument: str = "custom"
    parameters: dict[str, float | None] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "before": _plain(self.before),
            "after": _plain(self.after),
            "difference": _plain(self.difference),
            "rci": _round(self.rci),
            "s_diff": _round(self.s_diff),
            "category": self.category,
            "method": self.method,
            "threshold": _plain(self.threshold),
            "better": self.better,
            "cutoffs": {key: _round(value) for key, value in self.cutoffs.items()},
            "cutoff": self.cutoff,
            "clinically_significant": self.clinically_significant,
            "parameters": {
                key: _plain(value) for key, value in self.parameters.items()
            },
        }


def direction(better: str) -> int:
    if better not in (LOWER, HIGHER):
        raise ValueError('better must be "lower" or "higher".')
    return 1 if better == HIGHER else -1


def standard_error_of_difference(sd: float, reliability: float) -> float:
    """S_diff = √(2·SE²) with SE = SD·√(1 − r) (Christensen & Mendoza 1986)."""
    _check_reliability(reliability)
    if not sd > 0:
        raise ValueError("The standard deviation must be above 0.")
    se = sd * math.sqrt(1 - reliability)
    return math.sqrt(2 * se**2)


def reliable_change_index(
    before: float, after: float, *, sd: float, reliability: float
) -> float:
    return (after - before) / standard_error_of_difference(sd, reliability)


def cutoffs(
    *,
    better: str,
    m_clin: float | None = None,
    sd_clin: float | None = None,
    m_func: float | None = None,
    sd_func: float | None = None,
    b_sd: str = "func",
) -> dict[str, float | None]:
    """Jacobson & Truax cut-offs a, b and c; None where the norms are missing."""
    dir_ = direction(better)
    a = b = c = None
    if m_clin is not None and sd_clin is not None:
        a = m_clin + dir_ * 2 * sd_clin
    b_spread = sd_clin if b_sd == "clin" else sd_func
    if b_sd not in ("func", "clin"):
        raise ValueError(
            'b_sd must be "func" (Jacobson & Truax) or "clin" (package variant).'
        )
    if m_func is not None and b_spread is not None:
        b = m_func - dir_ * 2 * b_spread
    if (
        m_clin is not None
        and sd_clin is not None
        and m_func is not None
        and sd_func is not None
    ):
        c = (sd_clin * m_func + sd_func * m_clin) / (sd_clin + sd_func)
    return {"a": a, "b": b, "c": c}


@dataclass(frozen=True)
class Parameters:
    """Everything one classification needs, with user values over published ones."""

    better: str
    reliability: float | None
    sd: float | None
    threshold: float | None
    norms: dict[str, float | None]
    method: str
    instrument: str

    @classmethod
    def resolve(
        cls,
        instrument: Instrument | None,
        *,
        reliability: float | None = None,
        sd: float | None = None,
        m_clin: float | None = None,
        sd_clin: float | None = None,
        m_func: float | None = None,
        sd_func: float | None = None,
        better: str | None = None,
        sample_pre: Iterable[float] | None = None,
    ) -> Parameters:
        published = dict(instrument.norms) if instrument else {}
        better = better or (instrument.better if instrument else None)
        if better is None:
            raise ValueError(
                'Say which direction is improvement: better="lower" or "higher".'
            )
        direction(better)
        if reliability is not None:
            _check_reliability(reliability)
        pre = [float(x) for x in sample_pre] if sample_pre is not None else None
        # Like the package, a cohort without published norms takes the clinical
        # mean and SD from its own pre-treatment scores.
        sample_mean = statistics.fmean(pre) if pre else None
        sample_sd = statistics.stdev(pre) if pre and len(pre) > 1 else None
        norms = {
            "m_clin": _first(m_clin, published.get("m_clin"), sample_mean),
            "sd_clin": _first(sd_clin, published.get("sd_clin"), sample_sd),
            "m_func": _first(m_func, published.get("m_func")),
            "sd_func": _first(sd_func, published.get("sd_func")),
        }
        for key in ("sd_clin", "sd_func"):
            value = norms[key]
            if value is not None and not value > 0:
                raise ValueError(f"{key} must be above 0.")
        threshold = instrument.reliable_change if instrument else None
        name = instrument.code if instrument else "custom"
        if reliability is not None:
            method = "rci"
            spread = _first(
                sd, sample_sd if pre else None, norms["sd_clin"], published.get("sd")
            )
        elif threshold is not None:
            method = "threshold"
            reliability = instrument.reliability if instrument else None
            spread = _first(sd, published.get("sd"), norms["sd_clin"])
        elif instrument is not None and instrument.reliability is not None:
            method = "rci"
            reliability = instrument.reliability
            spread = _first(
                sd, sample_sd if pre else None, published.get("sd"), norms["sd_clin"]
            )
        else:
            what = f"The {instrument.short_name}" if instrument else "A custom measure"
            raise ValueError(
                f"{what} has no published reliable-change threshold or reliability: "
                "pass a reliability (and an SD, or a cohort of pre-treatment scores)."
            )
        if method == "rci" and spread is None:
            raise ValueError(
                "The reliable change index needs the pre-treatment standard deviation: "
                "pass sd (or sd_clin)."
            )
        if spread is not None and not spread > 0:
            raise ValueError("The standard deviation must be above 0.")
        return cls(
            better=better,
            reliability=reliability,
            sd=spread,
            threshold=threshold if method == "threshold" else None,
            norms=norms,
            method=method,
            instrument=name,
        )

    def category(
        self, before: float, after: float
    ) -> tuple[str, float | None, float | None]:
        """(category, rci, s_diff) for one pair of scores."""
        dir_ = direction(self.better)
        s_diff = rci = None
        if self.reliability is not None and self.sd is not None:
            s_diff = standard_error_of_difference(self.sd, self.reliability)
            rci = (after - before) / s_diff
        if self.method == "threshold" and self.threshold is not None:
            gain = dir_ * (after - before)
            # Round away float noise so 6 points is 6, not 5.999999.
            gain = round(gain, 9)
            # The threshold is the one criterion: no RCI is reported beside it.
            if gain >= self.threshold:
                return IMPROVEMENT, None, None
            if gain <= -self.threshold:
                return DETERIORATION, None, None
            return NO_CHANGE, None, None
        if rci is None:
            raise ValueError("The reliable change index needs a reliability and an SD.")
        signed = round(dir_ * rci, RCI_DECIMALS)
        if signed > RCI_CRITERION:
            return IMPROVEMENT, rci, s_diff
        if signed < -RCI_CRITERION:
            return DETERIORATION, rci, s_diff
        return NO_CHANGE, rci, s_diff

    def cutoffs(self, b_sd: str = "func") -> dict[str, float | None]:
        return cutoffs(better=self.better, b_sd=b_sd, **self.norms)

    def as_dict(self) -> dict[str, float | None]:
        return {
            "reliability": self.reliability,
            "sd": self.sd,
            "threshold": self.threshold,
            **self.norms,
        }


def classify_change(
    instrument: Instrument | None,
    before: float,
    after: float,
    *,
    reliability: float | None = None,
    sd: float | None = None,
    m_clin: float | None = None,
    sd_clin: float | None = None,
    m_func: float | None = None,
    sd_func: float | None = None,
    better: str | None = None,
    cutoff: str = "c",
    b_sd: str = "func",
) -> Change:
    """Classify the change from ``before`` to ``after``; ValueError when the
    published values and the ones passed are not enough to decide."""
    if cutoff not in ("a", "b", "c"):
        raise ValueError('cutoff must be "a", "b" or "c".')
    for name, value in (("before", before), ("after", after)):
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"{name} must be a number.")
        if (
            instrument is not None
            and not instrument.minimum <= value <= instrument.maximum
        ):
            raise ValueError(
                f"{name} = {value:g} is outside the {instrument.short_name} range "
                f"{instrument.minimum:g}–{instrument.maximum:g}."
            )
    params = Parameters.resolve(
        instrument,
        reliability=reliability,
        sd=sd,
        m_clin=m_clin,
        sd_clin=sd_clin,
        m_func=m_func,
        sd_func=sd_func,
        better=better,
    )
    category, rci, s_diff = params.category(before, after)
    points = params.cutoffs(b_sd)
    chosen = points[cutoff]
    significant = None
    if chosen is not None:
        significant = _side(before, chosen, params.better) == "clinical" and (
            _side(after, chosen, params.better) == "functional"
            and category == IMPROVEMENT
        )
    return Change(
        before=float(before),
        after=float(after),
        difference=_tidy(after - before),
        rci=rci,
        s_diff=s_diff,
        category=category,
        cutoffs=points,
        clinically_significant=significant,
        method=params.method,
        threshold=params.threshold,
        cutoff=cutoff,
        better=params.better,
        instrument=params.instrument,
        parameters=params.as_dict(),
    )


def classify_cohort(
    rows: Iterable[tuple[str, float, float]],
    *,
    instrument: Instrument | None = None,
    reliability: float | None = None,
    sd: float | None = None,
    m_clin: float | None = None,
    sd_clin: float | None = None,
    m_func: float | None = None,
    sd_func: float | None = None,
    better: str | None = None,
    cutoff: str = "c",
    b_sd: str = "func",
) -> dict[str, Any]:
    """Per-client categories (recovered / improved / unchanged / deteriorated /
    harmed) and their counts, as the clinicalsignificance package reports them.
    Without published norms, the clinical mean and SD (and the SD for the RCI)
    come from the cohort's own pre-treatment scores, as in the package."""
    if cutoff not in ("a", "b", "c"):
        raise ValueError('cutoff must be "a", "b" or "c".')
    rows = list(rows)
    if not rows:
        raise ValueError("The cohort has no clients.")
    params = Parameters.resolve(
        instrument,
        reliability=reliability,
        sd=sd,
        m_clin=m_clin,
        sd_clin=sd_clin,
        m_func=m_func,
        sd_func=sd_func,
        better=better,
        sample_pre=[pre for _, pre, _ in rows],
    )
    points = params.cutoffs(b_sd)
    chosen = points[cutoff]
    if chosen is None:
        needs = {
            "a": "m_clin and sd_clin",
            "b": "m_func and sd_func",
            "c": "all four norms",
        }
        raise ValueError(f"Cut-off {cutoff} needs {needs[cutoff]}.")
    counts = dict.fromkeys(COHORT_CATEGORIES, 0)
    clients = []
    for client_id, pre, post in rows:
        change, rci, _ = params.category(pre, post)
        before_side, after_side = (
            _side(pre, chosen, params.better),
            _side(post, chosen, params.better),
        )
        if (
            change == IMPROVEMENT
            and before_side == "clinical"
            and after_side == "functional"
        ):
            category = "recovered"
        elif (
            change == DETERIORATION
            and before_side == "functional"
            and after_side == "clinical"
        ):
            category = "harmed"
        else:
            category = {
                IMPROVEMENT: "improved",
                NO_CHANGE: "unchanged",
                DETERIORATION: "deteriorated",
            }[change]
        counts[category] += 1
        clients.append(
            {
                "id": client_id,
                "pre": _plain(pre),
                "post": _plain(post),
                "difference": _plain(_tidy(post - pre)),
                "rci": _round(rci),
                "change": change,
                "category": category,
            }
        )
    n = len(rows)
    return {
        "instrument": params.instrument,
        "n": n,
        "method": params.method,
        "better": params.better,
        "cutoff": {"type": cutoff, "value": _round(chosen), "b_sd": b_sd},
        "cutoffs": {key: _round(value) for key, value in points.items()},
        "s_diff": _round(
            standard_error_of_difference(params.sd, params.reliability)
            if params.method == "rci"
            and params.sd is not None
            and params.reliability is not None
            else None
        ),
        "parameters": {key: _round(value) for key, value in params.as_dict().items()},
        "counts": counts,
        "percentages": {
            key: round(100 * value / n, 1) for key, value in counts.items()
        },
        "clients": clients,
    }


def _side(score: float, cutoff: float, better: str) -> str:
    """ "clinical", "functional" or "on_cutoff" (strict, as in the package)."""
    dir_ = direction(better)
    if dir_ * score < dir_ * cutoff:
        return "clinical"
    if dir_ * score > dir_ * cutoff:
        return "functional"
    return "on_cutoff"


def _check_reliability(reliability: float) -> None:
    if not isinstance(reliability, int | float) or not 0 < reliability < 1:
        raise ValueError("The reliability must be between 0 and 1 (exclusive).")


def _first(*values: float | None) -> float | None:
    for value in values:
        if value is not None:
            return float(value)
    return None


def _tidy(value: float) -> float:
    return round(value, 6)


def _round(value: float | None) -> float | int | None:
    if value is None:
        return None
    return _plain(round(value, 4))


def _plain(value: float | None) -> float | int | None:
    if value is None or not math.isfinite(value):
        return None
    return int(value) if float(value).is_integer() else value
