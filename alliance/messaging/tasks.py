"""Background work for messages, run by ``alliance worker``: the "you have a
new message" emails (enqueued after a send commits, and swept periodically;
registered in ``apps.MessagingConfig.ready``). Tasks take no text."""

from __future__ import annotations

from django_tasks import task

from alliance.messaging.services import send_due_notices


@task()
def send_message_notices() -> dict[str, int]:
    """Send the message emails that are due now."""
    return send_due_notices()
