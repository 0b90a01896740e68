"""Anxiety-disorder-specific measures (ADSMs): which anxiety measure an episode's
NHS Talking Therapies outcome is judged on, and that outcome.

The pairing, as NHS Talking Therapies publishes it [V] (Clark, D. M., et al.
(2018). Transparency about the outcomes of mental health services (IAPT
approach): an analysis of public data. The Lancet, 391, 679–686, Table 2;
https://pmc.ncbi.nlm.nih.gov/articles/PMC5942544/table/T2):

==============================  =======  ===========================  ========
problem descriptor               depress.  recommended anxiety measure  back-up
==============================  =======  ===========================  ========
depression, GAD, mixed, none     PHQ-9    GAD-7                        —
social anxiety disorder          PHQ-9    SPIN                         GAD-7
PTSD                             PHQ-9    IES-R                        GAD-7
agoraphobia                      PHQ-9    Mobility Inventory (MI)      GAD-7
OCD                              PHQ-9    OCI                          GAD-7
panic disorder                   PHQ-9    PDSS                         GAD-7
health anxiety                   PHQ-9    HAI                          GAD-7
==============================  =======  ===========================  ========

"Recovery, reliable improvement and reliable deterioration rate calculations
are based [on] the pair of measures highlighted in bold. When the measure in
bold in the third column is missing, the recovery calculation is based on the
combination of PHQ-9 and GAD-7" (the table's note). So the outcome here is
``nhs.nhs_outcome``'s rules applied to PHQ-9 + the paired anxiety measure:
caseness when either is at or above its cut-off; recovery, reliable
improvement, deterioration and reliable recovery as there.

Alliance's adaptations, each said where it applies:

- OCD: Alliance ships the 18-item OCI-R (``ocir``), not the 42-item OCI of the
  table (Veale et al. 2016 found the OCI-R as sensitive to change for IAPT).
- PTSD: the IES-R is the table's measure. [U] Later NHS Talking Therapies
  guidance is said to use the PCL-5 instead; not read for this release. The
  PCL-5 is paired when the IES-R has fewer than two scores and the PCL-5 has
  two; it has no published points threshold for reliable change in its file
  (see pcl5.json), so reliable change on that pair is not judged (None).
- The problem descriptor is the intake's first coded provisional diagnosis
  (lowest position). Codes are matched by prefix, so ICD-10-CM's longer codes
  (F40.10, F43.12) fall under their WHO ICD-10 parent. ICD-11 stem codes
  (ICD-11 MMS, https://icd.who.int/browse/2024-01/mms/en, chapter 06 block
  "Anxiety or fear-related disorders" 6B00–6B0Z, 6B20 OCD, 6B23
  hypochondriasis, 6B40 PTSD) map the same way.
- ICD-10 F45.2 (hypochondriacal disorder) maps to the HAI; ICD-10-CM F45.22 is
  body dysmorphic disorder, not health anxiety, and is left to the GAD-7.

Cut-offs and reliable-change thresholds are each instrument's own, from its
file (``caseness.cutoff`` and ``reliable_change``, with their sources and
status marks there), except the GAD-7, whose NHS Talking Therapies caseness is
8, not the file's screening cut-off 10 (``nhs.GAD7_CASENESS``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Q

from alliance.accounts.models import Practice
from alliance.clients.models import Episode
from alliance.measures.engine import LOWER, get_instrument
from alliance.measures.models import Administration
from alliance.measures.nhs import (
    GAD7_CASENESS,
    MIN_SESSIONS,
    PHQ9_CASENESS,
    PHQ9_RELIABLE,
)

PHQ9, GAD7 = "phq9", "gad7"


@dataclass(frozen=True)
class Problem:
    key: str
    label: str
    # Paired anxiety measures, in order of preference; GAD-7 is always the
    # back-up when none of them has two scores.
    measures: tuple[str, ...]


DEFAULT = Problem("none", "No anxiety-disorder descriptor", (GAD7,))
PROBLEMS = {
    "social_anxiety": Problem("social_anxiety", "Social anxiety disorder", ("spin",)),
    "ptsd": Problem("ptsd", "Post-traumatic stress disorder", ("iesr", "pcl5")),
    "agoraphobia": Problem("agoraphobia", "Agoraphobia", ("mi_alone",)),
    "ocd": Problem("ocd", "Obsessive-compulsive disorder", ("ocir",)),
    "panic": Problem("panic", "Panic disorder", ("pdss",)),
    "health_anxiety": Problem("health_anxiety", "Health anxiety", ("hai",)),
    "gad": Problem("gad", "Generalised anxiety disorder", (GAD7,)),
    "other_anxiety": Problem("other_anxiety", "Other anxiety problem", (GAD7,)),
}
ADSM_CODES = ("spin", "iesr", "pcl5", "mi_alone", "ocir", "pdss", "hai")

# (system, code prefix, problem key, exceptions); the first match wins, so
# longer prefixes come first. ICD-10 F40–F48: "Neurotic, stress-related and
# somatoform disorders" (WHO ICD-10, 2019 edition,
# https://icd.who.int/browse10/2019/en#/F40-F48).
ICD10_RULES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("F40.1", "social_anxiety", ()),  # social phobias
    ("F40.0", "agoraphobia", ()),
    ("F43.1", "ptsd", ()),
    ("F42", "ocd", ()),
    ("F41.0", "panic", ()),  # panic disorder [episodic paroxysmal anxiety]
    ("F45.2", "health_anxiety", ("F45.22",)),  # CM F45.22: body dysmorphic
    ("F41.1", "gad", ()),
    ("F40", "other_anxiety", ()),
    ("F41", "other_anxiety", ()),
    ("F43", "other_anxiety", ()),
    ("F45", "other_anxiety", ()),
    ("F48", "other_anxiety", ()),
)
ICD11_RULES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("6B04", "social_anxiety", ()),
    ("6B02", "agoraphobia", ()),
    ("6B40", "ptsd", ()),
    ("6B20", "ocd", ()),
    ("6B01", "panic", ()),
    ("6B23", "health_anxiety", ()),
    ("6B00", "gad", ()),
    ("6B0", "other_anxiety", ()),  # anxiety or fear-related disorders 6B00–6B0Z
)


def problem_for(code_system: str, code: str) -> Problem:
    """The problem descriptor an ICD code names (DEFAULT for anything else,
    depression included: it pairs with the GAD-7)."""
    code = (code or "").strip().upper()
    rules = {"icd10cm": ICD10_RULES, "icd11": ICD11_RULES}.get(code_system or "")
    if not code or rules is None:
        return DEFAULT
    for prefix, key, exceptions in rules:
        if code.startswith(prefix) and not any(code.startswith(e) for e in exceptions):
            return PROBLEMS[key]
    return DEFAULT


@dataclass(frozen=True)
class MeasureRule:
    """One anxiety measure's caseness and reliable-change rule."""

    code: str
    short_name: str
    better: str
    cutoff: float
    reliable: float | None

    def case(self, total: float) -> bool:
        return total >= self.cutoff if self.better == LOWER else total <= self.cutoff


