"""The intake summary as a PDF, rendered by WeasyPrint from the same context as
the summary page. WeasyPrint is imported on first use: a server without its
system libraries (Pango) still runs, and only the PDF download fails."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"the intake summary loads no external resources ({url[:60]})")


def _fetcher() -> Any:
    """A URL fetcher that fetches nothing: everything the PDF needs is inline,
    so a URL that slipped into the document must never reach the network."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before 68 takes a plain function
        return _refuse_fetch
    return URLFetcher(allowed_protocols=set())


def summary_html(context: dict[str, Any]) -> str:
    return render_to_string("intake/summary_pdf.html", context)


def summary_pdf(context: dict[str, Any], *, base_url: str) -> bytes:
    from weasyprint import CSS, HTML

    stylesheet = CSS(string=render_to_string("intake/summary_pdf.css"))
    document = HTML(
        string=summary_html(context), base_url=base_url, url_fetcher=_fetcher()
    )
    return document.write_pdf(stylesheets=[stylesheet])
