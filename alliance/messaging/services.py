"""Writes about messages: sending (with an attachment when the practice allows
one) and marking a thread read. Each checks, writes and audits together; bad
input raises ValidationError and writes nothing."""

from __future__ import annotations

import logging
import os
import unicodedata
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import Cover, Practice, User
from alliance.audit.models import AuditEvent
from alliance.audit.services import record
from alliance.clients.models import Client
from alliance.messaging.models import (
    Message,
    MessageAttachment,
    MessageEmailChoice,
    MessageNotice,
)

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

logger = logging.getLogger("alliance.messaging")


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
    files: Sequence[UploadedFile[bytes]],
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
    files: Sequence[UploadedFile[bytes]] = (),
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
        queue_notices(message)
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


# --- "you have a new message" emails -----------------------------------------
#
# Sending a message queues a notice per person on the other side (inside the
# send's transaction); after commit the task queue sends the due ones, and a
# periodic sweep sends any that waited (the hourly limit, a client's quiet
# hours, a failed send). The email says only that a message is waiting.

NOTICE_GAP = timedelta(hours=1)
NOTICE_SALT = "alliance.messaging.notice-unsubscribe"
MAX_TOKEN_LENGTH = 200


class NoticeSendError(RuntimeError):
    """Some message emails could not be sent; they stay waiting and the next
    sweep tries again."""


def emails_wanted(user: User) -> bool:
    """Whether ``user`` wants an email about new messages (default: yes)."""
    choice = MessageEmailChoice.objects.filter(user=user).first()
    return choice is None or choice.enabled


@transaction.atomic
def set_message_emails(
    user: User, enabled: bool, *, request: HttpRequest | None = None
) -> MessageEmailChoice:
    """Switch the emails about new messages on or off for ``user`` (their
    own choice, or the signed link in an email); waiting ones are cancelled
    when switched off."""
    choice, _ = MessageEmailChoice.objects.select_for_update().get_or_create(user=user)
    choice.enabled = bool(enabled)
    choice.updated_at = timezone.now()
    choice.save()
    if not choice.enabled:
        MessageNotice.objects.filter(
            recipient=user, state=MessageNotice.State.PENDING
        ).update(state=MessageNotice.State.CANCELLED)
    own = Client.objects.filter(user=user).values_list("uuid", flat=True).first()
    record(
        request.user if request is not None and request.user.is_authenticated else None,
        "message.email_choice",
        None,
        request=request,
        client_uuid=own,
        detail={"user": user.pk, "enabled": choice.enabled},
    )
    return choice


def unsubscribe_token(user: User) -> str:
    """A signed token naming ``user`` for the link in each message email; it
    grants nothing but switching those emails off."""
    return signing.dumps(user.pk, salt=NOTICE_SALT)


def user_for_token(token: str) -> User | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        value = signing.loads(token, salt=NOTICE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, int):
        return None
    return User.objects.filter(pk=value, is_active=True).first()


def notice_recipients(message: Message) -> list[tuple[User, bool]]:
    """Who hears of ``message``: (user, is the client). The client for the
    care team's messages; for the client's, their primary clinician and any
    colleague covering them today."""
    client = message.client
    if not message.from_client:
        return [(client.user, True)] if client.user is not None else []
    people = [client.clinician]
    covers = Cover.objects.in_force_on(client.practice.today()).filter(
        clinician_id=client.clinician_id
    )
    people += [c.cover for c in covers.select_related("cover")]
    found: dict[int, User] = {}
    for user in people:
        if user.practice_id == client.practice_id:
            found.setdefault(user.pk, user)
    return [(user, False) for user in found.values()]


def queue_notices(message: Message) -> int:
    """Queue a notice of ``message`` for each person on the other side who
    wants one; call inside the send's transaction. Returns how many new."""
    created = 0
    now = message.sent_at
    for user, to_client in notice_recipients(message):
        if user.pk == message.sender_id or not user.is_active or not user.email:
            continue
        if not emails_wanted(user):
            continue
        notices = MessageNotice.objects.filter(client=message.client, recipient=user)
        if notices.filter(state=MessageNotice.State.PENDING).exists():
            continue
        last = (
            notices.filter(state=MessageNotice.State.SENT)
            .order_by("-sent_at")
            .values_list("sent_at", flat=True)
            .first()
        )
        due = max(now, last + NOTICE_GAP) if last else now
        MessageNotice.objects.create(
            client=message.client,
            recipient=user,
            to_client=to_client,
            created_at=now,
            due_at=due,
        )
        created += 1
    if created:
        transaction.on_commit(_enqueue_send)
    return created


