"""Background tasks run by ``alliance worker``. They take ids, never text."""

from __future__ import annotations

from django_tasks import task

from alliance.reminders.services import send_digests


@task()
def send_reminder_digests() -> dict[str, int]:
    """The periodic sweep: each client's reminder email, when one is due."""
    return send_digests()
