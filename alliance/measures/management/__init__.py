"""Shared plumbing for the measures commands: JSON on stdout, exit 2 on bad input."""

from __future__ import annotations

import json
import re
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

# argparse takes "-1,0,2" for an option; let lists of numbers through.
NEGATIVE_LIST = re.compile(r"^-(\d|\.\d)[\d.,\-]*$")


class JsonCommand(BaseCommand):
    """A measures command: pure computation, no database, no system checks."""

    requires_system_checks: list[str] = []

    def create_parser(
        self, prog_name: str, subcommand: str, **kwargs: Any
    ) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser._negative_number_matcher = NEGATIVE_LIST
        return parser

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = self.run(*args, **options)
        except KeyError as exc:
            self.fail(str(exc.args[0]) if exc.args else "Unknown name.")
        except (ValueError, OSError) as exc:
            self.fail(str(exc))
        self.stdout.write(
            json.dumps(result, sort_keys=True, indent=2, ensure_ascii=False)
        )

    def run(self, *args: Any, **options: Any) -> Any:
        raise CommandError("Subclasses define run().")

    def fail(self, message: str) -> NoReturn:
        raise CommandError(message, returncode=2)


def number_list(text: str, name: str, *, count: int | None = None) -> list[float]:
    """ "3,4" → [3.0, 4.0], or ValueError naming the option."""
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        raise ValueError(
            f"{name} must be numbers separated by commas, e.g. 18,7."
        ) from None
    if count is not None and len(values) != count:
        raise ValueError(f"{name} needs exactly {count} numbers separated by a comma.")
    return values
