"""Background work for aftercare: the follow-up sweep, run about every hour by
``alliance worker`` (registered in ``apps.AftercareConfig.ready``)."""

from __future__ import annotations

from django_tasks import task

from alliance.aftercare.services import run_followups


@task()
def followup_sweep() -> dict[str, int]:
    """Open due follow-ups, email the client, complete answered ones (raising
    a deterioration alert where needed) and mark stale ones missed."""
    return run_followups()