def measure_rule(code: str) -> MeasureRule:
    instrument = get_instrument(code)
    cutoff = GAD7_CASENESS if code == GAD7 else instrument.caseness_cutoff
    if cutoff is None:
        raise ValueError(f"{instrument.short_name} has no caseness cut-off.")
    return MeasureRule(
        code=code,
        short_name=instrument.short_name,
        better=instrument.better,
        cutoff=float(cutoff),
        reliable=instrument.reliable_change,
    )


@dataclass(frozen=True)
class Scores:
    first: float
    last: float
    count: int


@dataclass
class AdsmOutcome:
    """One episode's pairing and its outcome on PHQ-9 + the paired measure."""

    episode_id: int
    problem: Problem
    diagnosis_code: str
    recommended: str
    paired: str | None  # the measure used, None when no anxiety pair exists
    fallback: bool  # the recommended ADSM was missing, GAD-7 used instead
    sessions: int
    phq9: Scores | None
    anxiety: Scores | None
    eligible: bool = False
    caseness_at_start: bool | None = None
    caseness_at_end: bool | None = None
    recovery: bool | None = None
    reliable_improvement: bool | None = None
    reliable_deterioration: bool | None = None
    reliable_recovery: bool | None = None
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def classify(
    *,
    episode_id: int,
    problem: Problem,
    diagnosis_code: str,
    sessions: int,
    scores: dict[str, Scores],
) -> AdsmOutcome:
    """Choose the paired measure from ``scores`` (measure → first/last/count
    of current scores) and apply the NHS rules to PHQ-9 + that measure."""
    recommended = problem.measures[0]
    paired = next(
        (
            code
            for code in problem.measures
            if code in scores and scores[code].count >= 2
        ),
        None,
    )
    fallback = False
    if paired is None and recommended != GAD7:
        fallback = True
        paired = GAD7 if GAD7 in scores and scores[GAD7].count >= 2 else None
    phq = scores.get(PHQ9)
    phq = phq if phq is not None and phq.count >= 2 else None
    anxiety = scores[paired] if paired else None
    result = AdsmOutcome(
        episode_id=episode_id,
        problem=problem,
        diagnosis_code=diagnosis_code,
        recommended=recommended,
        paired=paired,
        fallback=fallback,
        sessions=sessions,
        phq9=phq,
        anxiety=anxiety,
    )
    if phq is None or anxiety is None or paired is None:
        result.reason = (
            "Outcomes need at least two scores on the PHQ-9 and on the paired "
            "anxiety measure."
        )
        return result
    rule = measure_rule(paired)
    result.caseness_at_start = phq.first >= PHQ9_CASENESS or rule.case(anxiety.first)
    if sessions < MIN_SESSIONS:
        result.reason = (
            "Not a finished course of treatment: fewer than two attended "
            "treatment sessions."
        )
        return result
    result.eligible = True
    result.caseness_at_end = phq.last >= PHQ9_CASENESS or rule.case(anxiety.last)
    if result.caseness_at_start:
        result.recovery = not result.caseness_at_end
    if rule.reliable is None:
        result.reason = (
            f"{rule.short_name} has no published reliable-change threshold, so "
            "reliable change on this pair is not judged."
        )
        return result
    sign = 1 if rule.better == LOWER else -1
    phq_down = phq.first - phq.last >= PHQ9_RELIABLE
    phq_up = phq.last - phq.first >= PHQ9_RELIABLE
    # Reliable-change values are points on each measure's own scale; the small
    # tolerance keeps a mean-scored measure's float steps (MI: 1/27) honest.
    anx_better = sign * (anxiety.first - anxiety.last) >= rule.reliable - 1e-9
    anx_worse = sign * (anxiety.last - anxiety.first) >= rule.reliable - 1e-9
    improved = (phq_down or anx_better) and not (phq_up or anx_worse)
    result.reliable_improvement = improved
    result.reliable_deterioration = (phq_up or anx_worse) and not (
        phq_down or anx_better
    )
    if result.caseness_at_start:
        result.reliable_recovery = bool(result.recovery) and improved
    result.reason = (
        "Finished course, at caseness at the start."
        if result.caseness_at_start
        else "Finished course, not at caseness at the start, so recovery does not apply."
    )
    return result


