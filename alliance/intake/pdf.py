"""The intake summary as a PDF, through ``alliance.core.pdf``, from the same
context as the summary page."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from alliance.core.pdf import html_to_pdf
from alliance.core.pdf import no_fetcher as _fetcher  # noqa: F401 (tests)


def summary_html(context: dict[str, Any]) -> str:
    return render_to_string("intake/summary_pdf.html", context)


def summary_pdf(context: dict[str, Any], *, base_url: str) -> bytes:
    return html_to_pdf(
        summary_html(context),
        stylesheets=["intake/summary_pdf.css"],
        base_url=base_url,
    )
