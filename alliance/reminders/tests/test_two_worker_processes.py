"""Two ``alliance worker`` processes at once, on PostgreSQL where they really
run in parallel: each task runs once, and each periodic task is enqueued once.

django-tasks-db claims a task under ``SELECT ... FOR UPDATE SKIP LOCKED`` and
marks it running in the same transaction; ``enqueue_due_periodic`` decides under
a row lock on the task's ``PeriodicRun``. SQLite has one writer at a time (the
single-process tests in test_worker.py cover it), and its flush after a
transactional test meets the audit log's append-only trigger."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections
from django_tasks_db.models import DBTaskResult

from alliance.core import periodic
from alliance.reminders.models import PeriodicRun
from alliance.reminders.services import enqueue_due_periodic
from alliance.reminders.tests import sample_tasks

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: SQLite runs one writer at a time",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("audit_log_emptied_after"),
]

ROOT = Path(__file__).resolve().parents[3]
TASKS = 40


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = f"{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{s['NAME']}"


def test_two_worker_processes_run_each_task_once(tmp_path):
    log = tmp_path / "runs.log"
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    for name in ("first", "second"):
        sample_tasks.meet.using(priority=10).enqueue(str(meeting), name)
    for n in range(TASKS):
        sample_tasks.record_run.enqueue(str(log), n)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DEBUG": "1",
        "ALLIANCE_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    command = [
        sys.executable,
        "-m",
        "alliance.cli",
        "worker",
        "--batch",
        "--no-startup-delay",
    ]
    workers = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=240)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs

    # Both workers held a meet task at the same moment.
    pids = {path.read_text() for path in meeting.iterdir()}
    assert len(pids) == 2
    # Every task ran exactly once, and was claimed by one worker only.
    assert sorted(int(line) for line in log.read_text().split()) == list(range(TASKS))
    results = list(DBTaskResult.objects.all())
    assert {r.status for r in results} == {"SUCCESSFUL"}, [
        (r.task_path, r.status, r.traceback)
        for r in results
        if r.status != "SUCCESSFUL"
    ]
    assert all(len(r.worker_ids) == 1 for r in results)
    # Each periodic task was enqueued by one of them only.
    for entry in periodic.PERIODIC.values():
        enqueued = [r for r in results if r.task_path == entry.task.module_path]
        assert len(enqueued) == 1, entry.name
    assert PeriodicRun.objects.count() == len(periodic.PERIODIC)


def test_simultaneous_enqueues_of_periodic_tasks_happen_once(clock):
    start = threading.Barrier(4)
    enqueued: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait(timeout=30)
            enqueued.extend(enqueue_due_periodic())
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(enqueued) == sorted(periodic.PERIODIC)
    for entry in periodic.PERIODIC.values():
        assert (
            DBTaskResult.objects.filter(task_path=entry.task.module_path).count() == 1
        )
