"""The safety plan as a PDF, rendered by WeasyPrint (imported on first use, as
in alliance.intake.pdf: a server without Pango still runs, only the PDF fails)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"the safety plan loads no external resources ({url[:60]})")


def _fetcher() -> Any:
    """Everything the PDF needs is inline; no URL may reach the network."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before 68 takes a plain function
        return _refuse_fetch
    return URLFetcher(allowed_protocols=set())


def plan_pdf(context: dict[str, Any], *, base_url: str) -> bytes:
    from weasyprint import CSS, HTML

    stylesheet = CSS(string=render_to_string("safety/plan_pdf.css"))
    document = HTML(
        string=render_to_string("safety/plan_pdf.html", context),
        base_url=base_url,
        url_fetcher=_fetcher(),
    )
    return document.write_pdf(stylesheets=[stylesheet])
