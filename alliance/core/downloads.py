"""Responses that the browser saves as a file (or shows inline) under a name.

Django's ``FileResponse`` writes the Content-Disposition header (quoting and
encoding the name properly, non-ASCII names included) and the Content-Length,
so no view writes those headers by hand. Our files are small and built in
memory; a caller that writes rows (the CSV export) writes them into a buffer
first and passes its value."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

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


# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """The value, with text a spreadsheet would run as a formula made inert
    (a leading apostrophe). Every CSV export writes its cells through it."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return f"'{value}"
    return value


def csv_response(
    header: Sequence[object], rows: Iterable[Sequence[object]], filename: str
) -> FileResponse:
    """A CSV download of ``header`` and ``rows``, every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return download_response(
        buffer.getvalue(), filename, content_type="text/csv; charset=utf-8"
    )