# --- gathering the numbers ----------------------------------------------------------


def _diagnoses(episodes: Any) -> dict[int, tuple[str, str]]:
    """Episode id → (code system, code) of its first coded provisional
    diagnosis. Diagnoses live in the intake app; reached through Episode's
    reverse relation so measures never imports intake's models."""
    rows = episodes.order_by(
        "pk", "intake__diagnoses__position", "intake__diagnoses__id"
    ).values_list("pk", "intake__diagnoses__code_system", "intake__diagnoses__code")
    found: dict[int, tuple[str, str]] = {}
    for pk, system, code in rows:
        if code:  # None: no intake or no diagnosis; "": not coded
            found.setdefault(pk, (system or "", code))
    return found


def _scores(administrations: Any) -> dict[int, dict[str, Scores]]:
    """Episode id → measure → first, last and count of current scores."""
    rows = (
        administrations.current()
        .filter(
            instrument__in=(PHQ9, GAD7, *ADSM_CODES),
            total__isnull=False,
        )
        .order_by("episode_id", "instrument", "taken_at", "id")
        .values_list("episode_id", "instrument", "total")
    )
    gathered: dict[int, dict[str, list[float]]] = {}
    for episode_id, code, total in rows.iterator():
        series = gathered.setdefault(episode_id, {}).setdefault(code, [])
        series.append(float(total))
    return {
        episode_id: {
            code: Scores(values[0], values[-1], len(values))
            for code, values in measures.items()
        }
        for episode_id, measures in gathered.items()
    }


