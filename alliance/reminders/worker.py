"""The loop behind ``alliance worker``: django-tasks-db's database worker, which
also enqueues the periodic tasks registered in ``alliance.core.periodic`` as
they fall due.

Each pass enqueues what is due (``services.enqueue_due_periodic``), then runs
ready tasks until the queue is empty, using django-tasks-db's own claim (a row
lock, or SQLite's exclusive transaction) and ``run_task`` (which marks each
result successful or failed). In batch mode it stops after one pass.
"""

from __future__ import annotations

import logging
import random
import time

from django.db import OperationalError, connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from alliance.reminders.services import enqueue_due_periodic

logger = logging.getLogger("alliance.worker")

# How often a batch run retries when SQLite reports the database locked.
LOCKED_RETRIES = 50


def refresh_connections() -> None:
    """Drop broken or expired database connections between tasks, as a request
    does; a connection inside a transaction (a test's) is left alone."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


class PeriodicWorker(Worker):
    def run(self) -> None:
        logger.info(
            "Starting worker worker_id=%s queues=%s",
            self.worker_id,
            ",".join(self.queue_names),
        )
        if self.startup_delay and self.interval and not self.batch:
            # Spread workers started together, as db_worker does.
            time.sleep(random.random())  # noqa: S311
        while self.running:
            refresh_connections()
            for name in enqueue_due_periodic():
                logger.info("Enqueued periodic task %s", name)
            self.run_ready()
            if self.batch or self._max_tasks_reached():
                return
            if self.running:
                time.sleep(self.interval)

    def _max_tasks_reached(self) -> bool:
        return self.max_tasks is not None and self._run_tasks >= self.max_tasks

    def run_ready(self) -> None:
        """Run ready tasks until none is left (or the maximum is reached)."""
        locked = 0
        while self.running and not self._max_tasks_reached():
            try:
                result = self.claim_next()
            except OperationalError as exc:
                if not is_locked_database_exception(exc) or locked >= LOCKED_RETRIES:
                    raise
                locked += 1
                time.sleep(0.1)
                continue
            if result is None:
                return
            self.run_task(result)
            refresh_connections()

    def claim_next(self) -> DBTaskResult | None:
        """Take the next ready task for this worker's queues, marked running."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            result = tasks.get_locked()
            if result is not None:
                result.claim(self.worker_id)
        return result
