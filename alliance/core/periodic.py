"""A registry of background tasks that run on a timetable.

django-tasks runs what is enqueued but has no timetable of its own. Apps
register their periodic tasks here from ``AppConfig.ready`` (for example the
reminders digest sweep, or the aftercare follow-up sweep); ``alliance worker``
(``alliance.reminders``) enqueues each one when it falls due, records when it
last did so in the database (so several workers never double-enqueue), and
runs the queue. Nothing here keeps state another process needs.
"""

from __future__ import annotations

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
