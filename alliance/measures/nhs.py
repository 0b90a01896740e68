"""NHS Talking Therapies (formerly IAPT) outcomes for one episode and for a practice.

Definitions, verbatim from NHS Digital publications [V]:

- Caseness: "if a patient's score is above the clinical / non-clinical cut off on
  either their anxiety score, their depression score, or both, then the referral
  is classed as a clinical case" (PHE Fingertips glossary). [S] Cut-offs: PHQ-9
  ≥ 10, GAD-7 ≥ 8.
- Recovery: "defined as a clinical case at the start of their treatment ('at
  caseness') and not as a clinical case at the end of their treatment"; not
  applicable to a referral not at caseness at the start.
- Reliable improvement: "a reliable decrease in one or both of the scores [and]
  no reliable increase in either of them" (ethnicity-facts-figures.service.gov.uk).
  [S] Reliable change: PHQ-9 ≥ 6 points, GAD-7 ≥ 4 points.
- Reliable deterioration: [U] the exact wording was not retrieved; this module
  assumes the mirror of reliable improvement: a reliable increase in one or both
  and no reliable decrease in either. A mixed case (one reliably better, the
  other reliably worse) is then neither improved nor deteriorated.
- Reliable recovery: "meet the criteria for both the recovery and reliable
  improvement measures".
- Finished course: "at least two attended treatment appointments" (excluding
  follow-up); outcomes compare the first and last scores.
- Rates: recovery = recovered / (finished − not at caseness); reliable
  improvement (and deterioration) = count / finished (NHS Digital, June and
  December 2020 outcome pages). Reliable recovery is published over referrals
  that finished at caseness (April 2025: 26,457 / 54,672 = 48.4 %).

This uses the PHQ-9 + GAD-7 pair, the pair NHS Talking Therapies uses for
depression, GAD, mixed anxiety and depression, and when the anxiety-disorder
specific measure is missing (Clark et al. 2018, Table 2).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

PHQ9_CASENESS = 10  # [S] ">9"
GAD7_CASENESS = 8  # [S] ">7"
PHQ9_RELIABLE = 6  # [S] reliable change, points
GAD7_RELIABLE = 4
PHQ9_RANGE = (0, 27)
GAD7_RANGE = (0, 21)
MIN_SESSIONS = 2


def _pair(
    name: str, pair: tuple[float, float] | None, bounds: tuple[int, int]
) -> tuple[float, float] | None:
    if pair is None:
        return None
    if len(pair) != 2:
        raise ValueError(f"{name} needs exactly two scores: first and last.")
    for score in pair:
        if isinstance(score, bool) or not isinstance(score, int | float):
            raise ValueError(f"{name} scores must be numbers.")
        if not bounds[0] <= score <= bounds[1]:
            raise ValueError(
                f"{name} score {score:g} is outside {bounds[0]}–{bounds[1]}."
            )
    return float(pair[0]), float(pair[1])


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _case(phq9: float, gad7: float) -> bool:
    return phq9 >= PHQ9_CASENESS or gad7 >= GAD7_CASENESS


def nhs_outcome(
    *,
    phq9: tuple[float, float] | None,
    gad7: tuple[float, float] | None,
    sessions: int,
) -> dict[str, Any]:
    """The NHS Talking Therapies flags for one episode. Each flag is True,
    False, or None where it does not apply (not a finished course, or recovery
    for a referral not at caseness at the start); ``reason`` says why."""
    if isinstance(sessions, bool) or not isinstance(sessions, int) or sessions < 0:
        raise ValueError(
            "sessions must be a whole number of attended treatment sessions."
        )
    phq = _pair("PHQ-9", phq9, PHQ9_RANGE)
    gad = _pair("GAD-7", gad7, GAD7_RANGE)
    result: dict[str, Any] = {
        "eligible": False,
        "sessions": sessions,
        "caseness_at_start": None,
        "caseness_at_end": None,
        "recovery": None,
        "reliable_improvement": None,
        "reliable_deterioration": None,
        "reliable_recovery": None,
        "phq9_change": None if phq is None else _number(phq[1] - phq[0]),
        "gad7_change": None if gad is None else _number(gad[1] - gad[0]),
        "reason": "",
    }
    if phq is None or gad is None:
        result["reason"] = (
            "Outcomes need first and last scores on both the PHQ-9 and the GAD-7."
        )
        return result
    result["caseness_at_start"] = _case(phq[0], gad[0])
    if sessions < MIN_SESSIONS:
        result["reason"] = (
            "Not a finished course of treatment: NHS Talking Therapies counts outcomes "
            "only after at least two attended treatment sessions."
        )
        return result
    result["eligible"] = True
    result["caseness_at_end"] = _case(phq[1], gad[1])
    phq_down = phq[0] - phq[1] >= PHQ9_RELIABLE
    gad_down = gad[0] - gad[1] >= GAD7_RELIABLE
    phq_up = phq[1] - phq[0] >= PHQ9_RELIABLE
    gad_up = gad[1] - gad[0] >= GAD7_RELIABLE
    improved = (phq_down or gad_down) and not (phq_up or gad_up)
    result["reliable_improvement"] = improved
    result["reliable_deterioration"] = (phq_up or gad_up) and not (phq_down or gad_down)
    if result["caseness_at_start"]:
        result["recovery"] = not result["caseness_at_end"]
        result["reliable_recovery"] = result["recovery"] and improved
        result["reason"] = "Finished course, at caseness at the start."
    else:
        result["reason"] = (
            "Finished course, not at caseness at the start (PHQ-9 below 10 and GAD-7 "
            "below 8), so recovery does not apply."
        )
    return result


def _percent(count: int, denominator: int) -> float | None:
    return None if denominator <= 0 else 100 * count / denominator


def nhs_rates_from_counts(
    *,
    finished: int,
    not_at_caseness: int,
    recovered: int = 0,
    reliably_improved: int = 0,
    reliably_deteriorated: int = 0,
    reliably_recovered: int = 0,
) -> dict[str, Any]:
    """Rates (per cent, unrounded; NHS Digital publishes one decimal place) with
    the published denominators."""
    for name, value in locals().copy().items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number of referrals.")
    at_caseness = finished - not_at_caseness
    if at_caseness < 0:
        raise ValueError("not_at_caseness cannot exceed finished.")
    return {
        "finished": finished,
        "not_at_caseness": not_at_caseness,
        "at_caseness": at_caseness,
        "recovered": recovered,
        "reliably_improved": reliably_improved,
        "reliably_deteriorated": reliably_deteriorated,
        "reliably_recovered": reliably_recovered,
        # Count_Recovery / (Count_FinishedCourseTreatment − Count_NotAtCaseness) × 100
        "recovery_rate": _percent(recovered, at_caseness),
        # Count_ReliableImprovement / Count_FinishedCourseTreatment × 100
        "reliable_improvement_rate": _percent(reliably_improved, finished),
        "reliable_deterioration_rate": _percent(reliably_deteriorated, finished),
        "reliable_recovery_rate": _percent(reliably_recovered, at_caseness),
    }


def nhs_rates(outcomes: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Practice-level counts and rates from ``nhs_outcome`` results. Episodes
    that did not finish a course (not eligible) are counted apart and excluded
    from every denominator, as NHS Digital does."""
    finished = not_at_caseness = recovered = improved = deteriorated = reliable = 0
    not_finished = 0
    for outcome in outcomes:
        if not outcome.get("eligible"):
            not_finished += 1
            continue
        finished += 1
        if not outcome.get("caseness_at_start"):
            not_at_caseness += 1
        recovered += bool(outcome.get("recovery"))
        improved += bool(outcome.get("reliable_improvement"))
        deteriorated += bool(outcome.get("reliable_deterioration"))
        reliable += bool(outcome.get("reliable_recovery"))
    rates = nhs_rates_from_counts(
        finished=finished,
        not_at_caseness=not_at_caseness,
        recovered=recovered,
        reliably_improved=improved,
        reliably_deteriorated=deteriorated,
        reliably_recovered=reliable,
    )
    rates["not_finished"] = not_finished
    return rates
