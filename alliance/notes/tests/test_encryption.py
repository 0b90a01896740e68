from __future__ import annotations

from django.db import connection

from alliance.notes.models import Addendum, ProcessNote, ProgressNote
from alliance.notes.services import add_addendum, save_process_note
from alliance.notes.tests.helpers import signed


def _raw(model, column, pk):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


def test_it_stores_every_free_text_part_encrypted(alice, cleo):
    note = signed(
        cleo,
        section_1="PLAIN-S subjective",
        section_2="PLAIN-O objective",
        section_3="PLAIN-A assessment",
        section_4="PLAIN-P plan",
        risk_level="low",
        risk_notes="PLAIN-R risk",
    )
    for column, plain in [
        ("section_1", "PLAIN-S"),
        ("section_2", "PLAIN-O"),
        ("section_3", "PLAIN-A"),
        ("section_4", "PLAIN-P"),
        ("risk_notes", "PLAIN-R"),
    ]:
        raw = _raw(ProgressNote, column, note.pk)
        assert raw.startswith("v1:")
        assert plain not in raw
    assert ProgressNote.objects.get(pk=note.pk).section_1 == "PLAIN-S subjective"


def test_it_encrypts_process_notes_and_addenda(alice, cleo):
    note = signed(cleo)
    save_process_note(note.session, by=alice, text="PLAIN-PROCESS")
    addendum = add_addendum(note, by=alice, text="PLAIN-ADDENDUM")
    process_note = ProcessNote.objects.get(session=note.session)
    raw = _raw(ProcessNote, "text", process_note.pk)
    assert raw.startswith("v1:")
    assert "PLAIN-PROCESS" not in raw
    raw = _raw(Addendum, "text", addendum.pk)
    assert raw.startswith("v1:")
    assert "PLAIN-ADDENDUM" not in raw
