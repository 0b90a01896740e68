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


def backfill_after_migrate(sender: object, **kwargs: Any) -> None:
    """``post_migrate`` receiver: build the stored states once, when the
    scores are there but the states never were (the upgrade that added them).
    After every migration has run, so the live models match the schema."""
    if getattr(sender, "label", None) != "measures":
        return
    from alliance.measures.models import Administration, MeasureSchedule, MeasureTrack
    from alliance.measures.tracking import TRACKED

    using = kwargs.get("using", "default")
    scored = (
        Administration.objects.using(using)
        .current()
        .filter(instrument__in=TRACKED, total__isnull=False)
        .exists()
    )
    never_built = (scored and not MeasureTrack.objects.using(using).exists()) or (
        MeasureSchedule.objects.using(using).filter(active=True).exists()
        and not MeasureSchedule.objects.using(using)
        .filter(next_due__isnull=False)
        .exists()
    )
    if never_built and using == "default":
        refresh_everything(rebuild=True)


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
