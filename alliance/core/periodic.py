"""Registries other apps fill from ``AppConfig.ready``: background tasks that
run on a timetable, and extra items for the daily reminder email.

django-tasks runs what is enqueued but has no timetable of its own. Apps
register their periodic tasks here (for example the reminders digest sweep, or
the aftercare follow-up sweep); ``alliance worker`` (``alliance.reminders``)
enqueues each one when it falls due, records when it last did so in the
database (so several workers never double-enqueue), and runs the queue.

The reminder digest (``alliance.reminders``) counts appointments, homework and
questionnaires itself. An app below it in the layer order cannot be imported
by reminders, so it offers its own items through ``register_digest_items``;
for example aftercare registers its follow-up check-ins.

Nothing here keeps state another process needs: every process fills the same
registries the same way when Django starts.
"""

from __future__ import annotations

from collections.abc import Callable, Sized
from dataclasses import dataclass
from datetime import timedelta
from typing import Any


@dataclass(frozen=True)
class Periodic:
    name: str
    task: Any  # a django_tasks Task; enqueued with no arguments
    every: timedelta


PERIODIC: dict[str, Periodic] = {}


def register_periodic(name: str, task: Any, *, every: timedelta) -> None:
    """Run ``task`` (no arguments) about every ``every``. Registering the same
    name again replaces it (app reloads)."""
    if every <= timedelta(0):
        raise ValueError("A periodic task needs a positive interval.")
    PERIODIC[name] = Periodic(name=name, task=task, every=every)


# The reminder kinds a client can switch off (ReminderPreference fields).
REMINDER_PREFERENCES = ("appointments", "homework", "questionnaires")

# provider(client, now=aware datetime) -> the client's items due now (a list,
# or anything with a length); only the count reaches the email.
DigestProvider = Callable[..., Sized]


@dataclass(frozen=True)
class DigestItems:
    kind: str
    provider: DigestProvider
    preference: str
    singular: str
    plural: str

    def line(self, count: int) -> str:
        """E.g. "1 follow-up check-in to complete"."""
        return f"{count} {self.singular if count == 1 else self.plural} to complete"


DIGEST_ITEMS: dict[str, DigestItems] = {}


def register_digest_items(
    kind: str,
    provider: DigestProvider,
    *,
    preference: str = "questionnaires",
    singular: str,
    plural: str,
) -> None:
    """Add a kind of item to the daily reminder email.

    ``provider(client, now=now)`` returns what the client has due at ``now``;
    the email says only how many ("2 follow-up check-ins to complete") and
    never names them. ``preference`` is the reminder kind whose switch covers
    these items. Registering the same kind again replaces it.
    """
    if preference not in REMINDER_PREFERENCES:
        raise ValueError(f"Unknown reminder preference {preference!r}.")
    if not kind or not singular or not plural:
        raise ValueError("A digest item kind needs a name and its nouns.")
    DIGEST_ITEMS[kind] = DigestItems(kind, provider, preference, singular, plural)
