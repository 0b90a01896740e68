"""The scoring engine: instruments are data files, this module scores them.

Every built-in instrument is one JSON file in ``alliance/measures/instruments/``
(format: that folder's README.md); a practice can load one it holds a licence for
with ``alliance load-instrument FILE`` (see ``loader.py``). Nothing here touches
the database, so the same code serves the web pages, the API and the command line.

Answers are the option values the respondent chose, before any reverse keying;
the engine applies reverse keying, multipliers (WHO-5 ×4), means (CORE-10) and
prorating (only where the instrument's authors define it) itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

CHOICE = "choice"
TEXT = "text"
LOWER = "lower"
HIGHER = "higher"
SEVERITIES = ("high", "medium", "low")
# A risk rule raises a risk alert (self-harm, suicide); a prompt rule asks the
# clinician to act on something clinical (AUDIT's "next level up") and never
# enters the risk queue or shows the client crisis wording.
RISK = "risk"
PROMPT = "prompt"
RULE_KINDS = (RISK, PROMPT)
# Free-text answers are comments, not essays; a cap keeps a pasted document out.
MAX_TEXT_LENGTH = 5000


@dataclass(frozen=True)
class Option:
    value: int
    label: str
    code: str = ""  # LOINC answer code (LA…), where one exists


@dataclass(frozen=True)
class Item:
    key: str
    number: int
    text: str  # exact wording, or "" where the licence does not allow it
    options: tuple[Option, ...]
    required: bool = True
    kind: str = CHOICE
    loinc: str = ""
    scored: bool = True

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)

    @property
    def display(self) -> str:
        """What to show when the wording may not be reproduced."""
        return self.text or f"Item {self.number}"

    def label_for(self, value: int | str | None) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        return ""


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    low: float
    high: float  # inclusive


@dataclass(frozen=True)
class RiskFlag:
    item_key: str
    answer: int | str
    reason: str
    severity: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "item_key": self.item_key,
            "answer": self.answer,
            "reason": self.reason,
            "severity": self.severity,
        }


@dataclass(frozen=True)
class Score:
    instrument: str
    total: float | None
    band: str | None
    band_label: str | None
    caseness: bool | None
    risk_flags: tuple[RiskFlag, ...]
    subscales: dict[str, float]
    # Additions beyond the shape: the unconverted sum (WHO-5 raw 0–25),
    # whether a missing item was prorated, named rule results (PCL-5 provisional
    # diagnosis, AUDIT "next level up"), and plain-English notes for clinicians.
    version: str = ""
    raw_total: float | None = None
    prorated: bool = False
    flags: dict[str, bool] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    # Answers that match a prompt rule (not risk), and risk items left blank.
    prompts: tuple[RiskFlag, ...] = ()
    unanswered_risk: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The JSON the ``score`` command prints."""
        return {
            "instrument": self.instrument,
            "version": self.version,
            "total": _plain(self.total),
            "raw_total": _plain(self.raw_total),
            "prorated": self.prorated,
            "band": self.band,
            "band_label": self.band_label,
            "caseness": self.caseness,
            "risk_flags": [flag.as_dict() for flag in self.risk_flags],
            "prompts": [flag.as_dict() for flag in self.prompts],
            "unanswered_risk": list(self.unanswered_risk),
            "subscales": {key: _plain(value) for key, value in self.subscales.items()},
            "flags": dict(self.flags),
            "notes": list(self.notes),
        }


class InvalidAnswers(ValueError):
    """Answers that cannot be scored. ``errors`` maps an item key (or ``""`` for
    the form as a whole) to a plain-English message, for showing beside fields."""

    def __init__(self, message: str, errors: Mapping[str, str] | None = None):
        super().__init__(message)
        self.errors: dict[str, str] = dict(errors or {"": message})


# --- scoring rules (parsed from the instrument file by loader.py) ---------------


@dataclass(frozen=True)
class Scoring:
    method: str = "sum"  # "sum" | "mean" of the scored items
    multiplier: float = 1.0  # WHO-5 ×4, CORE-10 mean ×10
    reverse: tuple[str, ...] = ()  # reverse-keyed items: value → min + max − value
    # How many required scored items may be missing and the total prorated from
    # the others. 0 unless the instrument's authors define prorating.
    max_missing: int = 0
    prorate_rule: str = ""  # the authors' rule, quoted in the note on a prorated total


@dataclass(frozen=True)
class Subscale:
    key: str
    label: str
    items: tuple[str, ...]
    method: str = "sum"


@dataclass(frozen=True)
class RiskRule:
    """One flag per listed item whose answer is at least ``at_least``.
    ``kind`` is ``"risk"`` (a risk alert) or ``"prompt"`` (a clinical prompt)."""

    items: tuple[str, ...]
    at_least: int
    reason: str
    severity: str
    kind: str = RISK