def _sessions(episodes: Any) -> dict[int, int]:
    # Appointments belong to scheduling; reached by reverse relation. Only
    # held treatment appointments count as sessions (outcomes.TREATMENT).
    from alliance.measures.outcomes import TREATMENT

    held = Q(appointments__status="held", appointments__purpose=TREATMENT)
    return dict(
        episodes.order_by()
        .annotate(held=Count("appointments", filter=held))
        .values_list("pk", "held")
    )


def episode_outcomes(episodes: Any) -> list[AdsmOutcome]:
    """One AdsmOutcome per episode of ``episodes`` (a queryset), in four
    queries however many episodes there are."""
    diagnoses = _diagnoses(episodes)
    sessions = _sessions(episodes)
    scores = _scores(Administration.objects.filter(episode__in=episodes.values("pk")))
    results = []
    for episode_id in sorted(sessions):
        system, code = diagnoses.get(episode_id, ("", ""))
        results.append(
            classify(
                episode_id=episode_id,
                problem=problem_for(system, code),
                diagnosis_code=code,
                sessions=sessions[episode_id],
                scores=scores.get(episode_id, {}),
            )
        )
    return results


def episode_adsm(episode: Episode) -> AdsmOutcome:
    return episode_outcomes(Episode.objects.filter(pk=episode.pk))[0]


def _flag(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}" if float(value).is_integer() else f"{round(value, 2):g}"


def adsm_fields(outcome: AdsmOutcome) -> dict[str, str]:
    """Flat, CSV-ready columns for one episode's ADSM pairing and outcome."""
    return {
        "problem_descriptor": outcome.problem.label,
        "diagnosis_code": outcome.diagnosis_code,
        "recommended_anxiety_measure": _short(outcome.recommended),
        "paired_anxiety_measure": _short(outcome.paired) if outcome.paired else "",
        "adsm_missing_gad7_used": _flag(outcome.fallback if outcome.paired else None),
        "paired_first": _num(outcome.anxiety.first) if outcome.anxiety else "",
        "paired_last": _num(outcome.anxiety.last) if outcome.anxiety else "",
        "paired_caseness_at_start": _flag(outcome.caseness_at_start),
        "paired_recovery": _flag(outcome.recovery),
        "paired_reliable_improvement": _flag(outcome.reliable_improvement),
        "paired_reliable_deterioration": _flag(outcome.reliable_deterioration),
        "paired_reliable_recovery": _flag(outcome.reliable_recovery),
    }


# The per-episode CSV's columns, in order (keys of ``adsm_fields``).
ADSM_COLUMNS = [
    "problem_descriptor",
    "diagnosis_code",
    "recommended_anxiety_measure",
    "paired_anxiety_measure",
    "adsm_missing_gad7_used",
    "paired_first",
    "paired_last",
    "paired_caseness_at_start",
    "paired_recovery",
    "paired_reliable_improvement",
    "paired_reliable_deterioration",
    "paired_reliable_recovery",
]


def episode_adsm_fields(episode: Episode) -> dict[str, str]:
    """The per-episode CSV columns for ``episode`` (four queries). For many
    episodes call ``episode_outcomes`` once and ``adsm_fields`` per row."""
    return adsm_fields(episode_adsm(episode))


def _short(code: str | None) -> str:
    if not code:
        return ""
    try:
        return get_instrument(code).short_name
    except KeyError:
        return code


# --- the practice summary ------------------------------------------------------------


