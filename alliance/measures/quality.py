"""US depression quality measures on the PHQ-9: remission and response at six
and twelve months, for the clients whose index PHQ-9 was above 9.

Measure definitions (steward MN Community Measurement):

- CMS159v12, Depression Remission at Twelve Months (CBE/NQF 0710e, MIPS 370)
  [V] https://ecqi.healthit.gov/ecqm/ec/2023/cms0159v11 and the v12 summary
  https://kb.sevocity.com/Content/Topics/MIPS/Quality/CMS159v12.htm:
  "Adolescent patients 12 to 17 years of age and adult patients 18 years of
  age and older with a diagnosis of major depression or dysthymia and an
  initial PHQ-9 or PHQ-9M score greater than nine during the index event"
  (denominator); "… who achieved remission at twelve months as demonstrated by
  the most recent twelve month (+/- 60 days) PHQ-9 or PHQ-9M score of less
  than five" (numerator). Index event date: "the first instance of elevated
  PHQ-9 or PHQ-9M greater than nine and diagnosis of depression or dysthymia
  … during the denominator identification measurement period"
  (https://curewiki.curemd.com/?p=68079, quoting CMS159v11). Stratified 12–17
  and 18 and over at the index assessment (CMS159v14 header).
- NQF 0711, Depression Remission at Six Months: the same at six months
  (+/- 60 days). [S] http://www.mnhealthscores.org/learn-more-feel-better-6-months
  ("the percent of patients whose PHQ-9 score at six months is less than 5").
- NQF 1884 / 1885, Depression Response at Six / Twelve Months – Progress
  Towards Remission: "PHQ-9 or PHQ-9M score reduced by 50% or greater" six
  (twelve) months (+/- 60 days) after the index visit [V]
  https://www.acponline.org/depression-response-at-six-months-progress-towards-remission,
  https://p4qm.org/measures/1885. NQF 1885's endorsement was removed in 2022
  (same page); it is still computed because practices use it.

Denominator exclusions (CMS159v12) and what Alliance can apply:

- died before the end of the assessment period — NOT applied: Alliance
  records no date of death;
- hospice or palliative care — NOT applied: not recorded;
- permanent nursing home resident (v11 and earlier) — NOT applied;
- bipolar disorder; personality disorder emotionally labile; schizophrenia or
  psychotic disorder; pervasive developmental disorder — applied from the
  coded provisional diagnoses of the client's intakes started before the end
  of the assessment period (ICD code lists below; the measure's own value sets
  were not read, so the lists are [S] the ICD-10 / ICD-11 blocks of those
  names).

Adaptations, said where they apply: the "encounter" is an episode of care
(the PHQ-9 must be recorded in an episode whose intake lists a depression
diagnosis; the 7-days-before-a-visit rule is not checked); the PHQ-A
(PHQ-9 modified for adolescents) counts as the PHQ-9M; a client whose
assessment window has not closed by ``as_of`` is reported as pending, outside
the denominator, because the measure can only be judged once the window is
over.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from alliance.accounts.models import Practice
from alliance.clients.models import Client, Episode
from alliance.measures.models import Administration

PHQ_CODES = ("phq9", "phqa")  # PHQ-9 and PHQ-9M (the PHQ-A)
INDEX_ABOVE = 9  # "an initial PHQ-9 or PHQ-9M score greater than nine" (CMS159)
REMISSION_BELOW = 5  # "a PHQ-9 or PHQ-9M score of less than five" (CMS159)
RESPONSE_FRACTION = 0.5  # "reduced by 50% or greater" (NQF 1884/1885)
WINDOW_DAYS = 60  # "+/- 60 days" (CMS159v8 onwards; v4–v7 used 30)
MIN_AGE = 12  # "Adolescent patients 12 to 17 years of age and adult patients"
ADULT_AGE = 18

# "Major depression or dysthymia" [S]: ICD-10 F32 (depressive episode, but not
# F32.8x "other depressive episodes", e.g. ICD-10-CM premenstrual dysphoric
# disorder F32.81), F33 (recurrent depressive disorder), F34.1 (dysthymia);
# ICD-11 6A70 single episode, 6A71 recurrent, 6A72 dysthymic disorder.
DEPRESSION = {
    "icd10cm": (("F32", ("F32.8",)), ("F33", ()), ("F34.1", ())),
    "icd11": (("6A70", ()), ("6A71", ()), ("6A72", ())),
}
# Exclusions [S]: bipolar F31 / 6A60–6A61; emotionally unstable (borderline)
# personality disorder F60.3 / 6D11.5 (borderline pattern); schizophrenia or
# other primary psychotic disorders F20–F29 / 6A20–6A2Z; pervasive
# developmental disorders F84 / 6A02 (autism spectrum disorder).
EXCLUSIONS = {
    "bipolar": ("Bipolar disorder", {"icd10cm": ("F31",), "icd11": ("6A60", "6A61")}),
    "labile_personality": (
        "Personality disorder, emotionally labile",
        {"icd10cm": ("F60.3",), "icd11": ("6D11.5",)},
    ),
    "psychotic": (
        "Schizophrenia or psychotic disorder",
        {"icd10cm": ("F2",), "icd11": ("6A2",)},
    ),
    "developmental": (
        "Pervasive developmental disorder",
        {"icd10cm": ("F84",), "icd11": ("6A02",)},
    ),
}
NOT_APPLIED = (
    "Died before the end of the assessment period (no date of death is recorded).",
    "Hospice or palliative care (not recorded).",
    "Permanent nursing home resident (not recorded; dropped from CMS159 in v12).",
)


@dataclass(frozen=True)
class QualityMeasure:
    key: str
    title: str
    ids: str
    months: int
    kind: str  # "remission" | "response"


MEASURES = (
    QualityMeasure(
        "remission_12",
        "Depression remission at twelve months",
        "CMS159v12 · NQF 0710",
        12,
        "remission",
    ),
    QualityMeasure(
        "remission_6", "Depression remission at six months", "NQF 0711", 6, "remission"
    ),
    QualityMeasure(
        "response_12",
        "Depression response at twelve months",
        "NQF 1885",
        12,
        "response",
    ),
    QualityMeasure(
        "response_6", "Depression response at six months", "NQF 1884", 6, "response"
    ),
)


def _matches(rules: Any, system: str, code: str) -> bool:
    code = (code or "").upper()
    for rule in rules.get(system or "", ()):
        prefix, but_not = rule if isinstance(rule, tuple) else (rule, ())
        if code.startswith(prefix) and not any(code.startswith(n) for n in but_not):
            return True
    return False


def is_depression(system: str, code: str) -> bool:
    return _matches(DEPRESSION, system, code)


def exclusion_for(system: str, code: str) -> str | None:
    for key, (_, rules) in EXCLUSIONS.items():
        if _matches(rules, system, code):
            return key
    return None


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 Aug + 6 → 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def window(index_day: date, months: int) -> tuple[date, date]:
    """The assessment window: ``months`` after the index day, ± 60 days."""
    target = add_months(index_day, months)
    return target - timedelta(days=WINDOW_DAYS), target + timedelta(days=WINDOW_DAYS)


def judge(
    measure: QualityMeasure,
    index_day: date,
    index_score: float,
    later: list[tuple[date, float]],
    as_of: date,
) -> str:
    """ "met", "not_met" or "pending" for one client: the most recent score in
    the window decides; no score in a closed window is not met."""
    start, end = window(index_day, measure.months)
    if end > as_of:
        return "pending"
    inside = [score for day, score in sorted(later) if start <= day <= end]
    if not inside:
        return "not_met"
    last = inside[-1]
    if measure.kind == "remission":
        return "met" if last < REMISSION_BELOW else "not_met"
    return "met" if last <= index_score * RESPONSE_FRACTION else "not_met"


@dataclass
class Patient:
    client_id: int
    index_day: date
    index_score: float
    age: int
    later: list[tuple[date, float]]
    exclusions: set[str] = field(default_factory=set)

    @property
    def stratum(self) -> str:
        return "12–17" if self.age < ADULT_AGE else "18 and over"


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def patients(practice: Practice, start: date, end: date) -> list[Patient]:
    """The clients with an index event in ``start``–``end`` (practice-local
    days, both included), with every later PHQ-9/PHQ-9M score and their
    diagnosis exclusions. Three queries."""
    born = dict(
        Client.objects.filter(practice=practice).values_list("pk", "date_of_birth")
    )
    depression_episodes: set[int] = set()
    diagnoses: dict[int, list[tuple[date, str, str]]] = {}
    # Diagnoses live in the intake app; reached through Episode's reverse
    # relation so measures never imports intake's models.
    for client_id, episode_id, started, system, code in Episode.objects.filter(
        client__practice=practice, intake__diagnoses__isnull=False
    ).values_list(
        "client_id",
        "pk",
        "intake__created_at",
        "intake__diagnoses__code_system",
        "intake__diagnoses__code",
    ):
        if not code:
            continue
        if is_depression(system, code):
            depression_episodes.add(episode_id)
        diagnoses.setdefault(client_id, []).append(
            (practice.today(started), system, code)
        )
    scores: dict[int, list[tuple[date, float, int]]] = {}
    for client_id, episode_id, taken_at, total in (
        Administration.objects.current()
        .filter(
            client__practice=practice, instrument__in=PHQ_CODES, total__isnull=False
        )
        .order_by("taken_at", "id")
        .values_list("client_id", "episode_id", "taken_at", "total")
    ):
        scores.setdefault(client_id, []).append(
            (practice.today(taken_at), float(total), episode_id)  # type: ignore[arg-type]  # filtered on total__isnull=False
        )
    found = []
    for client_id, rows in scores.items():
        index = next(
            (
                (day, total)
                for day, total, episode_id in rows
                if start <= day <= end
                and total > INDEX_ABOVE
                and episode_id in depression_episodes
            ),
            None,
        )
        if index is None or client_id not in born:
            continue
        age = _age(born[client_id], index[0])
        if age < MIN_AGE:
            continue
        patient = Patient(
            client_id=client_id,
            index_day=index[0],
            index_score=index[1],
            age=age,
            later=[(day, total) for day, total, _ in rows if day > index[0]],
        )
        # "any time prior to the end of the measure assessment period": the
        # twelve-month window is the longest, so its end bounds every measure.
        last_day = window(index[0], 12)[1]
        for day, system, code in diagnoses.get(client_id, []):
            reason = exclusion_for(system, code)
            if reason and day <= last_day:
                patient.exclusions.add(reason)
        found.append(patient)
    return found


@dataclass
class MeasureResult:
    measure: QualityMeasure
    initial: int = 0  # index events found
    excluded: int = 0
    pending: int = 0
    denominator: int = 0
    numerator: int = 0
    by_stratum: dict[str, list[int]] = field(default_factory=dict)  # [num, den]

    @property
    def percent(self) -> float | None:
        return 100 * self.numerator / self.denominator if self.denominator else None

    def _stratum(self, label: str) -> str:
        met, of = self.by_stratum.get(label, (0, 0))
        return f"{met} / {of}" if of else "—"

    @property
    def adolescents(self) -> str:
        return self._stratum("12–17")

    @property
    def adults(self) -> str:
        return self._stratum("18 and over")


@dataclass
class QualitySummary:
    start: date
    end: date
    as_of: date
    results: list[MeasureResult]
    exclusions: dict[str, int]
    not_applied: tuple[str, ...] = NOT_APPLIED


def summarise(
    found: list[Patient], *, start: date, end: date, as_of: date
) -> QualitySummary:
    exclusions = {key: 0 for key in EXCLUSIONS}
    for patient in found:
        for key in patient.exclusions:
            exclusions[key] += 1
    results = []
    for measure in MEASURES:
        result = MeasureResult(measure)
        for patient in found:
            result.initial += 1
            if patient.exclusions:
                result.excluded += 1
                continue
            outcome = judge(
                measure, patient.index_day, patient.index_score, patient.later, as_of
            )
            if outcome == "pending":
                result.pending += 1
                continue
            result.denominator += 1
            counts = result.by_stratum.setdefault(patient.stratum, [0, 0])
            counts[1] += 1
            if outcome == "met":
                result.numerator += 1
                counts[0] += 1
        results.append(result)
    return QualitySummary(
        start=start,
        end=end,
        as_of=as_of,
        results=results,
        exclusions={EXCLUSIONS[k][0]: n for k, n in exclusions.items()},
    )


def quality_summary(
    practice: Practice, start: date, end: date, *, as_of: date | None = None
) -> QualitySummary:
    """The four measures for index events from ``start`` to ``end``
    (practice-local days, both included), judged as of ``as_of`` (default:
    the practice's today)."""
    if end < start:
        raise ValueError("The period must end on or after its start.")
    as_of = as_of or practice.today()
    return summarise(patients(practice, start, end), start=start, end=end, as_of=as_of)


def as_dict(summary: QualitySummary) -> dict[str, Any]:
    """Plain JSON for the command line."""
    return {
        "index_period": [summary.start.isoformat(), summary.end.isoformat()],
        "as_of": summary.as_of.isoformat(),
        "measures": [
            {
                "key": r.measure.key,
                "title": r.measure.title,
                "ids": r.measure.ids,
                "index_events": r.initial,
                "excluded": r.excluded,
                "pending": r.pending,
                "denominator": r.denominator,
                "numerator": r.numerator,
                "percent": None if r.percent is None else round(r.percent, 1),
                "by_age": {
                    k: {"numerator": v[0], "denominator": v[1]}
                    for k, v in sorted(r.by_stratum.items())
                },
            }
            for r in summary.results
        ],
        "exclusions_applied": summary.exclusions,
        "exclusions_not_applied": list(summary.not_applied),
    }


def default_index_period(today: date) -> tuple[date, date]:
    """The latest twelve months of index events whose twelve-month windows
    (± 60 days) have all closed by ``today``: ending twelve months and 61 days
    before it."""
    end = add_months(today - timedelta(days=WINDOW_DAYS + 1), -12)
    start = add_months(end, -12) + timedelta(days=1)
    return start, end
