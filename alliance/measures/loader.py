"""Reading, checking and installing instrument files.

Built-in instruments ship in ``alliance/measures/instruments/*.json``. A practice
adds an instrument it holds a licence for with ``alliance load-instrument FILE``,
which checks the file and copies it to ``VAR_DIR/instruments/<code>-<version>.json``.
Files are read once per process; a newly loaded instrument is seen by every
app process and worker within a second, without a restart, provided they share
VAR_DIR (see ``invalidate`` and docs/measures.md).
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeGuard

from alliance.measures.engine import (
    CHOICE,
    HIGHER,
    LOWER,
    RISK,
    RULE_KINDS,
    SEVERITIES,
    TEXT,
    Band,
    CasenessByItem,
    Condition,
    FlagRule,
    Instrument,
    Item,
    Option,
    RiskRule,
    Scoring,
    Subscale,
)
from alliance.measures.schema import shape_problems

FORMAT = 1
BUILTIN_DIR = Path(__file__).resolve().parent / "instruments"
# Code and version become a file name: keep them to safe characters.
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,19}$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FILE_BYTES = 1_000_000
NORM_KEYS = ("m_clin", "sd_clin", "m_func", "sd_func", "sd")
CONDITION_TYPES = (
    "items_at_least",
    "items_at_most",
    "total_at_least",
    "total_at_most",
    "all",
    "any",
)
ITEM_FIELDS = {
    "key",
    "number",
    "text",
    "options",
    "required",
    "kind",
    "loinc",
    "scored",
    "comment",
}
TOP_LEVEL = {
    "format",
    "code",
    "version",
    "name",
    "short_name",
    "instructions",
    "validated",
    "loinc",
    "total_loinc",
    "licence",
    "attribution",
    "sources",
    "better",
    "option_sets",
    "items",
    "scoring",
    "subscales",
    "bands",
    "caseness",
    "reliable_change",
    "reliability",
    "norms",
    "risk",
    "flags",
    "comment",
    "ages",
    "wording",
    "retired",
}
WORDINGS = ("included", "practice")


class InstrumentFileError(ValueError):
    """An instrument file that cannot be used; the message lists every problem."""

    def __init__(self, problems: list[str], *, source: str = ""):
        self.problems = problems
        where = f"{source}: " if source else ""
        if len(problems) == 1:
            message = f"{where}{problems[0]}"
        else:
            message = f"{where}{len(problems)} problems:\n- " + "\n- ".join(problems)
        super().__init__(message)


class _Problems:
    def __init__(self) -> None:
        self.found: list[str] = []

    def add(self, message: str) -> None:
        self.found.append(message)


# --- parsing -----------------------------------------------------------------------


def parse_instrument(
    data: object, *, builtin: bool = False, source: str = ""
) -> Instrument:
    """Check an instrument file's contents and build the Instrument, or raise
    InstrumentFileError listing every problem found."""
    p = _Problems()
    if not isinstance(data, Mapping):
        raise InstrumentFileError(
            ["The file must hold one JSON object."], source=source
        )
    shape = shape_problems(data)
    if shape:
        # Values of the wrong type: name them before checking what they say.
        raise InstrumentFileError(shape, source=source)
    unknown = sorted(set(data) - TOP_LEVEL)
    if unknown:
        p.add(f"Unknown field(s): {', '.join(unknown)}.")
    if data.get("format", FORMAT) != FORMAT:
        p.add(
            f"format must be {FORMAT} (this version of Alliance reads format {FORMAT})."
        )
    code = _text(p, data, "code", required=True)
    if code and not CODE_RE.match(code):
        p.add(
            f"code {code!r} must be 2–40 lower-case letters, digits or underscores, "
            "starting with a letter."
        )
    version = _text(p, data, "version", required=True)
    if version and not VERSION_RE.match(version):
        p.add(
            f"version {version!r} may use only letters, digits, dots and hyphens (at most 20)."
        )
    name = _text(p, data, "name", required=True)
    short_name = _text(p, data, "short_name") or name
    better = data.get("better")
    if better not in (LOWER, HIGHER):
        p.add('better must be "lower" or "higher" (which direction is improvement).')
        better = LOWER
    validated = data.get("validated")
    if not isinstance(validated, bool):
        p.add("validated must be true or false.")
        validated = False
    licence = _text(p, data, "licence", required=True)
    attribution = _text(p, data, "attribution")
    sources = data.get("sources", {})
    if not isinstance(sources, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip()
        for k, v in sources.items()
    ):
        p.add('sources must map a topic (e.g. "bands") to a citation or URL.')
        sources = {}

    option_sets = _option_sets(p, data.get("option_sets", {}))
    items = _items(p, data.get("items"), option_sets)
    keys = {item.key for item in items}
    scoring = _scoring(p, data.get("scoring", {}), items)
    minimum, maximum = _range(items, scoring)
    subscales = _subscales(p, data.get("subscales", []), keys)
    bands = _bands(p, data.get("bands", []), minimum, maximum, _step(items, scoring))
    caseness_cutoff, caseness_label, by_item = _caseness(p, data.get("caseness"), items)
    reliable_change = _number(p, data, "reliable_change", positive=True)
    reliability = _number(p, data, "reliability")
    if reliability is not None and not 0 < reliability < 1:
        p.add("reliability must be between 0 and 1 (exclusive).")
    norms = _norms(p, data.get("norms", {}))
    risk = _risk(p, data.get("risk", []), items)
    flags = _flags(p, data.get("flags", []), keys)
    min_age, max_age = _ages(p, data.get("ages"))
    retired = data.get("retired", "")
    if not isinstance(retired, str):
        p.add('retired must be a sentence saying why and what to use instead, or "".')
        retired = ""
    wording = data.get("wording", "included")
    if wording not in WORDINGS:
        p.add('wording must be "included" or "practice".')
        wording = "included"

    # Every number needs its source next to it (docs/measures.md).
    needs = {
        "items": bool(items),
        "scoring": True,
        "bands": bool(bands),
        "caseness": caseness_cutoff is not None or by_item is not None,
        "reliable_change": reliable_change is not None,
        "reliability": reliability is not None,
        "norms": bool(norms),
        "risk": bool(risk),
        "flags": bool(flags),
    }
    if validated:
        for topic, needed in needs.items():
            if needed and topic not in sources:
                p.add(
                    f'sources has no entry for "{topic}": cite where those values come from.'
                )
    if p.found:
        raise InstrumentFileError(p.found, source=source or (code or ""))
    return Instrument(
        code=code,
        version=version,
        name=name,
        short_name=short_name,
        instructions=str(data.get("instructions", "") or ""),
        items=tuple(items),
        bands=tuple(bands),
        better=better,
        caseness_cutoff=caseness_cutoff,
        reliable_change=reliable_change,
        reliability=reliability,
        norms=norms,
        minimum=minimum,
        maximum=maximum,
        licence=licence,
        attribution=attribution,
        sources=dict(sources),
        validated=validated,
        loinc=str(data.get("loinc", "") or ""),
        total_loinc=str(data.get("total_loinc", "") or ""),
        caseness_label=caseness_label,
        scoring=scoring,
        subscale_rules=tuple(subscales),
        risk_rules=tuple(risk),
        flag_rules=tuple(flags),
        caseness_by_item=by_item,
        builtin=builtin,
        min_age=min_age,
        max_age=max_age,
        wording=wording,
        retired=bool(retired.strip()),
        retired_note=retired.strip(),
    )


def _ages(p: _Problems, raw: object) -> tuple[int | None, int | None]:
    """``"ages": {"min": 11, "max": 17}``; without it, adults (18 and over)."""
    if raw is None:
        return 18, None
    if not isinstance(raw, Mapping) or set(raw) - {"min", "max"}:
        p.add('ages must be {"min": …, "max": …} (whole years; max may be null).')
        return 18, None
    low, high = raw.get("min"), raw.get("max")
    for value in (low, high):
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            p.add("ages: min and max must be whole numbers of years.")
            return 18, None
    if low is not None and high is not None and low > high:
        p.add("ages: min must not be above max.")
        return 18, None
    return low, high


def _text(
    p: _Problems, data: Mapping[str, Any], key: str, *, required: bool = False
) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        p.add(f"{key} must be text.")
        return ""
    if required and not value.strip():
        p.add(f"{key} is required.")
    return value.strip()


def _is_number(value: object) -> TypeGuard[int | float]:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def _number(
    p: _Problems, data: Mapping[str, Any], key: str, *, positive: bool = False
) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if not _is_number(value) or (positive and value <= 0):
        p.add(f"{key} must be a {'positive ' if positive else ''}number or null.")
        return None
    return float(value)


def _options(p: _Problems, raw: object, where: str) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not raw:
        p.add(f"{where}: options must be a non-empty list.")
        return ()
    options = []
    for index, entry in enumerate(raw, start=1):
        if not isinstance(entry, Mapping):
            p.add(f"{where}: option {index} must be an object with value and label.")
            continue
        value, label = entry.get("value"), entry.get("label")
        if not isinstance(value, int) or isinstance(value, bool):
            p.add(f"{where}: option {index} needs a whole-number value.")
            continue
        if not isinstance(label, str) or not label.strip():
            p.add(f"{where}: option {index} needs a label.")
            continue
        code = entry.get("code", "")
        if not isinstance(code, str):
            p.add(f"{where}: option {index} code must be text.")
            code = ""
        options.append(Option(value=value, label=label.strip(), code=code))
    values = [option.value for option in options]
    if len(set(values)) != len(values):
        p.add(f"{where}: two options share a value.")
    return tuple(options)


def _option_sets(p: _Problems, raw: object) -> dict[str, tuple[Option, ...]]:
    if not isinstance(raw, Mapping):
        p.add("option_sets must map a name to a list of options.")
        return {}
    return {
        str(name): _options(p, entry, f"option set {name!r}")
        for name, entry in raw.items()
    }


def _items(
    p: _Problems, raw: object, option_sets: Mapping[str, tuple[Option, ...]]
) -> list[Item]:
    if not isinstance(raw, list) or not raw:
        p.add("items must be a non-empty list.")
        return []
    items: list[Item] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw, start=1):
        where = f"item {index}"
        if not isinstance(entry, Mapping):
            p.add(f"{where} must be an object.")
            continue
        key = entry.get("key")
        if not isinstance(key, str) or not KEY_RE.match(key):
            p.add(f'{where}: key must be a short lower-case name such as "q{index}".')
            continue
        where = f"item {key!r}"
        stray = sorted(set(entry) - ITEM_FIELDS)
        if stray:
            p.add(f"{where}: unknown field(s) {', '.join(stray)}.")
        if key in seen:
            p.add(f"{where} appears twice.")
        seen.add(key)
        kind = entry.get("kind", CHOICE)
        if kind not in (CHOICE, TEXT):
            p.add(f'{where}: kind must be "choice" or "text".')
            continue
        number = entry.get("number", index)
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            p.add(f"{where}: number must be a positive whole number.")
            number = index
        text = entry.get("text", "")
        if not isinstance(text, str):
            p.add(f'{where}: text must be text (use "" where the licence forbids it).')
            text = ""
        scored = entry.get("scored", kind == CHOICE)
        required = entry.get("required", True)
        if not isinstance(scored, bool) or not isinstance(required, bool):
            p.add(f"{where}: scored and required must be true or false.")
            scored, required = bool(scored), bool(required)
        raw_options = entry.get("options", [] if kind == TEXT else None)
        options: tuple[Option, ...] = ()
        if kind == TEXT:
            if raw_options:
                p.add(f"{where}: a text item has no options.")
            if scored:
                p.add(f"{where}: a text item cannot be scored.")
        elif isinstance(raw_options, str):
            if raw_options not in option_sets:
                p.add(f"{where}: there is no option set {raw_options!r}.")
            options = option_sets.get(raw_options, ())
        else:
            options = _options(p, raw_options, where)
        loinc = entry.get("loinc", "")
        items.append(
            Item(
                key=key,
                number=number,
                text=text.strip(),
                options=options,
                required=required,
                kind=kind,
                loinc=loinc if isinstance(loinc, str) else "",
                scored=scored,
            )
        )
    return items


def _scoring(p: _Problems, raw: object, items: list[Item]) -> Scoring:
    if not isinstance(raw, Mapping):
        p.add("scoring must be an object.")
        return Scoring()
    method = raw.get("method", "sum")
    if method not in ("sum", "mean"):
        p.add('scoring.method must be "sum" or "mean".')
        method = "sum"
    multiplier = raw.get("multiplier", 1)
    if not _is_number(multiplier) or multiplier <= 0:
        p.add("scoring.multiplier must be a positive number.")
        multiplier = 1
    reverse = raw.get("reverse", [])
    scored = {item.key for item in items if item.scored}
    if not isinstance(reverse, list) or any(key not in scored for key in reverse):
        p.add("scoring.reverse must list keys of scored items.")
        reverse = []
    prorate = raw.get("prorate")
    max_missing, rule = 0, ""
    if prorate is not None:
        if not isinstance(prorate, Mapping):
            p.add("scoring.prorate must be an object or null.")
        else:
            max_missing = prorate.get("max_missing", 0)
            rule = prorate.get("rule", "")
            if (
                not isinstance(max_missing, int)
                or isinstance(max_missing, bool)
                or not (0 < max_missing < max(len(scored), 1))
            ):
                p.add(
                    "scoring.prorate.max_missing must be a whole number from 1 to items − 1."
                )
                max_missing = 0
            if not isinstance(rule, str) or not rule.strip():
                p.add(
                    "scoring.prorate.rule must quote the authors' prorating rule and source."
                )
                rule = ""
    return Scoring(
        method=method,
        multiplier=float(multiplier),
        reverse=tuple(reverse),
        max_missing=max_missing,
        prorate_rule=rule,
    )


def _range(items: list[Item], scoring: Scoring) -> tuple[float, float]:
    """The total's range when every scored item is answered."""
    scored = [item for item in items if item.scored and item.options]
    if not scored:
        return 0.0, 0.0
    low: float = sum(min(item.values) for item in scored)
    high: float = sum(max(item.values) for item in scored)
    if scoring.method == "mean":
        low, high = low / len(scored), high / len(scored)
    return round(low * scoring.multiplier, 6), round(high * scoring.multiplier, 6)


