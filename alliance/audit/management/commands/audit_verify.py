"""``alliance audit-verify``: prove the audit log's hash chain is whole.

Recomputes every event's hash in order and checks each link to the event
before it and the chain head. Exit status 0 with a summary when intact; 2 with
the first broken event named otherwise. Each run is itself recorded as an
``audit.verify`` event, which the admin's audit page shows.

Keep the printed head (``SEQ:HASH``) outside the server and pass it back with
``--anchor SEQ:HASH`` later: that also catches someone who recomputed the whole
chain with full database access (see alliance/audit/chain.py).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliance.audit.services import verify_chain

ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


def _anchor(value: str) -> tuple[int, str]:
    match = ANCHOR.match(value.strip().lower())
    if match is None:
        raise CommandError(
            f"{value!r} is not an anchor. Give it as SEQ:HASH, exactly as an earlier "
            "run printed it after 'Head:'."
        )
    return int(match.group(1)), match.group(2)


class Command(BaseCommand):
    help = "Check that no audit event was removed or altered (hash chain)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="A head printed by an earlier run and kept elsewhere; repeatable.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchors = [_anchor(a) for a in options["anchor"]]
        result = verify_chain(anchors=anchors)
        if not result.ok:
            raise CommandError(result.summary(), returncode=2)
        self.stdout.write(result.summary())
        for anchor in result.anchors:
            self.stdout.write(f"Anchor {anchor} is still in the chain.")
