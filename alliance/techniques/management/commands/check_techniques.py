"""``alliance check-techniques``: validate every technique file.

Reads the built-in files and the practice's folder (``ALLIANCE_TECHNIQUES_DIR``),
lists each problem with its file, and exits 2 if there is any. The pages skip
an invalid file rather than fail, so this is how a practice finds out why its
technique is missing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from alliance.techniques.library import BUILT_IN, BUILTIN_DIR, check_files, practice_dir


class Command(BaseCommand):
    help = "Validate the built-in and practice technique files and list any problems."

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 2
        folder = practice_dir()
        self.stdout.write(f"Built-in techniques: {BUILTIN_DIR}")
        if folder.is_dir():
            self.stdout.write(f"Practice techniques: {folder}")
        else:
            self.stdout.write(
                f"Practice techniques: {folder} (no such folder; none added yet)"
            )

        checks = check_files()
        builtin_slugs = {
            c.technique.slug for c in checks if c.technique and c.source == BUILT_IN
        }
        bad = [c for c in checks if c.problems]
        for check in checks:
            if check.problems:
                self.stdout.write(self.style.ERROR(f"PROBLEM  {check.path}"))
                for problem in check.problems:
                    self.stdout.write(f"    - {problem}")
            elif check.source != BUILT_IN and check.technique:
                replaces = check.technique.slug in builtin_slugs
                note = "replaces the built-in version" if replaces else "added"
                self.stdout.write(f"ok       {check.path} ({note})")
            elif verbose:
                self.stdout.write(f"ok       {check.path}")

        valid = len(checks) - len(bad)
        self.stdout.write(
            f"{valid} technique file{'s' if valid != 1 else ''} valid, "
            f"{len(bad)} with problems."
        )
        if bad:
            raise CommandError(
                f"{len(bad)} technique file{'s' if len(bad) != 1 else ''} could not "
                "be used and will be skipped until corrected.",
                returncode=2,
            )
