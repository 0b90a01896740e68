"""The shape of an instrument file, checked with pydantic before its contents.

These models say which fields exist and what type of JSON value each holds
(text, true/false, a number, a list, an object). Whether a value makes clinical
sense (codes, ranges, bands covering the scale, rules naming real items, cited
sources) is checked afterwards by ``alliance.measures.loader``, which also says
which required fields are missing, so every field is optional here.

A problem is reported in our own words, naming the field: ``items[2].required
must be true or false.``
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictBool, StrictFloat, StrictInt
from pydantic import ValidationError as PydanticError

Number = StrictInt | StrictFloat


class _Shape(BaseModel):
    # Strict: JSON's types exactly ("1" is not a number, 1 is not true).
    # Unknown fields are named by the loader's own check.
    model_config = ConfigDict(strict=True, extra="allow")


class ItemShape(_Shape):
    key: Any = None  # the loader explains the form a key takes
    number: StrictInt | None = None
    text: str | None = None
    # The name of an option set, or the options themselves.
    options: str | list[Any] | None = None
    required: StrictBool | None = None
    scored: StrictBool | None = None
    kind: str | None = None
    loinc: str | None = None
    comment: str | None = None


class InstrumentShape(_Shape):
    format: StrictInt | None = None
    code: str | None = None
    version: str | None = None
    name: str | None = None
    short_name: str | None = None
    instructions: str | None = None
    validated: StrictBool | None = None
    loinc: str | None = None
    total_loinc: str | None = None
    licence: str | None = None
    attribution: str | None = None
    sources: dict[str, str] | None = None
    better: str | None = None
    option_sets: dict[str, list[dict[str, Any]]] | None = None
    items: list[ItemShape] | None = None
    scoring: dict[str, Any] | None = None
    subscales: list[dict[str, Any]] | None = None
    bands: list[dict[str, Any]] | None = None
    caseness: Any = None
    reliable_change: Number | None = None
    reliability: Number | None = None
    norms: dict[str, Any] | None = None
    risk: list[dict[str, Any]] | None = None
    flags: list[dict[str, Any]] | None = None
    comment: str | None = None
    ages: dict[str, Any] | None = None
    wording: str | None = None
    retired: str | None = None


# What each kind of pydantic error expects, in our words.
_EXPECTED = {
    "string_type": "text",
    "bool_type": "true or false",
    "int_type": "a whole number",
    "float_type": "a number",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "list_type": "a list",
}
# Union members pydantic names in an error's location; they are not fields.
_MEMBERS = {"str", "list[any]", "int", "float", "bool", "none"}


def _where(location: tuple[int | str, ...]) -> str:
    where = ""
    for part in location:
        if isinstance(part, int):
            where += f"[{part + 1}]"
        elif str(part).lower() not in _MEMBERS:
            where += f".{part}" if where else str(part)
    return where


def shape_problems(data: Mapping[str, Any]) -> list[str]:
    """Every field whose value has the wrong type, one sentence each ([] if none)."""
    try:
        InstrumentShape.model_validate(dict(data))
    except PydanticError as exc:
        # A field that may take one of several types fails once per type.
        expected: dict[str, list[str]] = {}
        for error in exc.errors():
            wanted = _EXPECTED.get(error["type"], error["msg"].lower())
            kinds = expected.setdefault(_where(error["loc"]), [])
            if wanted not in kinds:
                kinds.append(wanted)
        problems = []
        for where, kinds in expected.items():
            if "a number" in kinds and "a whole number" in kinds:
                kinds.remove("a whole number")
            problems.append(f"{where} must be {' or '.join(kinds)}.")
        return problems
    return []
