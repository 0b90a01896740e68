"""Two workers sweeping at the same moment, on PostgreSQL where they really
run in parallel: every message is sent exactly once."""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connections

from alliance.alerts.models import AlertNotification
from alliance.alerts.services import raise_alert, run_alert_sweep

# SQLite runs one writer at a time (the claim test in test_escalation.py
# covers it), and its flush after a transactional test meets the audit log's
# append-only trigger.
pytestmark = pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="needs PostgreSQL",
)


class SlowBackend(EmailBackend):
    """A mail server that takes a moment, so the two sweeps overlap."""

    def send_messages(self, messages):
        time.sleep(0.3)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("audit_log_emptied_after")
def test_two_parallel_sweeps_send_each_message_once(cleo, alice, sam, settings):
    settings.EMAIL_BACKEND = "alliance.alerts.tests.test_two_workers.SlowBackend"
    # The immediate task is only queued, so the two sweeps find it waiting.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for n in range(3):
        raise_alert(cleo, source="Session risk check", summary=f"CANARY-{n}")
    assert AlertNotification.objects.filter(status="pending").count() == 3
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            run_alert_sweep()
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=sweep) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert len(mail.outbox) == 3
    assert set(AlertNotification.objects.values_list("status", "attempts")) == {
        ("sent", 1)
    }