def _step(items: list[Item], scoring: Scoring) -> float:
    """The smallest difference between two complete totals; bands may leave
    gaps only narrower than this (WHO-5 totals move in steps of 4)."""
    scored = [item for item in items if item.scored and item.options]
    if not scored:
        return 1.0
    step = scoring.multiplier
    if scoring.method == "mean":
        step = step / len(scored)
    return step


def _subscales(p: _Problems, raw: object, keys: set[str]) -> list[Subscale]:
    if not isinstance(raw, list):
        p.add("subscales must be a list.")
        return []
    found = []
    for index, entry in enumerate(raw, start=1):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("key"), str):
            p.add(f"subscale {index} needs a key.")
            continue
        members = entry.get("items")
        if (
            not isinstance(members, list)
            or not members
            or any(m not in keys for m in members)
        ):
            p.add(f"subscale {entry['key']!r}: items must list existing item keys.")
            continue
        method = entry.get("method", "sum")
        if method not in ("sum", "mean", "min"):
            p.add(f'subscale {entry["key"]!r}: method must be "sum", "mean" or "min".')
            continue
        found.append(
            Subscale(
                key=entry["key"],
                label=str(entry.get("label", entry["key"])),
                items=tuple(members),
                method=method,
            )
        )
    return found


def _bands(
    p: _Problems, raw: object, minimum: float, maximum: float, step: float
) -> list[Band]:
    if not isinstance(raw, list):
        p.add("bands must be a list.")
        return []
    bands: list[Band] = []
    for index, entry in enumerate(raw, start=1):
        if not isinstance(entry, Mapping):
            p.add(f"band {index} must be an object.")
            continue
        key, label = entry.get("key"), entry.get("label")
        low, high = entry.get("low"), entry.get("high")
        if not isinstance(key, str) or not KEY_RE.match(key):
            p.add(
                f'band {index}: key must be a snake_case name such as "moderately_severe".'
            )
            continue
        if not _is_number(low) or not _is_number(high) or low > high:
            p.add(f"band {key!r}: low and high must be numbers with low ≤ high.")
            continue
        bands.append(
            Band(key=key, label=str(label or key), low=float(low), high=float(high))
        )
    if not bands:
        return bands
    if bands != sorted(bands, key=lambda band: band.low):
        p.add("bands must be listed from the lowest score to the highest.")
        return bands
    if not math.isclose(bands[0].low, minimum) or not math.isclose(
        bands[-1].high, maximum
    ):
        p.add(
            f"bands must cover the whole range {minimum:g}–{maximum:g} "
            f"(they cover {bands[0].low:g}–{bands[-1].high:g})."
        )
    for lower, upper in itertools.pairwise(bands):
        if upper.low <= lower.high:
            p.add(f"bands {lower.key!r} and {upper.key!r} overlap.")
        elif upper.low - lower.high > step + 1e-9:
            p.add(f"there is a gap between bands {lower.key!r} and {upper.key!r}.")
    if len({band.key for band in bands}) != len(bands):
        p.add("two bands share a key.")
    return bands


