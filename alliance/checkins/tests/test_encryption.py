from __future__ import annotations

from django.db import connection

from alliance.checkins.models import CheckIn


def test_the_note_is_encrypted_at_rest(check_in):
    checkin = check_in(note="CANARY-note I felt low after the call")
    table = connection.ops.quote_name(CheckIn._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT note FROM {table} WHERE id = %s", [checkin.pk])  # noqa: S608
        raw = cursor.fetchone()[0]
    assert raw.startswith("v1:")
    assert "CANARY" not in raw
    assert CheckIn.objects.get(pk=checkin.pk).note == (
        "CANARY-note I felt low after the call"
    )


def test_the_alert_summary_does_not_copy_the_note(check_in):
    from alliance.alerts.models import RiskAlert

    check_in(note="CANARY-note", safety_concern=True)
    assert "CANARY" not in RiskAlert.objects.get().summary
