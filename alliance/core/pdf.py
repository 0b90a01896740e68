"""PDFs, rendered by WeasyPrint from a template: the one renderer every document
uses (intake summary, safety plan, termination documents).

WeasyPrint is imported on first use: a server without its system libraries
(Pango) still runs, and only the PDF download fails. Everything a PDF needs is
inline (charts are inline SVG), so the URL fetcher fetches nothing: a URL that
slipped into a document must never reach the network."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import FileResponse
from django.template.loader import render_to_string

from alliance.core.downloads import download_response

# The shared page, type and letterhead; each document adds its own sheet.
BASE_STYLESHEET = "includes/pdf_base.css"


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"PDFs load no external resources ({url[:60]})")


def no_fetcher() -> Any:
    """A WeasyPrint URL fetcher that refuses every URL."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before 68 takes a plain function
        return _refuse_fetch
    return URLFetcher(allowed_protocols=set())


def html_to_pdf(
    html: str, *, stylesheets: Sequence[str] = (), base_url: str | None = None
) -> bytes:
    """The PDF of ``html`` with the base stylesheet and then ``stylesheets``
    (template names, rendered by Django's template engine)."""
    from weasyprint import CSS, HTML

    sheets = [
        CSS(string=render_to_string(name)) for name in (BASE_STYLESHEET, *stylesheets)
    ]
    document = HTML(string=html, base_url=base_url, url_fetcher=no_fetcher())
    pdf: bytes = document.write_pdf(stylesheets=sheets)
    return pdf


def render_pdf(
    template: str,
    context: dict[str, Any],
    *,
    stylesheets: Sequence[str] = (),
    base_url: str | None = None,
) -> bytes:
    """The PDF of ``template`` rendered with ``context``."""
    return html_to_pdf(
        render_to_string(template, context), stylesheets=stylesheets, base_url=base_url
    )


def pdf_response(
    pdf_bytes: bytes, filename: str, *, inline: bool = False
) -> FileResponse:
    """A PDF download (or inline view) that no browser or proxy keeps."""
    response = download_response(
        pdf_bytes, filename, content_type="application/pdf", inline=inline
    )
    response["Cache-Control"] = "no-store"
    return response
