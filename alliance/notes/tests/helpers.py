"""Build sessions and notes the way the app does: through the services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

COMPLETE = {
    "section_1": "Reports sleeping better; still avoiding the supermarket.",
    "section_2": "Calm, good eye contact, engaged throughout.",
    "section_3": "Avoidance is easing; beliefs about panic less certain.",
    "section_4": "Graded exposure: supermarket at a quiet time twice this week.",
    "risk_level": "none",
    "risk_notes": "",
}


def book(
    client: Any,
    *,
    hours_ago: float = 2,
    clinician: Any = None,
    purpose: str = "treatment",
) -> Any:
    """A treatment appointment (by default) ``hours_ago`` hours ago."""
    from alliance.scheduling.services import book_appointment

    clinician = clinician or client.clinician
    return book_appointment(
        client=client,
        clinician=clinician,
        starts_at=timezone.now() - timedelta(hours=hours_ago),
        duration_minutes=50,
        modality="in_person",
        location="Room 2",
        purpose=purpose,
        by=clinician,
    )


def start(client: Any, *, structure: str = "soap", hours_ago: float = 2) -> Any:
    from alliance.notes.services import start_session

    return start_session(
        book(client, hours_ago=hours_ago), by=client.clinician, structure=structure
    )


def write(note: Any, **fields: str) -> Any:
    from alliance.notes.services import save_draft

    return save_draft(note, by=note.author, version=note.version, **fields)


def signed(client: Any, *, hours_ago: float = 2, **fields: str) -> Any:
    from alliance.notes.services import sign_note

    note = start(client, hours_ago=hours_ago).progress_note
    note = write(note, **{**COMPLETE, **fields})
    return sign_note(note, by=note.author)
