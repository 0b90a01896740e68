"""``alliance backup``: write an encrypted, verifiable snapshot of the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliance.operations.backup import BackupError, audited_backup, manifest_rows


class Command(BaseCommand):
    help = (
        "Write an encrypted snapshot of the database with a manifest of row counts "
        "and checksums. The key file is never included: back it up separately."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="Where to write the backup "
            "(default var/backups/alliance-<UTC time>.alliance-backup).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = audited_backup(options["output"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = result.manifest
        rows = manifest_rows(manifest)
        self.stdout.write(f"Backup written to {result.path}")
        self.stdout.write(
            f"  {manifest['vendor']} database, {len(manifest['tables'])} tables, "
            f"{rows} rows; {result.size} bytes in {result.seconds:.1f} s"
        )
        self.stdout.write(f"  encrypted with backup key {result.key_id}")
        keys = ", ".join(
            f"{k} ({n} values)" for k, n in manifest["field_key_ids"].items()
        )
        self.stdout.write(f"  field keys needed to read it: {keys or 'none'}")
        self.stdout.write(
            "Keep a copy of the key file apart from this backup: without it the "
            "backup cannot be decrypted."
        )
