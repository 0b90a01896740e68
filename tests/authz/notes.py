"""Matrix cases for the notes app: starting a session record and process notes
(author only, not even the supervisor). The kinds of session records and
progress notes are registered here; the session page and the note's actions are
the chart's (tests/authz/chart.py)."""

from __future__ import annotations

from itertools import count

from tests.authz import author_only, case, clinical, kind, supervisor_page

# Each build books its own past hour: some suites build a kind several times in
# one world, and the scheduling rules refuse a double-booked clinician.
_HOURS = count(3)


def _session(world, side):
    from alliance.notes.tests.helpers import start

    return start(world.client_of(side), hours_ago=next(_HOURS))


def _written(world, side):
    from alliance.notes.tests.helpers import COMPLETE, write

    client = world.client_of(side)
    note = _session(world, side).progress_note
    return write(note, **{**COMPLETE, "section_1": f"CANARY-{client.given_name}"})


@kind("notes_appointment")
def _appointment(world, side):
    from alliance.notes.tests.helpers import book

    return book(world.client_of(side), hours_ago=next(_HOURS))


@kind("therapy_session")
def _therapy_session(world, side):
    return _session(world, side)


@kind("progress_note")
def _progress_note(world, side):
    return _session(world, side).progress_note


@kind("complete_note")
def _complete_note(world, side):
    return _written(world, side)


@kind("signed_note")
def _signed_note(world, side):
    from alliance.notes.services import sign_note

    note = _written(world, side)
    return sign_note(note, by=note.author)


@kind("process_note")
def _process_note(world, side):
    from alliance.notes.models import ProcessNote
    from alliance.notes.services import save_process_note

    client = world.client_of(side)
    session = _session(world, side)
    save_process_note(session, by=session.clinician, text=f"CANARY-{client.given_name}")
    return ProcessNote.objects.get(session=session)


case(
    "notes:start",
    **clinical(302, write=True),
    kind="notes_appointment",
    method="POST",
    data={"structure": "soap"},
)
case("notes:process_note", **author_only(), kind="process_note")
case(
    "notes:process_note",
    **author_only(302),
    kind="process_note",
    method="POST",
    data={"text": "Revised.", "version": 2},
)

# The co-sign queue: supervisors only; it lists their own supervisees' notes.
case("notes:cosign_queue", supervisor_page())