def _enqueue_send() -> None:
    from alliance.messaging.tasks import send_message_notices

    try:
        send_message_notices.enqueue()
    except Exception:  # the sweep sends them instead
        logger.exception("Could not enqueue message emails")


def _link(name: str, *args: object) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def notice_email(notice: MessageNotice) -> EmailMessage:
    """The email: no message text, and no client name anywhere a shared
    inbox could show it (the subject), nor in the body."""
    client = notice.client
    user = notice.recipient
    unsubscribe_url = _link("messaging:unsubscribe", unsubscribe_token(user))
    context = {
        "to_client": notice.to_client,
        "first_name": (
            (client.preferred_name or client.given_name)
            if notice.to_client
            else user.full_name.split(" ")[0]
        ),
        "practice": client.practice,
        "thread_url": (
            _link("messaging:mine")
            if notice.to_client
            else _link("messaging:thread", client.uuid)
        ),
        "settings_url": (
            _link("reminders:preferences")
            if notice.to_client
            else _link("messaging:inbox")
        ),
        "unsubscribe_url": unsubscribe_url,
    }
    body = render_to_string("messaging/notice_email.txt", context)
    subject = render_to_string("messaging/notice_subject.txt", context).strip()
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>"},
    )


def _still_unread(notice: MessageNotice) -> bool:
    messages = Message.objects.filter(client=notice.client)
    if notice.to_client:
        return messages.unread_by_client().exists()
    return messages.unread_by_clinician().exists()


def send_notice(notice: MessageNotice, *, now: datetime) -> bool | None:
    """Send one due notice. True: sent; False: cancelled (read already, or
    switched off) or sent meanwhile by another worker; None: it waits (the
    client's quiet hours). A failed send leaves it waiting and raises."""
    practice = notice.client.practice
    if notice.to_client:
        local = now.astimezone(_zone(practice))
        if practice.in_quiet_hours(local.time()):
            return None
    if not _still_unread(notice) or not emails_wanted(notice.recipient):
        MessageNotice.objects.filter(
            pk=notice.pk, state=MessageNotice.State.PENDING
        ).update(state=MessageNotice.State.CANCELLED)
        return False
    # Claimed before sending, so two workers never both send it.
    pending = MessageNotice.objects.filter(
        pk=notice.pk, state=MessageNotice.State.PENDING
    )
    if not pending.update(state=MessageNotice.State.SENT, sent_at=timezone.now()):
        return False
    try:
        notice_email(notice).send()
    except Exception as exc:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    MessageNotice.objects.filter(pk=notice.pk).update(
                        state=MessageNotice.State.PENDING, sent_at=None
                    )
            except IntegrityError:  # a newer notice waits already; it will do
                MessageNotice.objects.filter(pk=notice.pk).update(
                    state=MessageNotice.State.CANCELLED, sent_at=None
                )
            record(
                None,
                "message.email",
                None,
                client_uuid=notice.client.uuid,
                outcome=AuditEvent.Outcome.FAILED,
                detail={
                    "recipient": notice.recipient_id,
                    "error": type(exc).__name__,
                },
            )
        raise
    record(
        None,
        "message.email",
        None,
        client_uuid=notice.client.uuid,
        detail={"recipient": notice.recipient_id, "to_client": notice.to_client},
    )
    return True


def _zone(practice: Practice) -> ZoneInfo:
    return ZoneInfo(practice.time_zone)


def send_due_notices(now: datetime | None = None) -> dict[str, int]:
    """Send every waiting message email that is due at ``now``. Returns
    counts; raises NoticeSendError after the sweep when any send failed."""
    now = now or timezone.now()
    counts = {"sent": 0, "cancelled": 0, "waiting": 0, "failed": 0}
    due = (
        MessageNotice.objects.filter(state=MessageNotice.State.PENDING, due_at__lte=now)
        .select_related("client__practice", "recipient")
        .order_by("due_at", "pk")
    )
    for notice in due:
        try:
            outcome = send_notice(notice, now=now)
        except Exception:
            logger.exception("Message email %s failed", notice.pk)
            counts["failed"] += 1
            continue
        key = {True: "sent", False: "cancelled", None: "waiting"}[outcome]
        counts[key] += 1
    if counts["failed"]:
        raise NoticeSendError(
            f"{counts['failed']} message email(s) could not be sent; they will "
            "be tried again at the next sweep."
        )
    return counts
