"""Files and messages for the messaging tests."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from alliance.clients.services import transition_episode
from alliance.messaging.services import send_message

PDF = b"%PDF-1.4\n% CANARY-FILE secret scan of my diary\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32 + b"CANARY-FILE"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32 + b"CANARY-FILE"


def upload(name: str = "diary.pdf", data: bytes = PDF) -> io.BytesIO:
    """A file object the test client posts as a multipart upload."""
    f = io.BytesIO(data)
    f.name = name
    return f


def uploaded(name: str = "diary.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    """A file as the service receives it."""
    return SimpleUploadedFile(name, data)


def allow_attachments(practice, allowed: bool = True) -> None:
    practice.allow_message_attachments = allowed
    practice.save(update_fields=["allow_message_attachments"])


def from_client(client, body="Hello from the client"):
    return send_message(client, body, by=client.user)


def from_clinician(client, body="Hello from your clinician"):
    return send_message(client, body, by=client.clinician)


def close_care(client, *, days_ago: int = 0) -> None:
    transition_episode(
        client.current_episode(),
        "closed",
        by=client.clinician,
        reason="Ended.",
        discharge="not_suitable",
        at=timezone.now() - timedelta(days=days_ago),
    )
