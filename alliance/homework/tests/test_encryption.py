from __future__ import annotations

from django.db import connection

from alliance.homework.models import HomeworkAssignment, HomeworkEntry
from alliance.homework.services import comment_on_entry, submit_entry
from alliance.homework.tests.helpers import one_off


def _raw(model, column, pk):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


def test_it_stores_instructions_answers_and_comments_encrypted(alice, cleo):
    assignment = one_off(cleo, template="custom", instructions="PLAIN-I write it")
    entry = submit_entry(
        assignment, assignment.due_date, {"response": "PLAIN-A my answer"}, by=cleo.user
    )
    comment_on_entry(entry, by=alice, comment="PLAIN-C thank you")
    for model, column, pk, plain in [
        (HomeworkAssignment, "instructions", assignment.pk, "PLAIN-I"),
        (HomeworkEntry, "answers_json", entry.pk, "PLAIN-A"),
        (HomeworkEntry, "comment", entry.pk, "PLAIN-C"),
    ]:
        raw = _raw(model, column, pk)
        assert raw.startswith("v1:")
        assert plain not in raw
    stored = HomeworkEntry.objects.get(pk=entry.pk)
    assert stored.answers == {"response": "PLAIN-A my answer"}
    assert stored.comment == "PLAIN-C thank you"
