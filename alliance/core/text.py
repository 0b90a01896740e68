"""Small text helpers shared by views."""

from __future__ import annotations

import unicodedata


def search_text(value: str, limit: int = 100) -> str:
    """A search or filter term as typed, without control characters (PostgreSQL
    text cannot hold NUL), trimmed and capped."""
    cleaned = "".join(ch for ch in value if unicodedata.category(ch) != "Cc")
    return cleaned.strip()[:limit]
