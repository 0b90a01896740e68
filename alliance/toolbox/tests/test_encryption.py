from __future__ import annotations

from django.db import connection

from alliance.toolbox.models import CopingSkill, SkillPractice
from alliance.toolbox.services import (
    add_own_skill,
    client_today,
    log_practice,
    update_skill_notes,
)


def _raw(model, column, pk):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


def test_it_stores_the_client_s_words_encrypted(cleo, skill):
    update_skill_notes(skill, notes="CANARY-N count my breaths", by=cleo.user)
    own = add_own_skill(cleo, title="Walk", notes="CANARY-O by the river", by=cleo.user)
    practice = log_practice(
        skill,
        practised_on=client_today(cleo),
        helpfulness=4,
        note="CANARY-P on the bus",
        by=cleo.user,
    )
    for model, column, pk, plain in [
        (CopingSkill, "client_notes", skill.pk, "CANARY-N"),
        (CopingSkill, "client_notes", own.pk, "CANARY-O"),
        (SkillPractice, "note", practice.pk, "CANARY-P"),
    ]:
        raw = _raw(model, column, pk)
        assert raw.startswith("v1:")
        assert plain not in raw
    assert CopingSkill.objects.get(pk=skill.pk).client_notes == (
        "CANARY-N count my breaths"
    )
    assert SkillPractice.objects.get(pk=practice.pk).note == "CANARY-P on the bus"