@dataclass(frozen=True)
class Condition:
    """A small rule language for named flags; answers are compared as given,
    before reverse keying.

    - ``items_at_least``: at least ``count`` of ``items`` answered ≥ ``value``;
    - ``items_at_most``: at least ``count`` of ``items`` answered ≤ ``value``;
    - ``total_at_least`` / ``total_at_most``: the total against ``value``;
    - ``all`` / ``any``: the conditions in ``of``.
    """

    type: str
    items: tuple[str, ...] = ()
    value: float = 0
    count: int = 1
    of: tuple[Condition, ...] = ()

    def holds(self, answers: Mapping[str, int | str], total: float | None) -> bool:
        if self.type == "all":
            return all(part.holds(answers, total) for part in self.of)
        if self.type == "any":
            return any(part.holds(answers, total) for part in self.of)
        if self.type in ("total_at_least", "total_at_most"):
            if total is None:
                return False
            if self.type == "total_at_least":
                return total >= self.value
            return total <= self.value
        given = [
            value for key in self.items if isinstance(value := answers.get(key), int)
        ]
        if self.type == "items_at_least":
            matching = [value for value in given if value >= self.value]
        else:
            matching = [value for value in given if value <= self.value]
        return len(matching) >= self.count


@dataclass(frozen=True)
class FlagRule:
    key: str
    label: str
    when: Condition
    note: str = ""  # added to Score.notes when the flag is true


@dataclass(frozen=True)
class CasenessByItem:
    """A cut-off that depends on an answer, e.g. AUDIT-C ≥4 for men, ≥3 for women."""

    item: str
    cutoffs: dict[int, float]


# --- the instrument --------------------------------------------------------------


