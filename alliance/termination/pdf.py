"""The readiness review, the termination summary (both versions) and the
relapse-prevention plan as PDFs, rendered by WeasyPrint. WeasyPrint is
imported on first use, as in alliance.intake.pdf: a server without its system
libraries (Pango) still runs, and only the PDF download fails."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"termination PDFs load no external resources ({url[:60]})")


def _fetcher() -> Any:
    """Everything the PDF needs is inline (the charts are inline SVG); no URL
    may reach the network."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before 68 takes a plain function
        return _refuse_fetch
    return URLFetcher(allowed_protocols=set())


def document_html(template: str, context: dict[str, Any]) -> str:
    return render_to_string(template, context)


def render_pdf(template: str, context: dict[str, Any], *, base_url: str) -> bytes:
    """``template`` is one of the termination/*_pdf.html documents."""
    from weasyprint import CSS, HTML

    stylesheet = CSS(string=render_to_string("termination/pdf.css"))
    document = HTML(
        string=document_html(template, context),
        base_url=base_url,
        url_fetcher=_fetcher(),
    )
    return document.write_pdf(stylesheets=[stylesheet])
