"""Parsing a message form's upload without a plaintext copy on disk.

Django's default handlers write any file over 2.5 MB to a temporary file, and
keep reading however large the upload is. A message attachment is health
information and at most 5 MB, so this handler keeps it in memory only, stops
keeping bytes past the limit (while still counting them, so the service can
say how large the file was), and keeps nothing of any second file.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from alliance.messaging.services import MAX_ATTACHMENT_BYTES


class BoundedMemoryUploadHandler(FileUploadHandler):
    """Keeps at most MAX_ATTACHMENT_BYTES + 1 bytes of uploads in memory, in
    total; each file reports its full size."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.kept = 0
        self.buffer = BytesIO()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room = MAX_ATTACHMENT_BYTES + 1 - self.kept
        if room > 0:
            kept = raw_data[:room]
            self.buffer.write(kept)
            self.kept += len(kept)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def bounded_uploads(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Parse the view's POST bodies with BoundedMemoryUploadHandler.

    Upload handlers must be set before anything reads ``request.POST``, and the
    CSRF middleware reads it before the view runs. So, as Django's documentation
    shows ("Modifying upload handlers on the fly"), the middleware's check is
    skipped and the same check runs here, after the handler is in place.
    """
    protected = csrf_protect(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.upload_handlers = [BoundedMemoryUploadHandler(request)]
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapper)
