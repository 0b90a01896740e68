"""Secure messages between a client and their care team, and their attachments.

One conversation per client: the client writes to their primary clinician and
the primary clinician answers; a supervisor of that clinician may read it. The
text is encrypted like every clinical free text. Messages are not for
emergencies and nobody watches them around the clock; every page that shows or
sends them says so.

Attachments (when the practice allows them) are kept in the database, encrypted
with the same field keys as the text, so a backup or a key rotation covers them
like any other value. The field's associated data binds the ciphertext to the
attachment's own row (the only binding key rotation can rebuild); the message's
UUID is sealed inside the ciphertext and checked on every read, so an attachment
moved onto another message (another client's, say) refuses to open.
"""

from __future__ import annotations

import base64

from django.db import models
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from alliance.clients.models import Client
from alliance.core.crypto import DecryptionError
from alliance.core.fields import EncryptedTextField
from alliance.core.models import UUIDModel


class MessageQuerySet(models.QuerySet["Message"]):
    def unread_by_client(self) -> MessageQuerySet:
        """Sent by the care team and not yet opened by the client."""
        return self.filter(from_client=False, read_at__isnull=True)

    def unread_by_clinician(self) -> MessageQuerySet:
        """Sent by the client and not yet opened by their primary clinician."""
        return self.filter(from_client=True, read_at__isnull=True)


class Message(UUIDModel):
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="messages"
    )
    sender = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    from_client = models.BooleanField()
    body = EncryptedTextField()
    sent_at = models.DateTimeField(default=timezone.now)
    # When the other side first opened the thread after this was sent.
    read_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    client_path = "client"

    class Meta:
        ordering = ["sent_at", "id"]
        indexes = [
            models.Index(fields=["client", "sent_at"], name="message_client_sent"),
            models.Index(
                fields=["client", "from_client", "read_at"], name="message_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"Message {self.sent_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("messaging:thread", args=[self.client.uuid])


class MessageAttachment(UUIDModel):
    class Kind(models.TextChoices):
        PDF = "application/pdf", "PDF"
        PNG = "image/png", "PNG image"
        JPEG = "image/jpeg", "JPEG image"

    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, related_name="attachments"
    )
    content_type = models.CharField(max_length=40, choices=Kind.choices)
    size = models.PositiveIntegerField()
    # The file's name can say as much as its content, so it is encrypted too.
    filename = EncryptedTextField()
    # "<message uuid>:<base64 of the file>", encrypted.
    content = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    client_path = "message__client"

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Attachment ({self.get_content_type_display()}, {self.size} bytes)"

    def seal(self, data: bytes) -> None:
        """Set the content to ``data``, bound to this attachment's message."""
        encoded = base64.b64encode(data).decode("ascii")
        self.content = f"{self.message.uuid}:{encoded}"
        self.size = len(data)

    @property
    def data(self) -> bytes:
        """The file's bytes; DecryptionError if it was moved to another message."""
        bound, _, encoded = self.content.partition(":")
        if bound != str(self.message.uuid):
            raise DecryptionError("attachment does not belong to this message")
        return base64.b64decode(encoded, validate=True)


class MessageEmailChoice(models.Model):
    """Whether a person (client or staff) wants an email when a new message
    reaches them; a person without a row gets them."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="message_email_choice"
    )
    enabled = models.BooleanField("email me about new messages", default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Message emails {'on' if self.enabled else 'off'} for {self.user_id}"


class MessageNotice(models.Model):
    """A "you have a new message" email to one person about one thread. It
    carries no message text. At most one waits per (thread, person); it is due
    no sooner than an hour after the last one sent for that thread, so several
    messages in a row make one email."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Not needed (already read, or switched off)"

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="message_notices"
    )
    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # The recipient is the client (portal login), not someone in the care team.
    to_client = models.BooleanField()
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    client_path = "client"

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["state", "due_at"], name="notice_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "recipient"],
                condition=models.Q(state="pending"),
                name="one_pending_message_notice",
            )
        ]

    def __str__(self) -> str:
        return f"Message notice to {self.recipient_id} ({self.state})"
