"""``alliance worker``: run background tasks, and enqueue periodic ones (the
reminder sweep, ...) as they fall due.

    alliance worker                 # long-running, e.g. under systemd
    alliance worker --batch         # one pass, then exit (cron, tests)

Options are django-tasks-db's ``db_worker`` options; see docs/reminders.md.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from alliance.reminders.worker import PeriodicWorker


class Command(db_worker.Command):
    help = (
        "Run queued background tasks and enqueue periodic ones when due. "
        "--batch runs one pass (enqueue what is due, run the queue until it is "
        "empty) and exits."
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        # Every queue by default: one worker serves the whole practice.
        parser.set_defaults(queue_name="*")

    def configure_logging(self, verbosity: int) -> None:
        super().configure_logging(verbosity)
        levels = {0: logging.CRITICAL, 1: logging.INFO}
        logging.getLogger("alliance.worker").setLevel(
            levels.get(verbosity, logging.DEBUG)
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        batch = options["batch"]
        reload = options["reload"] and not batch
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"]
        excluded_names = excluded.split(",") if excluded else []
        if excluded_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = PeriodicWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded_names,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        elif batch:
            # Signals stay with the caller (a test, or cron's shell).
            worker.run()
        else:
            worker.configure_signals()
            worker.run()