@dataclass
class PairCounts:
    """Counts for the episodes judged on one anxiety measure."""

    code: str
    name: str
    cutoff: float
    reliable: float | None
    paired: int = 0
    fallback: int = 0
    finished: int = 0
    at_caseness: int = 0
    recovered: int = 0
    reliably_improved: int = 0
    reliably_deteriorated: int = 0
    reliably_recovered: int = 0

    def add(self, outcome: AdsmOutcome) -> None:
        self.paired += 1
        self.fallback += outcome.fallback
        if not outcome.eligible:
            return
        self.finished += 1
        self.at_caseness += bool(outcome.caseness_at_start)
        self.recovered += bool(outcome.recovery)
        self.reliably_improved += bool(outcome.reliable_improvement)
        self.reliably_deteriorated += bool(outcome.reliable_deterioration)
        self.reliably_recovered += bool(outcome.reliable_recovery)

    @property
    def recovery_rate(self) -> float | None:
        # Recovered / (finished − not at caseness), as nhs.nhs_rates_from_counts.
        return _percent(self.recovered, self.at_caseness)

    @property
    def reliable_improvement_rate(self) -> float | None:
        return _percent(self.reliably_improved, self.finished)


def _percent(count: int, denominator: int) -> float | None:
    return None if denominator <= 0 else 100 * count / denominator


@dataclass
class AdsmSummary:
    rows: list[PairCounts]
    overall: PairCounts
    by_problem: dict[str, int]
    no_pair: int


def summarise(outcomes: Iterable[AdsmOutcome]) -> AdsmSummary:
    rows: dict[str, PairCounts] = {}
    overall = PairCounts("all", "All paired measures", 0, None)
    by_problem: dict[str, int] = {}
    no_pair = 0
    for outcome in outcomes:
        by_problem[outcome.problem.label] = by_problem.get(outcome.problem.label, 0) + 1
        if outcome.paired is None or outcome.phq9 is None:
            no_pair += 1
            continue
        if outcome.paired not in rows:
            rule = measure_rule(outcome.paired)
            rows[outcome.paired] = PairCounts(
                outcome.paired, rule.short_name, rule.cutoff, rule.reliable
            )
        rows[outcome.paired].add(outcome)
        overall.add(outcome)
    order = {code: i for i, code in enumerate((GAD7, *ADSM_CODES))}
    return AdsmSummary(
        rows=sorted(rows.values(), key=lambda r: order.get(r.code, 99)),
        overall=overall,
        by_problem=dict(sorted(by_problem.items())),
        no_pair=no_pair,
    )


def practice_adsm_summary(
    practice: Practice,
    *,
    clinician_ids: Iterable[int] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> AdsmSummary:
    """Counts by paired measure and the recovery rate on PHQ-9 + the paired
    measure, for the practice's episodes (or those of ``clinician_ids``).
    A period keeps episodes whose last score of any measure counted here
    falls in ``since <= taken_at < until``."""
    episodes = Episode.objects.filter(client__practice=practice)
    if clinician_ids is not None:
        episodes = episodes.filter(clinician_id__in=list(clinician_ids))
    if since is not None or until is not None:
        scored = Administration.objects.current().filter(
            client__practice=practice,
            instrument__in=(PHQ9, GAD7, *ADSM_CODES),
            total__isnull=False,
        )
        last = scored.order_by().values("episode_id").annotate(last=Max("taken_at"))
        if since is not None:
            last = last.filter(last__gte=since)
        if until is not None:
            last = last.filter(last__lt=until)
        episodes = episodes.filter(pk__in=last.values("episode_id"))
    return summarise(episode_outcomes(episodes))


# --- NHS caseness of one score, for per-measure recovery elsewhere --------------


def nhs_caseness(code: str, total: float | None) -> bool | None:
    """Whether one score is at caseness as NHS Talking Therapies counts it for
    recovery (PHQ-9 10 or more, GAD-7 8 or more, an ADSM at its own cut-off);
    None for a measure NHS Talking Therapies does not use for recovery."""
    if total is None:
        return None
    if code == PHQ9:
        return total >= PHQ9_CASENESS
    if code == GAD7 or code in ADSM_CODES:
        return measure_rule(code).case(total)
    return None


def nhs_caseness_rule(code: str) -> str:
    """The cut-off ``nhs_caseness`` applies to ``code``, in words; "" if none."""
    if code == PHQ9:
        return f"PHQ-9 {PHQ9_CASENESS} or more (NHS Talking Therapies)"
    if code == GAD7 or code in ADSM_CODES:
        rule = measure_rule(code)
        side = "or more" if rule.better == LOWER else "or less"
        return f"{rule.short_name} {rule.cutoff:g} {side} (NHS Talking Therapies)"
    return ""
