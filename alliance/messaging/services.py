"""Writes about messages: sending (with an attachment when the practice allows
one) and marking a thread read. Each checks, writes and audits together; bad
input raises ValidationError and writes nothing."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.audit.services import record
from alliance.clients.models import Client
from alliance.messaging.models import Message, MessageAttachment

MAX_BODY = 5_000
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_FILENAME = 100

Kind = MessageAttachment.Kind
# What a file must start with, and the names it may carry, for each kind
# accepted. The content decides; the name must agree with it.
SIGNATURES: list[tuple[bytes, str, tuple[str, ...]]] = [
    (b"%PDF-", Kind.PDF, (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", Kind.PNG, (".png",)),
    (b"\xff\xd8\xff", Kind.JPEG, (".jpg", ".jpeg")),
]

NOT_SENT = "Your message was not sent."


def is_client_side(client: Client, user: User) -> bool:
    return client.user_id is not None and client.user_id == user.pk


def is_primary(client: Client, user: User) -> bool:
    return client.clinician_id == user.pk and client.practice_id == user.practice_id


def sending_refusal(client: Client, by: User, *, covering: bool = False) -> str | None:
    """Why ``by`` cannot send a message in this client's thread now, or None.
    ``covering``: the view found (``permissions.covers_client``) that ``by``
    covers the primary clinician today, and writes as they would."""
    if is_client_side(client, by):
        if not client.episodes.open().exists():
            return (
                "Your therapy has ended, so messages can be read here but no "
                "longer sent."
            )
        return None
    if not (covering or is_primary(client, by)):
        return (
            "You can read this conversation. Only the client's primary clinician "
            f"({client.clinician}) can write in it."
        )
    if client.user_id is None:
        return (
            f"{client.display_name} has no portal login yet, so they could not "
            "read a message. Invite them to the portal first."
        )
    if not client.episodes.open().exists():
        return (
            f"{client.display_name} has no open episode of care, so messages can "
            "be read but no longer sent. Open a new episode to write to them again."
        )
    return None


def clean_body(body: object) -> str:
    """The message text as it will be stored, or ValidationError saying why not."""
    if not isinstance(body, str):
        raise ValidationError("Write a message before sending.")
    body = body.strip()
    if not body:
        raise ValidationError("Write a message before sending.")
    if len(body) > MAX_BODY:
        raise ValidationError(
            f"A message can be up to {MAX_BODY:,} characters; this one has "
            f"{len(body):,}. Shorten it, or split it into two messages."
        )
    if "\x00" in body:
        raise ValidationError(
            "The message contains a character that cannot be sent (a null "
            "character). Remove it and send again."
        )
    return body


def _safe_filename(name: str) -> tuple[str, str]:
    """(stem, lower-case extension) of an uploaded file's name, without any
    folders, control or direction-changing characters."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    stem, ext = os.path.splitext(base.strip())
    stem = stem.strip(" .")[: MAX_FILENAME - 10] or "attachment"
    return stem, ext.lower()


def _refuse_attachment(
    client: Client,
    *,
    by: User,
    reason: str,
    message: str,
    request: HttpRequest | None,
) -> ValidationError:
    # Recorded before anything is written, outside the send's transaction, so
    # the refusal stays in the log although nothing else is saved.
    record(
        by,
        "message.attachment_refused",
        client,
        request=request,
        outcome=AuditEvent.Outcome.DENIED,
        detail={"reason": reason},
    )
    return ValidationError(f"{message} {NOT_SENT}", code=reason)


def _checked_attachment(
    client: Client,
    files: Sequence[UploadedFile],
    *,
    by: User,
    request: HttpRequest | None,
) -> tuple[str, str, bytes]:
    """(kind, file name, bytes) of the one acceptable file, or ValidationError."""

    def refuse(reason: str, message: str) -> ValidationError:
        return _refuse_attachment(
            client, by=by, reason=reason, message=message, request=request
        )

    if not client.practice.allow_message_attachments:
        raise refuse(
            "not_allowed",
            "This practice does not accept files in messages. Remove the file "
            "and send the message again.",
        )
    if len(files) > 1:
        raise refuse("too_many", "Attach one file per message.")
    upload = files[0]
    size = upload.size or 0
    if size > MAX_ATTACHMENT_BYTES:
        raise refuse(
            "too_large",
            f"Files can be up to 5 MB; this one is {size / (1024 * 1024):.1f} MB.",
        )
    upload.seek(0)
    data = upload.read(MAX_ATTACHMENT_BYTES + 1)
    if not data:
        raise refuse("empty", "The file is empty.")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise refuse("too_large", "Files can be up to 5 MB; this one is larger.")
    stem, ext = _safe_filename(upload.name or "")
    for magic, kind, extensions in SIGNATURES:
        if data.startswith(magic) and ext in extensions:
            return kind, f"{stem}{ext}", data
    raise refuse(
        "wrong_type",
        "Only PDF, PNG and JPEG files can be attached, and this file is not one "
        "of those (its content decides, not its name).",
    )


def send_message(
    client: Client,
    body: object,
    *,
    by: User,
    files: Sequence[UploadedFile] = (),
    request: HttpRequest | None = None,
    covering: bool = False,
) -> Message:
    """Send a message in the client's thread: from the client (their portal
    login) or from their primary clinician, while an episode of care is open.

    Any file is refused, and nothing at all saved, unless the practice allows
    attachments; then one PDF, PNG or JPEG of at most 5 MB is stored encrypted.
    """
    refusal = sending_refusal(client, by, covering=covering)
    if refusal:
        raise ValidationError(refusal)
    text = clean_body(body)
    attachment = (
        _checked_attachment(client, files, by=by, request=request) if files else None
    )
    from_client = is_client_side(client, by)
    with transaction.atomic():
        message = Message.objects.create(
            client=client, sender=by, from_client=from_client, body=text
        )
        if attachment is not None:
            kind, name, data = attachment
            stored = MessageAttachment(
                message=message, content_type=kind, filename=name
            )
            stored.seal(data)
            stored.save()
        record(
            by,
            "message.send",
            message,
            request=request,
            client_uuid=client.uuid,
            detail={
                "from_client": from_client,
                "characters": len(text),
                "attachment": attachment[0] if attachment else None,
                **({"via": "cover"} if covering and not from_client else {}),
            },
        )
    return message


@transaction.atomic
def read_thread(
    client: Client,
    *,
    by: User,
    request: HttpRequest | None = None,
    covering: bool = False,
) -> int:
    """Record that ``by`` read the client's thread, and mark what the other
    side sent as read: the client reads the care team's messages, the primary
    clinician (or the colleague covering them) the client's. A supervisor's
    reading marks nothing. Returns how many messages were marked."""
    messages = Message.objects.filter(client=client)
    if is_client_side(client, by):
        unread = messages.unread_by_client()
    elif covering or is_primary(client, by):
        unread = messages.unread_by_clinician()
    else:
        unread = messages.none()
    marked = unread.update(read_at=timezone.now())
    record(
        by,
        "message.read",
        client,
        request=request,
        client_uuid=client.uuid,
        detail={"marked": marked, **({"via": "cover"} if covering else {})},
    )
    return marked
