"""The ``alliance`` command: Django's manage.py with Alliance's settings preset.

Hyphenated names are accepted for Alliance's own commands
(``alliance rotate-keys`` runs ``rotate_keys``).
"""

from __future__ import annotations

import os
import secrets
import sys

# Scoring commands for scripts and research: no server, no database, no signing.
OFFLINE_COMMANDS = {"score", "change", "outcome", "gas", "cohort"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    if len(argv) > 1 and "-" in argv[1] and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    if len(argv) > 1 and argv[1] in OFFLINE_COMMANDS:
        # They sign nothing, so a throwaway key lets them run on a bare machine.
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
