"""``alliance restore``: verify an encrypted backup completely, then restore it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliance.operations.backup import BackupError, audited_restore, manifest_rows


class Command(BaseCommand):
    help = (
        "Check and restore a backup made by `alliance backup`. Every part is "
        "decrypted and verified before the target database is touched."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The .alliance-backup file.")
        parser.add_argument(
            "--target",
            help="SQLite: a database file path (default: the configured database). "
            "PostgreSQL: a postgres:// URL of the database to restore into "
            "(default: the configured database).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that is not empty.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only verify the backup (decrypt, checksums, manifest); "
            "restore nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = audited_restore(
                options["path"],
                target=options["target"],
                force=options["force"],
                check_only=options["check"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = result.manifest
        rows = manifest_rows(manifest)
        verb = "Verified" if result.checked_only else f"Restored into {result.target}:"
        self.stdout.write(
            f"{verb} backup of {manifest['created_at']} ({manifest['vendor']}, "
            f"{len(manifest['tables'])} tables, {rows} rows) in {result.seconds:.1f} s"
        )
        for check in result.checks:
            self.stdout.write(f"  {check}")
        for note in result.notes:
            self.stdout.write(self.style.WARNING(f"  {note}"))
