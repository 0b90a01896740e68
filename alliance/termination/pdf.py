"""The readiness review, the termination summary (both versions) and the
relapse-prevention plan as PDFs, through ``alliance.core.pdf``."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from alliance.core.pdf import html_to_pdf
from alliance.core.pdf import no_fetcher as _fetcher  # noqa: F401 (tests)

STYLESHEET = "termination/pdf.css"


def document_html(template: str, context: dict[str, Any]) -> str:
    return render_to_string(template, context)


def render_pdf(template: str, context: dict[str, Any], *, base_url: str) -> bytes:
    """``template`` is one of the termination/*_pdf.html documents."""
    return html_to_pdf(
        document_html(template, context), stylesheets=[STYLESHEET], base_url=base_url
    )
