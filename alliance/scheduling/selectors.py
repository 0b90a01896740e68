"""Read-only queries other pages use (home, client chart). Replaced by the scheduling app."""

from __future__ import annotations

from typing import Any


def chart_appointments(client: Any) -> list[Any]:
    return []


def todays_appointments(user: Any) -> list[Any]:
    return []
