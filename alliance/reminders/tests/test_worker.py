"""``alliance worker``: runs what django-tasks enqueued on the database queue,
and enqueues periodic tasks only when they fall due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from alliance.core import periodic
from alliance.reminders.models import PeriodicRun
from alliance.reminders.services import enqueue_due_periodic
from alliance.reminders.tests import sample_tasks
from alliance.reminders.tests.conftest import run_worker

SWEEP = "alliance.reminders.tasks.send_reminder_digests"


@pytest.fixture
def only_ping(monkeypatch):
    """The registry holding one test task, restored afterwards."""
    monkeypatch.setattr(periodic, "PERIODIC", {})
    periodic.register_periodic("test.ping", sample_tasks.ping, every=timedelta(hours=1))


def test_the_reminder_sweep_is_registered_every_15_minutes():
    entry = periodic.PERIODIC["reminders.send_digests"]
    assert entry.every == timedelta(minutes=15)
    assert entry.task.module_path == SWEEP


def test_it_runs_tasks_enqueued_through_django_tasks(db, only_ping):
    result = sample_tasks.add.enqueue(2, 3)
    failing = sample_tasks.explode.enqueue()
    run_worker()
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == "SUCCESSFUL"
    assert row.return_value == 5
    assert row.finished_at is not None
    broken = DBTaskResult.objects.get(id=failing.id)
    assert broken.status == "FAILED"
    assert broken.exception_class_path == "builtins.RuntimeError"
    assert DBTaskResult.objects.ready().count() == 0


def test_batch_mode_empties_the_queue_and_exits(db, only_ping):
    for n in range(5):
        sample_tasks.add.enqueue(n, n)
    run_worker()
    assert DBTaskResult.objects.successful().count() == 6  # five, and test.ping
    assert DBTaskResult.objects.ready().count() == 0


def test_it_leaves_tasks_scheduled_for_later(db, only_ping, clock):
    later = sample_tasks.add.using(run_after=clock.at + timedelta(hours=1)).enqueue(
        1, 1
    )
    run_worker()
    assert DBTaskResult.objects.get(id=later.id).status == "READY"
    clock.advance(hours=2)
    run_worker()
    assert DBTaskResult.objects.get(id=later.id).status == "SUCCESSFUL"


def test_it_enqueues_a_periodic_task_only_when_due(db, only_ping, clock):
    assert enqueue_due_periodic() == ["test.ping"]
    assert enqueue_due_periodic() == []
    clock.advance(minutes=59)
    assert enqueue_due_periodic() == []
    clock.advance(minutes=1)
    assert enqueue_due_periodic() == ["test.ping"]
    assert PeriodicRun.objects.get(name="test.ping").last_enqueued_at == clock.at
    assert (
        DBTaskResult.objects.filter(task_path=sample_tasks.ping.module_path).count()
        == 2
    )


def test_two_quick_runs_do_not_double_enqueue(db, clock):
    run_worker()
    clock.advance(minutes=1)
    run_worker()
    sweeps = DBTaskResult.objects.filter(task_path=SWEEP)
    assert sweeps.count() == 1
    assert sweeps.get().status == "SUCCESSFUL"
    clock.advance(minutes=14)
    run_worker()
    assert sweeps.count() == 2


def test_a_second_worker_sees_the_first_one_s_enqueue(db, clock):
    # Two workers share the PeriodicRun row: whoever comes second finds it
    # recent, whatever its own memory says.
    enqueue_due_periodic()
    run = PeriodicRun.objects.get(name="reminders.send_digests")
    assert run.last_enqueued_at == clock.at
    assert "reminders.send_digests" not in enqueue_due_periodic()


def test_it_refuses_a_backend_that_is_not_the_database(db, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    with pytest.raises(CommandError, match="not a database backend"):
        call_command("worker", "--batch")


def test_it_rejects_a_zero_interval_for_periodic_tasks():
    with pytest.raises(ValueError, match="positive interval"):
        periodic.register_periodic("bad", sample_tasks.add, every=timedelta(0))