# eq=False: compared and hashed by identity (its dicts cannot be hashed), which
# suits one cached object per instrument file.
@dataclass(frozen=True, eq=False)
class Instrument:
    code: str
    version: str
    name: str
    short_name: str
    instructions: str
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    better: str  # "lower" | "higher"
    # Caseness is total ≥ cutoff when lower is better, total ≤ cutoff when higher
    # is better (WHO-5: ≤ 48 % is poor well-being).
    caseness_cutoff: float | None
    reliable_change: float | None  # published points threshold, if any
    reliability: float | None
    norms: dict[str, float]  # m_clin, sd_clin, m_func, sd_func (and sd) where published
    minimum: float
    maximum: float
    licence: str
    attribution: str
    sources: dict[str, str]
    validated: bool
    loinc: str = ""
    total_loinc: str = ""
    caseness_label: str = ""
    scoring: Scoring = field(default_factory=Scoring)
    subscale_rules: tuple[Subscale, ...] = ()
    risk_rules: tuple[RiskRule, ...] = ()
    flag_rules: tuple[FlagRule, ...] = ()
    caseness_by_item: CasenessByItem | None = None
    builtin: bool = True
    # Ages the instrument is published for (file field "ages"); without it an
    # instrument is for adults (18 and over). None = no upper limit.
    min_age: int | None = 18
    max_age: int | None = None
    # "included": the file carries the licensed wording; "practice": it carries
    # the scoring only, and a practice loads the wording under its own licence.
    wording: str = "included"
    # A retired version is kept only so answers given on it still display; it
    # is not offered, scheduled or started ("retired" in the file says why).
    retired: bool = False
    retired_note: str = ""

    def age_problem(self, age: int | None) -> str:
        """Why this instrument may not be given at ``age`` ("" when it may)."""
        if age is None:
            return ""
        if self.min_age is not None and age < self.min_age:
            if self.min_age == 18 and self.max_age is None:
                return (
                    f"The {self.short_name} is for adults (18 and over); this client "
                    f"is {age}. Choose a measure published for their age."
                )
            return (
                f"The {self.short_name} is for ages {self.ages_label}; this client "
                f"is {age}."
            )
        if self.max_age is not None and age > self.max_age:
            return (
                f"The {self.short_name} is for ages {self.ages_label}; this client "
                f"is {age}. Choose the adult measure instead."
            )
        return ""

    @property
    def ages_label(self) -> str:
        low = self.min_age if self.min_age is not None else 0
        return (
            f"{low}–{self.max_age}" if self.max_age is not None else f"{low} and over"
        )

    # -- lookups

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(f"The {self.short_name} has no item {key!r}.")

    @property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.scored)

    @property
    def risk_items(self) -> tuple[str, ...]:
        """Keys of the items that can raise a risk flag (not prompts)."""
        keys: list[str] = []
        for rule in self.risk_rules:
            if rule.kind == RISK:
                keys.extend(key for key in rule.items if key not in keys)
        return tuple(keys)

    @property
    def prompt_items(self) -> tuple[str, ...]:
        """Keys of the items that can raise a clinical prompt."""
        keys: list[str] = []
        for rule in self.risk_rules:
            if rule.kind == PROMPT:
                keys.extend(key for key in rule.items if key not in keys)
        return tuple(keys)

    def unanswered_risk_items(
        self, answers: Mapping[str, int | str]
    ) -> tuple[str, ...]:
        """Risk items with no answer (a prorated CORE-10 without item 6)."""
        return tuple(key for key in self.risk_items if key not in answers)

    def band_for(self, total: float | None) -> Band | None:
        """The band holding ``total``. A prorated total that falls between two
        published bands (CORE-10 10.56) takes the lower one, as the published
        cut-off would (caseness starts at 11)."""
        if total is None or not self.bands:
            return None
        for band in self.bands:
            if band.low <= total <= band.high:
                return band
        below = [band for band in self.bands if band.low <= total]
        return below[-1] if below else None

    def is_case(
        self, total: float | None, answers: Mapping[str, int | str] | None = None
    ) -> bool | None:
        """Caseness for a total; None when there is no total or no cut-off
        (AUDIT-C without an answer to "sex")."""
        answers = answers or {}
        if total is None:
            return None
        cutoff = self.caseness_cutoff
        if self.caseness_by_item is not None:
            answer = answers.get(self.caseness_by_item.item)
            if not isinstance(answer, int):
                return None
            cutoff = self.caseness_by_item.cutoffs.get(answer)
        if cutoff is None:
            return None
        return total >= cutoff if self.better == LOWER else total <= cutoff

    # -- answers

    def validate(
        self, answers: Mapping[str, object], *, partial: bool = False
    ) -> dict[str, int | str]:
        """Return the cleaned answers (option values as ints, stripped text),
        or raise InvalidAnswers naming each item and why. ``partial`` skips the
        completeness check, for saving a form half way."""
        if not isinstance(answers, Mapping):
            raise InvalidAnswers("Answers must be given as item → answer pairs.")
        errors: dict[str, str] = {}
        cleaned: dict[str, int | str] = {}
        known = {item.key: item for item in self.items}
        for key, raw in answers.items():
            item = known.get(str(key))
            if item is None:
                errors[str(key)] = f"The {self.short_name} has no item {key!r}."
                continue
            try:
                value = _clean(item, raw)
            except ValueError as exc:
                errors[item.key] = str(exc)
                continue
            if value is not None:
                cleaned[item.key] = value
        messages = list(errors.values())
        if not partial:
            missing = [
                item
                for item in self.items
                if item.required and item.key not in cleaned and item.key not in errors
            ]
            missing_unscored = [item for item in missing if not item.scored]
            if missing_unscored or len(missing) > self.scoring.max_missing:
                messages.append(self._missing_message(missing))
                for item in missing:
                    errors[item.key] = f"Item {item.number} has no answer."
        if errors:
            raise InvalidAnswers(" ".join(messages), errors)
        return {
            item.key: cleaned[item.key] for item in self.items if item.key in cleaned
        }

    def _missing_message(self, missing: list[Item]) -> str:
        numbers = [str(item.number) for item in missing]
        if len(numbers) == 1:
            head = f"Item {numbers[0]} has no answer."
        else:
            head = f"Items {', '.join(numbers[:-1])} and {numbers[-1]} have no answer."
        if self.scoring.max_missing:
            allowed = self.scoring.max_missing
            plural = "item is" if allowed == 1 else "items are"
            return (
                f"{head} The {self.short_name} total can be prorated only when at most "
                f"{allowed} {plural} missing: {self.scoring.prorate_rule}"
            )
        return (
            f"{head} Every item is needed: the {self.short_name} has no published "
            "rule for prorating a missing answer."
        )

    def score(self, answers: Mapping[str, object]) -> Score:
        cleaned = self.validate(answers)
        scored = [
            item for item in self.scored_items if isinstance(cleaned.get(item.key), int)
        ]
        values = {
            item.key: self._keyed(item, int(cleaned[item.key])) for item in scored
        }
        missing_required = [
            item
            for item in self.scored_items
            if item.required and item.key not in values
        ]
        raw_total: float | None = float(sum(values.values())) if values else None
        total: float | None = None
        prorated = bool(missing_required)
        if values:
            if self.scoring.method == "mean":
                base = sum(values.values()) / len(values)
            elif prorated:
                # Only reached where the authors define prorating (max_missing > 0).
                base = (
                    sum(values.values())
                    / len(values)
                    * (len(values) + len(missing_required))
                )
            else:
                base = float(sum(values.values()))
            total = _tidy(base * self.scoring.multiplier)
        band = self.band_for(total)
        subscales: dict[str, float] = {}
        for rule in self.subscale_rules:
            parts = [values[key] for key in rule.items if key in values]
            if len(parts) != len(rule.items):
                continue  # subscales are never prorated
            subscales[rule.key] = _tidy(_combine(rule.method, parts))
        flags: dict[str, bool] = {}
        notes: list[str] = []
        for flag in self.flag_rules:
            flags[flag.key] = flag.when.holds(cleaned, total)
            if flags[flag.key] and flag.note:
                notes.append(flag.note)
        if prorated:
            unanswered = ", ".join(str(item.number) for item in missing_required)
            notes.insert(
                0,
                f"Prorated because item {unanswered} was not answered: "
                f"{self.scoring.prorate_rule}",
            )
        return Score(
            instrument=self.code,
            version=self.version,
            total=total,
            raw_total=raw_total,
            prorated=prorated,
            band=band.key if band else None,
            band_label=band.label if band else None,
            caseness=self.is_case(total, cleaned),
            risk_flags=self.risk_flags(cleaned),
            subscales=subscales,
            flags=flags,
            notes=tuple(notes),
            prompts=self.prompt_flags(cleaned),
            unanswered_risk=self.unanswered_risk_items(cleaned),
        )

    def risk_flags(self, answers: Mapping[str, int | str]) -> tuple[RiskFlag, ...]:
        """Flags for cleaned (possibly partial) answers: a risk answer must raise
        an alert even when the rest of the form is incomplete, so the measures
        service runs this on every saved answer, not only on submit."""
        return self._matches(answers, RISK)

    def prompt_flags(self, answers: Mapping[str, int | str]) -> tuple[RiskFlag, ...]:
        """Answers that call for a clinical prompt rather than a risk alert."""
        return self._matches(answers, PROMPT)

    def _matches(
        self, answers: Mapping[str, int | str], kind: str
    ) -> tuple[RiskFlag, ...]:
        found: list[RiskFlag] = []
        for rule in self.risk_rules:
            if rule.kind != kind:
                continue
            for key in rule.items:
                answer = answers.get(key)
                if isinstance(answer, int) and answer >= rule.at_least:
                    found.append(RiskFlag(key, answer, rule.reason, rule.severity))
        return tuple(found)

    def _keyed(self, item: Item, value: int) -> int:
        if item.key in self.scoring.reverse:
            return min(item.values) + max(item.values) - value
        return value