def _caseness(
    p: _Problems, raw: object, items: list[Item]
) -> tuple[float | None, str, CasenessByItem | None]:
    if raw is None:
        return None, "", None
    if not isinstance(raw, Mapping):
        p.add("caseness must be an object or null.")
        return None, "", None
    cutoff = raw.get("cutoff")
    if cutoff is not None and not _is_number(cutoff):
        p.add("caseness.cutoff must be a number or null.")
        cutoff = None
    label = str(raw.get("label", "") or "")
    by_item = None
    spec = raw.get("by_item")
    if spec is not None:
        keyed = {item.key: item for item in items}
        if (
            not isinstance(spec, Mapping)
            or spec.get("item") not in keyed
            or not isinstance(spec.get("cutoffs"), Mapping)
        ):
            p.add(
                "caseness.by_item needs an existing item and cutoffs per answer value."
            )
        else:
            item = keyed[spec["item"]]
            cutoffs: dict[int, float] = {}
            for answer, value in spec["cutoffs"].items():
                try:
                    answer_value = int(answer)
                except (TypeError, ValueError):
                    answer_value = None
                if answer_value not in item.values or not _is_number(value):
                    p.add(
                        f"caseness.by_item: {answer!r} → {value!r} is not an answer and cut-off."
                    )
                    continue
                cutoffs[answer_value] = float(value)
            by_item = CasenessByItem(item=item.key, cutoffs=cutoffs)
    return (float(cutoff) if cutoff is not None else None), label, by_item


