"""``alliance retention``: list clients whose records are due for disposal review.

A client is listed when they have no open episode and their last episode
closed longer ago than the practice keeps records (``retention_years``; for a
child, not before their 25th birthday, or 26th if 17 when care ended). See
docs/retention.md. The command only lists: it never deletes or changes a
record. Each run writes one audit event, ``retention.list``.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliance.accounts.models import Practice
from alliance.audit.services import record
from alliance.clients.retention import (
    BIRTHDAY_25,
    BIRTHDAY_26,
    PracticeReport,
    retention_report,
)

RULES = {BIRTHDAY_25: "25th birthday", BIRTHDAY_26: "26th birthday"}


class Command(BaseCommand):
    help = (
        "List clients whose records have passed the retention period and are due "
        "for disposal review. Deletes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--practice", metavar="UUID", help="Only this practice (default: all)."
        )
        parser.add_argument(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Judge as on this day (default: today in each practice's time zone).",
        )
        parser.add_argument(
            "--json", action="store_true", help="Print JSON instead of a table."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = _as_of(options["as_of"])
        practices = _practices(options["practice"])
        reports = retention_report(practices, as_of)
        total = sum(len(report.due) for report in reports)
        record(
            None,
            "retention.list",
            None,
            detail={
                "as_of": as_of.isoformat() if as_of else None,
                "practice": options["practice"],
                "practices": len(reports),
                "due": total,
                "due_per_practice": {str(r.practice.uuid): len(r.due) for r in reports},
            },
        )
        if options["json"]:
            result = {
                "as_of": as_of.isoformat() if as_of else None,
                "total": total,
                "practices": [report.as_dict() for report in reports],
            }
            self.stdout.write(
                json.dumps(result, sort_keys=True, indent=2, ensure_ascii=False)
            )
            return
        for report in reports:
            self._table(report)
        self.stdout.write(
            f"Total: {total} client record{'s' if total != 1 else ''} due for "
            "disposal review. Nothing was deleted or changed."
        )

    def _table(self, report: PracticeReport) -> None:
        practice = report.practice
        years = practice.retention_years
        self.stdout.write(
            f"{practice.name} ({practice.uuid}): records kept {years} "
            f"year{'s' if years != 1 else ''} after care ends; as of "
            f"{report.as_of.isoformat()}"
        )
        if not report.due:
            self.stdout.write("  No client records are due.")
            self.stdout.write("")
            return
        rows = [("CLIENT", "INITIALS", "LAST CLOSED", "DISCHARGE", "DUE SINCE", "RULE")]
        for due in report.due:
            rows.append(
                (
                    due.client_uuid,
                    due.initials,
                    due.last_closed.isoformat(),
                    due.discharge_reason or "-",
                    due.due_since.isoformat(),
                    RULES.get(due.rule, f"{years} years after care"),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            line = "  ".join(
                cell.ljust(width) for cell, width in zip(row, widths, strict=True)
            )
            self.stdout.write("  " + line.rstrip())
        self.stdout.write(f"  {len(report.due)} due in this practice.")
        self.stdout.write("")


def _as_of(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--as-of {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-01-31.",
            returncode=2,
        ) from None


def _practices(text: str | None) -> list[Practice]:
    if text is None:
        return list(Practice.objects.order_by("name", "id"))
    try:
        wanted = uuid.UUID(text)
    except ValueError:
        wanted = None
    practice = Practice.objects.filter(uuid=wanted).first() if wanted else None
    if practice is None:
        raise CommandError(
            f"There is no practice {text!r}. Give a practice's UUID, or leave out "
            "--practice to list every practice.",
            returncode=2,
        )
    return [practice]
