"""Responses that the browser saves as a file (or shows inline) under a name.

Django's ``FileResponse`` writes the Content-Disposition header (quoting and
encoding the name properly, non-ASCII names included) and the Content-Length,
so no view writes those headers by hand. Our files are small and built in
memory; a caller that writes rows (the CSV export) writes them into a buffer
first and passes its value."""

from __future__ import annotations

import io

from django.http import FileResponse


def download_response(
    content: bytes | str,
    filename: str,
    *,
    content_type: str,
    inline: bool = False,
) -> FileResponse:
    """``content`` served as ``filename``: saved (attachment) or shown (inline)."""
    if isinstance(content, str):
        content = content.encode()
    return FileResponse(
        io.BytesIO(content),
        as_attachment=not inline,
        filename=filename,
        content_type=content_type,
    )