def _norms(p: _Problems, raw: object) -> dict[str, float]:
    if not isinstance(raw, Mapping):
        p.add("norms must be an object.")
        return {}
    norms = {}
    for key, value in raw.items():
        if key not in NORM_KEYS:
            p.add(f"norms.{key} is not one of {', '.join(NORM_KEYS)}.")
        elif not _is_number(value) or (key.startswith("sd") and value <= 0):
            p.add(f"norms.{key} must be a number (SDs above 0).")
        else:
            norms[key] = float(value)
    return norms


def _risk(p: _Problems, raw: object, items: list[Item]) -> list[RiskRule]:
    if not isinstance(raw, list):
        p.add("risk must be a list.")
        return []
    keyed = {item.key: item for item in items}
    rules = []
    for index, entry in enumerate(raw, start=1):
        where = f"risk rule {index}"
        if not isinstance(entry, Mapping):
            p.add(f"{where} must be an object.")
            continue
        members = entry.get("items")
        if (
            not isinstance(members, list)
            or not members
            or any(key not in keyed or keyed[key].kind != CHOICE for key in members)
        ):
            p.add(f"{where}: items must list existing choice items.")
            continue
        at_least = entry.get("at_least")
        if (
            not isinstance(at_least, int)
            or isinstance(at_least, bool)
            or not any(
                value >= at_least for key in members for value in keyed[key].values
            )
        ):
            p.add(f"{where}: at_least must be an answer value the items can reach.")
            continue
        severity = entry.get("severity")
        if severity not in SEVERITIES:
            p.add(f"{where}: severity must be one of {', '.join(SEVERITIES)}.")
            continue
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            p.add(
                f"{where}: reason must say, for the clinician, why this answer matters."
            )
            continue
        kind = entry.get("kind", RISK)
        if kind not in RULE_KINDS:
            p.add(
                f'{where}: kind must be "risk" (a risk alert: self-harm, suicide) '
                'or "prompt" (a clinical prompt for the clinician).'
            )
            continue
        rules.append(
            RiskRule(tuple(members), at_least, reason.strip(), severity, kind=kind)
        )
    return rules


