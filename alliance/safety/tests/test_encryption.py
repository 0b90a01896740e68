from __future__ import annotations

from django.db import connection

from alliance.safety.models import SECTION_FIELDS, SafetyPlanVersion
from alliance.safety.tests.helpers import write_plan


def _raw(column, pk):
    table = connection.ops.quote_name(SafetyPlanVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


def test_it_stores_every_section_and_the_reason_encrypted(cleo):
    write_plan(cleo)
    texts = {name: f"PLAIN-{name} 07700 900123" for name in SECTION_FIELDS}
    version = write_plan(cleo, reason="PLAIN-reason", **texts)
    for column, plain in [*texts.items(), ("reason", "PLAIN-reason")]:
        raw = _raw(column, version.pk)
        assert raw.startswith("v1:")
        assert plain not in raw
        assert "900123" not in raw
    again = SafetyPlanVersion.objects.get(pk=version.pk)
    assert again.people_to_ask == "PLAIN-people_to_ask 07700 900123"
