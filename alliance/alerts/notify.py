"""How alert notifications leave the system: a small channel interface.

A channel turns an ``AlertMessage`` (no clinical content: a subject, a plain
body and a link) into a message to one staff member. Email is the only one
today; SMS or push are further classes with the same ``name`` and ``send``,
listed in the ``ALLIANCE_ALERT_CHANNELS`` setting (dotted paths). Each
notification row names its channel, so a message is sent and retried per
channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from alliance.accounts.models import User

DEFAULT_CHANNELS = ["alliance.alerts.notify.EmailChannel"]


@dataclass(frozen=True)
class AlertMessage:
    subject: str
    body: str
    link: str


class Channel(Protocol):
    name: str

    def can_reach(self, recipient: User) -> bool: ...

    def send(self, recipient: User, message: AlertMessage) -> None:
        """Deliver or raise; a raise marks the notification failed, for retry."""


class EmailChannel:
    """Django's email backend (``EMAIL_BACKEND``)."""

    name = "email"

    def can_reach(self, recipient: User) -> bool:
        return bool(recipient.email)

    def send(self, recipient: User, message: AlertMessage) -> None:
        EmailMessage(
            subject=message.subject, body=message.body, to=[recipient.email]
        ).send()


def channels() -> dict[str, Channel]:
    """The configured channels by name."""
    paths = getattr(settings, "ALLIANCE_ALERT_CHANNELS", None) or DEFAULT_CHANNELS
    found: dict[str, Channel] = {}
    for path in paths:
        channel = import_string(path)()
        found[channel.name] = channel
    return found