def _condition(p: _Problems, raw: object, keys: set[str], where: str) -> Condition:
    if not isinstance(raw, Mapping) or raw.get("type") not in CONDITION_TYPES:
        p.add(f"{where}: type must be one of {', '.join(CONDITION_TYPES)}.")
        return Condition(type="any")
    kind = raw["type"]
    if kind in ("all", "any"):
        parts = raw.get("of")
        if not isinstance(parts, list) or not parts:
            p.add(f'{where}: {kind} needs a non-empty list "of".')
            return Condition(type=kind)
        return Condition(
            type=kind,
            of=tuple(_condition(p, part, keys, where) for part in parts),
        )
    value = raw.get("value")
    if not _is_number(value):
        p.add(f"{where}: value must be a number.")
        value = 0
    if kind.startswith("total"):
        return Condition(type=kind, value=float(value))
    members = raw.get("items")
    count = raw.get("count", 1)
    if (
        not isinstance(members, list)
        or not members
        or any(m not in keys for m in members)
    ):
        p.add(f"{where}: items must list existing item keys.")
        members = []
    if (
        not isinstance(count, int)
        or isinstance(count, bool)
        or not 1 <= count <= max(len(members), 1)
    ):
        p.add(f"{where}: count must be between 1 and the number of items.")
        count = 1
    return Condition(type=kind, items=tuple(members), value=float(value), count=count)


