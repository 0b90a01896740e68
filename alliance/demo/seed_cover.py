"""Cover for leave in the demo: Dr Sam Whitfield is on leave this week and
Dr Alice Moreno covers him, so Alice's home page shows a "Covering for" card
with Sam's clients' open alerts and unread messages, and the cover page lists
the arrangement."""

from __future__ import annotations

from datetime import date, timedelta

from alliance.accounts.models import Cover, User
from alliance.accounts.services import arrange_cover


def seed_cover(staff: dict[str, User], *, today: date) -> Cover:
    """Sam away from two days ago until five days from now; Alice covers."""
    return arrange_cover(
        clinician=staff["sam"],
        cover=staff["alice"],
        starts_on=today - timedelta(days=2),
        ends_on=today + timedelta(days=5),
        by=staff["admin"],
    )
