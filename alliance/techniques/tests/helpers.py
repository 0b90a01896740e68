"""Writing technique files for tests, in the format a practice would use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

VALID: dict[str, Any] = {
    "name": "Walking and talking",
    "approach": "skills",
    "problems": ["stress", "low_motivation"],
    "purpose": "Sessions held while walking outdoors. Movement eases conversation.",
    "when_to_use": "When sitting face to face feels too intense.",
    "when_not_to_use": "Not where confidentiality cannot be kept outdoors.",
    "steps": ["Agree a route.", "Agree what to do if you meet someone you know."],
    "introducing": "Would you like to try having some of our sessions on foot?",
    "homework_templates": ["custom"],
    "version": 1,
}
REFERENCE = {
    "author": "Kabat-Zinn, J.",
    "year": 1990,
    "title": "Full Catastrophe Living",
    "source": "New York: Delacorte",
}


def toml_text(fields: dict[str, Any], references: list[dict[str, Any]]) -> str:
    # JSON strings, numbers and arrays of strings are valid TOML values.
    lines = [f"{key} = {json.dumps(value)}" for key, value in fields.items()]
    for reference in references:
        lines.append("\n[[references]]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in reference.items()]
    return "\n".join(lines) + "\n"


def write_technique(
    folder: Path,
    slug: str,
    *,
    references: list[dict[str, Any]] | None = None,
    drop: tuple[str, ...] = (),
    **fields: Any,
) -> Path:
    """Write ``<slug>.toml`` with valid defaults, overridden by ``fields``."""
    data = {"slug": slug, **VALID, **fields}
    for key in drop:
        data.pop(key)
    path = folder / f"{slug}.toml"
    path.write_text(toml_text(data, [REFERENCE] if references is None else references))
    return path