def _flags(p: _Problems, raw: object, keys: set[str]) -> list[FlagRule]:
    if not isinstance(raw, list):
        p.add("flags must be a list.")
        return []
    found = []
    for index, entry in enumerate(raw, start=1):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("key"), str):
            p.add(f"flag {index} needs a key.")
            continue
        where = f"flag {entry['key']!r}"
        found.append(
            FlagRule(
                key=entry["key"],
                label=str(entry.get("label", entry["key"])),
                when=_condition(p, entry.get("when"), keys, where),
                note=str(entry.get("note", "") or ""),
            )
        )
    return found


# --- files -------------------------------------------------------------------------


def read_file(path: Path, *, builtin: bool = False) -> Instrument:
    """Parse one instrument file, or raise InstrumentFileError."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InstrumentFileError(
                [f"The file is larger than {MAX_FILE_BYTES // 1000} kB."],
                source=str(path),
            )
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InstrumentFileError(
            ["There is no such file."], source=str(path)
        ) from None
    except UnicodeDecodeError:
        raise InstrumentFileError(
            ["The file is not UTF-8 text."], source=str(path)
        ) from None
    except json.JSONDecodeError as exc:
        raise InstrumentFileError(
            [
                f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
            ],
            source=str(path),
        ) from None
    return parse_instrument(data, builtin=builtin, source=str(path))


# Instrument definitions are read once per process (issue #13: a home page asks
# for them thousands of times). Built-ins ship with the code and never change
# while it runs. Practice-loaded ones are re-read when ``install`` adds one in
# this process (``invalidate``), or when the folder itself changed: another
# process's ``load-instrument`` renames a new file into it, which changes the
# folder's modification time. That one stat is made at most once a second.
RECHECK_SECONDS = 1.0


@dataclass
class _Loaded:
    folder: Path | None
    stamp: tuple[int, int] | None
    checked: float
    instruments: list[Instrument]
    found: dict[tuple[str, str | None], Instrument] = field(default_factory=dict)


_lock = threading.Lock()
_builtins: list[Instrument] | None = None
_loaded: _Loaded | None = None


def invalidate() -> None:
    """Forget what was read: the next lookup reads the files again. ``install``
    calls it; so do tests that write instrument files themselves."""
    global _builtins, _loaded
    with _lock:
        _builtins = None
        _loaded = None


def builtin_instruments() -> list[Instrument]:
    global _builtins
    if _builtins is None:
        paths = sorted(BUILTIN_DIR.glob("*.json"))
        _builtins = [read_file(path, builtin=True) for path in paths]
    return list(_builtins)


def loaded_dir() -> Path | None:
    """VAR_DIR/instruments, or None outside a configured Django project."""
    from django.conf import settings

    if not settings.configured:
        return None
    return Path(settings.VAR_DIR) / "instruments"


def _folder_stamp(folder: Path | None) -> tuple[int, int] | None:
    if folder is None:
        return None
    try:
        stat = folder.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_ino)


def _read_loaded(folder: Path | None) -> list[Instrument]:
    if folder is None or not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            found.append(read_file(path, builtin=False))
        except (InstrumentFileError, OSError):
            continue
    return found


def _current() -> _Loaded:
    """The practice-loaded instruments of this VAR_DIR, read again only when
    invalidated or when the folder changed (checked at most once a second)."""
    global _loaded
    folder = loaded_dir()
    now = time.monotonic()
    state = _loaded
    if (
        state is not None
        and state.folder == folder
        and now - state.checked < RECHECK_SECONDS
    ):
        return state
    stamp = _folder_stamp(folder)
    if state is not None and state.folder == folder and state.stamp == stamp:
        state.checked = now
        return state
    with _lock:
        state = _Loaded(folder, stamp, now, _read_loaded(folder))
        _loaded = state
    return state


def loaded_instruments() -> list[Instrument]:
    """Practice-loaded instruments. A file that no longer parses (edited by
    hand) is skipped here and reported by ``alliance load-instrument --check``."""
    return list(_current().instruments)


def catalogue() -> list[Instrument]:
    """Instruments that may be given: retired ones are left out (get_instrument
    still finds them, so answers given on them display)."""
    builtins = sorted(
        (i for i in builtin_instruments() if not i.retired),
        key=lambda i: i.name.lower(),
    )
    codes = {instrument.code for instrument in builtins}
    loaded = [i for i in loaded_instruments() if i.code not in codes and not i.retired]
    return builtins + sorted(
        loaded, key=lambda i: (i.name.lower(), _version_key(i.version))
    )


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    parts = re.split(r"[.\-]", version)
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in parts)


def scoring_only(instrument: Instrument) -> Instrument:
    """The instrument without its wording (item text, option labels, names,
    instructions, licence, attribution, sources): what a practice's wording file
    for a ``"wording": "practice"`` built-in must leave exactly as shipped."""
    items = tuple(
        replace(
            item,
            text="",
            options=tuple(replace(option, label="") for option in item.options),
        )
        for item in instrument.items
    )
    return replace(
        instrument,
        items=items,
        name="",
        short_name="",
        instructions="",
        licence="",
        attribution="",
        sources={},
        builtin=False,
        wording="practice",
        caseness_label="",
        flag_rules=tuple(
            replace(rule, label="", note="") for rule in instrument.flag_rules
        ),
        risk_rules=tuple(replace(rule, reason="") for rule in instrument.risk_rules),
        subscale_rules=tuple(
            replace(rule, label="") for rule in instrument.subscale_rules
        ),
        bands=tuple(replace(band, label="") for band in instrument.bands),
    )


def same_scoring(one: Instrument, other: Instrument) -> bool:
    """Whether two instruments differ only in wording (Instrument compares by
    identity, so compare field by field)."""
    a, b = scoring_only(one), scoring_only(other)
    return all(getattr(a, f.name) == getattr(b, f.name) for f in fields(Instrument))


def _with_wording(builtin: Instrument) -> Instrument:
    """A ``"wording": "practice"`` built-in with the practice's loaded wording
    for the same code and version, if one is loaded and keeps the scoring."""
    if builtin.wording != "practice":
        return builtin
    for loaded in loaded_instruments():
        if (
            loaded.code == builtin.code
            and loaded.version == builtin.version
            and same_scoring(loaded, builtin)
        ):
            return loaded
    return builtin


def find(code: str, version: str | None = None) -> Instrument:
    state = _current()
    key = (code, version)
    hit = state.found.get(key)
    if hit is None:
        hit = state.found[key] = _find(code, version)
    return hit


def _find(code: str, version: str | None) -> Instrument:
    candidates = [
        _with_wording(instrument)
        for instrument in builtin_instruments()
        if instrument.code == code
    ] or [instrument for instrument in loaded_instruments() if instrument.code == code]
    if version is not None:
        candidates = [i for i in candidates if i.version == version]
    if not candidates:
        known = ", ".join(sorted({i.code for i in catalogue()}))
        wanted = f"{code!r} version {version!r}" if version else repr(code)
        raise KeyError(f"There is no instrument {wanted}. Known instruments: {known}.")
    return max(candidates, key=lambda i: _version_key(i.version))


def install(path: Path) -> tuple[Instrument, Path]:
    """Check the file and copy it into VAR_DIR/instruments. Refuses a built-in
    code, and refuses to replace a loaded version with different contents
    (scores already recorded would change meaning: give it a new version)."""
    instrument = read_file(path)
    shipped = {i.code: i for i in builtin_instruments()}
    base = shipped.get(instrument.code)
    if base is not None and base.wording != "practice":
        raise InstrumentFileError(
            [
                f"{instrument.code!r} is a built-in instrument and cannot be replaced. "
                "Give your file another code."
            ],
            source=str(path),
        )
    if base is not None and (
        instrument.version != base.version or not same_scoring(instrument, base)
    ):
        # A wording file for a built-in shipped without its licensed wording:
        # only the words may differ, never the scoring it was tested with.
        raise InstrumentFileError(
            [
                f"{base.short_name} is built in without its licensed wording. Your file "
                f"may add wording (item text, option labels, instructions, licence, "
                f"attribution) to version {base.version}, but everything else must be "
                f"exactly as shipped. Start from alliance/measures/instruments/"
                f"{base.code}.json and change only the wording."
            ],
            source=str(path),
        )
    folder = loaded_dir()
    if folder is None:
        raise InstrumentFileError(
            ["Alliance's settings are not configured."], source=str(path)
        )
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{instrument.code}-{instrument.version}.json"
    content = path.read_bytes()
    if target.exists():
        if target.read_bytes() == content:
            return instrument, target
        raise InstrumentFileError(
            [
                f"{instrument.code} version {instrument.version} is already loaded with "
                'different contents. Scores already recorded use it: change "version" '
                "in your file and load it again."
            ],
            source=str(path),
        )
    # Write then rename, so another process never reads half a file.
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".loading-", suffix=".json")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    invalidate()
    return instrument, target
