"""``alliance refresh_measures [--rebuild]``: bring the stored measure states
up to date by hand. Refits every practice's expected-recovery curves and
re-judges "not on track" (what ``alliance worker`` does every few hours);
with ``--rebuild``, first recomputes every schedule's next due day and every
"not on track" verdict from the scores (after an upgrade, a restore, or a
practice's change of time zone). Prints counts as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def refresh_everything(*, rebuild: bool = True) -> dict[str, int]:
    from alliance.measures.services import refresh_all_due
    from alliance.measures.tracking import sweep

    counts = {"schedules_changed": refresh_all_due()} if rebuild else {}
    counts.update(sweep(rebuild=rebuild))
    return counts


class Command(BaseCommand):
    help = "Refit expected-recovery curves; with --rebuild, recompute due and not-on-track states."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Recompute every stored state from the scores first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(refresh_everything(rebuild=options["rebuild"])))
