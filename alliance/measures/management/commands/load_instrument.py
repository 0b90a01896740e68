"""``alliance load-instrument FILE``: add an instrument the practice holds a
licence for (e.g. WAI-SR) from a data file, without code changes.

The file is checked, then copied to ``VAR_DIR/instruments/<code>-<version>.json``.
On several app servers, VAR_DIR/instruments must be shared, or the command run
on each server (docs/measures.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from alliance.measures import loader
from alliance.measures.management import JsonCommand


class Command(JsonCommand):
    help = "Check an instrument file and load it for this practice (docs/measures.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Instrument JSON file")
        parser.add_argument(
            "--check", action="store_true", help="Only check the file; load nothing."
        )

    def run(self, *args: Any, **options: Any) -> dict[str, Any]:
        path = Path(options["file"])
        if options["check"]:
            instrument = loader.read_file(path)
            target = None
        else:
            instrument, target = loader.install(path)
        return {
            "code": instrument.code,
            "version": instrument.version,
            "name": instrument.name,
            "items": len(instrument.items),
            "validated": instrument.validated,
            "risk_items": list(instrument.risk_items),
            "prompt_items": list(instrument.prompt_items),
            "loaded": target is not None,
            "path": str(target) if target else None,
        }
