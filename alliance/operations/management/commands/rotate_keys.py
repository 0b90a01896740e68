"""``alliance rotate-keys``: move clinical free text onto a new field key.

The procedure is ``alliance.operations.keys.rotate_keys``; this command only
reads the options and prints the report.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliance.operations import keys


class Command(BaseCommand):
    help = "Add a new field encryption key and re-encrypt all clinical text under it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch",
            type=int,
            default=500,
            help="Rows per transaction (default 500).",
        )
        parser.add_argument(
            "--resume",
            action="store_true",
            help="Add no new key; finish re-encrypting onto the active key.",
        )
        parser.add_argument(
            "--retire",
            metavar="KID",
            help="Remove key KID from the key file once no stored value uses it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            keys.rotate_keys(
                batch=options["batch"],
                resume=options["resume"],
                retire=options["retire"],
                say=self.stdout.write,
            )
        except keys.RotationError as exc:
            raise CommandError(str(exc)) from None
