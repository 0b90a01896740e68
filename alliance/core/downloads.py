"""Responses that the browser saves as a file (or shows inline) under a name.

The Content-Disposition header comes from Django's ``content_disposition_header``,
which quotes and encodes the name properly (non-ASCII names included), so no view
writes the header by hand. The body stays in memory (an ``HttpResponse``, not a
streaming ``FileResponse``): our files are small and built in memory, and callers
such as the CSV export write into the response."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def download_response(
    content: bytes | str,
    filename: str,
    *,
    content_type: str,
    inline: bool = False,
) -> HttpResponse:
    """``content`` served as ``filename``: saved (attachment) or shown (inline)."""
    return HttpResponse(
        content,
        content_type=content_type,
        headers={
            "Content-Disposition": content_disposition_header(not inline, filename)
        },
    )
