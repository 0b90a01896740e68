"""``alliance outcome --phq9 FIRST,LAST --gad7 FIRST,LAST --sessions N``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from alliance.measures.management import JsonCommand, number_list
from alliance.measures.nhs import nhs_outcome


class Command(JsonCommand):
    help = "NHS Talking Therapies outcome flags for one episode (PHQ-9 + GAD-7 pair)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--phq9", required=True, metavar="FIRST,LAST")
        parser.add_argument("--gad7", required=True, metavar="FIRST,LAST")
        parser.add_argument(
            "--sessions",
            type=int,
            required=True,
            help="Attended treatment sessions (excluding follow-up).",
        )

    def run(self, *args: Any, **options: Any) -> dict[str, Any]:
        phq9 = number_list(options["phq9"], "--phq9", count=2)
        gad7 = number_list(options["gad7"], "--gad7", count=2)
        return nhs_outcome(
            phq9=(phq9[0], phq9[1]),
            gad7=(gad7[0], gad7[1]),
            sessions=options["sessions"],
        )
