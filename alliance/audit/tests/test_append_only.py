from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from alliance.audit.models import AuditEvent
from alliance.audit.services import record


@pytest.fixture
def event(alice, cleo):
    return record(alice, "client.view", cleo)


def test_it_records_who_what_and_which_client(event, alice, cleo):
    assert event.actor == alice
    assert event.actor_label == "alice@example.org"
    assert event.actor_role == "clinician"
    assert event.practice_id == alice.practice_id
    assert event.object_type == "clients.client"
    assert event.object_uuid == cleo.uuid
    assert event.client_uuid == cleo.uuid


def test_the_model_refuses_changes(event):
    event.action = "tampered"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_raw_updates_and_deletes(event):
    for sql in (
        "UPDATE audit_auditevent SET action = 'tampered'",
        "DELETE FROM audit_auditevent",
    ):
        with (
            pytest.raises(DatabaseError),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).action == "client.view"


def test_a_system_event_has_no_actor(db):
    event = record(None, "keys.rotate", None, detail={"rows": 3})
    assert event.actor is None
    assert event.actor_label == "system"


def test_control_characters_are_replaced_everywhere_in_the_detail(db):
    event = record(
        None,
        "upload.refused",
        None,
        detail={"name\x00": ["a\x00b", {"c": "\x1b[31mred\r\nfake"}], "n": 3},
    )
    stored = AuditEvent.objects.get(pk=event.pk).detail
    assert stored == {
        "name\ufffd": ["a\ufffdb", {"c": "\ufffd[31mred\ufffd\ufffdfake"}],
        "n": 3,
    }
