"""``alliance quality --practice UUID --from DAY --to DAY [--as-of DAY]``: the US
depression measures (CMS159 / NQF 0710 remission at twelve months, NQF 0711 at
six, NQF 1884/1885 response) for index events in the period, as JSON.

Unlike the other measures commands this one reads the database; it prints
counts only and writes one audit event, ``measures.quality``."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.core.management.base import CommandParser

from alliance.accounts.models import Practice
from alliance.audit.services import record
from alliance.measures.management import JsonCommand
from alliance.measures.quality import as_dict, quality_summary


def _day(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{name} must be a date written YYYY-MM-DD.") from None


class Command(JsonCommand):
    help = "US depression remission and response measures (CMS159, NQF 0710/0711/1884/1885)."
    requires_system_checks = "__all__"  # type: ignore[assignment]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", required=True, metavar="UUID")
        parser.add_argument(
            "--from",
            dest="start",
            required=True,
            metavar="YYYY-MM-DD",
            help="First day of the index (denominator identification) period.",
        )
        parser.add_argument(
            "--to",
            dest="end",
            required=True,
            metavar="YYYY-MM-DD",
            help="Last day of the index period.",
        )
        parser.add_argument(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Judge as on this day (default: today in the practice's time zone).",
        )

    def run(self, *args: Any, **options: Any) -> dict[str, Any]:
        start = _day(options["start"], "--from")
        end = _day(options["end"], "--to")
        as_of = _day(options["as_of"], "--as-of")
        try:
            wanted = uuid.UUID(options["practice"])
        except ValueError:
            wanted = None
        practice = Practice.objects.filter(uuid=wanted).first() if wanted else None
        if practice is None:
            raise ValueError(f"There is no practice {options['practice']!r}.")
        if start is None or end is None:
            raise ValueError("Give --from and --to.")
        summary = quality_summary(practice, start, end, as_of=as_of)
        result = as_dict(summary)
        record(
            None,
            "measures.quality",
            None,
            detail={
                "practice": str(practice.uuid),
                **{k: result[k] for k in ("index_period", "as_of")},
            },
        )
        return result
