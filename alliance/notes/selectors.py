"""Read-only queries other pages use (home, client chart). Replaced by the notes app."""

from __future__ import annotations

from typing import Any


def chart_notes(client: Any) -> list[Any]:
    return []


def unsigned_notes(user: Any) -> list[Any]:
    return []