def _clean(item: Item, raw: object) -> int | str | None:
    if raw is None:
        return None
    if item.kind == TEXT:
        if not isinstance(raw, str):
            raise ValueError(f"Item {item.number}: the answer must be text.")
        text = raw.strip()
        if len(text) > MAX_TEXT_LENGTH:
            raise ValueError(
                f"Item {item.number}: the answer is longer than {MAX_TEXT_LENGTH} characters."
            )
        return text or None
    value: int | None = None
    if isinstance(raw, bool):
        value = None
    elif isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if not text:
            return None
        try:
            value = int(text)
        except ValueError:
            value = None
    if value is None or value not in item.values:
        allowed = ", ".join(str(v) for v in item.values)
        raise ValueError(
            f"Item {item.number}: {raw!r} is not one of its answers ({allowed})."
        )
    return value


def _tidy(value: float) -> float:
    """Round away float noise (CORE-10 prorated means); two decimals is finer
    than any published cut-off."""
    return round(value + 0.0, 2)


def _plain(value: float | None) -> float | int | None:
    if value is None or not math.isfinite(value):
        return None
    return int(value) if float(value).is_integer() else value


# --- catalogue ------------------------------------------------------------------


def get_instrument(code: str, version: str | None = None) -> Instrument:
    """A built-in instrument, or one a practice loaded into VAR_DIR/instruments.
    Without ``version``, the newest loaded version. KeyError if unknown."""
    from alliance.measures import loader

    return loader.find(code, version)


def all_instruments() -> list[Instrument]:
    """Built-ins, then practice-loaded instruments, each group sorted by name."""
    from alliance.measures import loader

    return loader.catalogue()


def _combine(method: str, parts: Sequence[float]) -> float:
    """A subscale's value: ``sum``, ``mean`` or ``min`` (the lowest item, e.g.
    the alliance check's weakest statement) of its items' keyed values."""
    if method == "mean":
        return sum(parts) / len(parts)
    if method == "min":
        return float(min(parts))
    return float(sum(parts))
