"""The hash chain: every event links to the one before it, and
``alliance audit-verify`` names the first event that was altered or removed,
even when the change went around the triggers."""

from __future__ import annotations

import importlib
import itertools
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from alliance.audit import chain
from alliance.audit.models import AuditChainHead, AuditEvent
from alliance.audit.services import _stored_rows, last_verification, record


@contextmanager
def triggers_off():
    """What someone with full database access can do: take the triggers away
    for a moment (SQLite: drop and recreate; PostgreSQL: as the superuser)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'audit_auditevent'"
            )
            saved = cursor.fetchall()
            for name, _sql in saved:
                cursor.execute(f"DROP TRIGGER {name}")
            yield cursor
            for _name, sql in saved:
                cursor.execute(sql)
        else:
            cursor.execute("SET session_replication_role = replica")
            yield cursor
            cursor.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def events(alice, cleo):
    return [
        record(alice, "client.view", cleo, detail={"n": n, "name": "Probe"})
        for n in range(4)
    ]


def verify() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


def test_it_links_each_event_to_the_one_before(events):
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.hash
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (rows[-1].seq, rows[-1].hash)


def test_it_verifies_an_intact_log_and_records_the_check(events):
    status, out = verify()
    assert status == 0
    assert "intact" in out
    check = last_verification()
    assert check.outcome == AuditEvent.Outcome.OK
    assert check.detail["events"] >= len(events)


def test_it_names_an_event_whose_detail_was_altered(events):
    target = events[1]
    with triggers_off() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET detail = %s WHERE id = %s",
            ['{"n": 1, "name": "Someone else"}', target.id],
        )
    status, message = verify()
    assert status == 2
    assert f"event id {target.id}" in message
    assert "changed" in message
    check = last_verification()
    assert check.outcome == AuditEvent.Outcome.FAILED
    assert check.detail["broken_id"] == target.id


def test_it_notices_a_removed_middle_event(events):
    with triggers_off() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].id])
    status, message = verify()
    assert status == 2
    assert f"event id {events[2].id}" in message
    assert "missing" in message


def test_it_notices_events_removed_from_the_end(events):
    with triggers_off() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].id])
    status, message = verify()
    assert status == 2
    assert "removed from the end" in message


def test_an_anchor_kept_elsewhere_catches_a_recomputed_chain(events):
    assert verify()[0] == 0
    out = last_verification().detail["head"]
    anchor = out
    # Someone with full access rewrites an event and recomputes every hash.
    target = events[0]
    with triggers_off() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET action = 'client.list' WHERE id = %s",
            [target.id],
        )
        prev = ""
        rows = AuditEvent.objects.order_by("seq").values(
            "id", "prev_hash", "hash", *chain.FIELDS
        )
        for row in rows:
            digest = chain.event_hash(row, prev)
            cursor.execute(
                "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
                [prev, digest, row["id"]],
            )
            prev = digest
        seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True)[0]
        AuditChainHead.objects.filter(pk=1).update(seq=seq, hash=prev)
    assert verify()[0] == 0
    with pytest.raises(CommandError) as raised:
        call_command("audit_verify", anchor=[anchor], stdout=StringIO())
    assert raised.value.returncode == 2
    assert "anchor" in str(raised.value)


def test_a_bad_anchor_is_a_clear_message(db):
    with pytest.raises(CommandError, match="not an anchor"):
        call_command("audit_verify", anchor=["yesterday"])


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="INSERT OR REPLACE is SQLite's"
)
def test_sqlite_refuses_insert_or_replace_over_an_event(events):
    target = events[0]
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT OR REPLACE INTO audit_auditevent (id, at, actor_label, "
            "actor_role, action, object_type, outcome, detail, seq, prev_hash, "
            "hash) VALUES (%s, %s, 'x', '', 'tampered', '', 'ok', '{}', %s, '', '')",
            [target.id, "2026-01-01 00:00:00", target.seq],
        )
    assert AuditEvent.objects.get(pk=target.pk).action == "client.view"


def test_the_database_refuses_truncate(events):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's; SQLite's DELETE trigger covers it")
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() >= len(events)


def test_the_audit_page_shows_the_last_verification(as_user, ada, events):
    page = as_user(ada).get(reverse("audit:log"))
    assert b"not been verified yet" in page.content
    verify()
    page = as_user(ada).get(reverse("audit:log"))
    assert b"Last verified" in page.content
    assert b"intact" in page.content
    with triggers_off() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].id])
    verify()
    page = as_user(ada).get(reverse("audit:log"))
    assert b"broken" in page.content


def test_values_read_back_from_the_database_hash_the_same(rf, alice, cleo):
    for address in ("203.0.113.9", "2001:DB8:0:0::1", "::ffff:192.0.2.1"):
        request = rf.get("/", REMOTE_ADDR=address)
        record(
            alice,
            "client.view",
            cleo,
            request=request,
            detail={"score": 12.5, "items": [1, "two", None], "ok": True, "é": "ü"},
        )
    assert verify()[0] == 0


def test_the_migration_chains_events_written_before_the_chain(events):
    with triggers_off() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET seq = NULL, prev_hash = '', hash = ''"
        )
    AuditChainHead.objects.all().delete()
    unchained = chain.verify(_stored_rows())
    assert "not in the chain" in unchained.problem
    (found,) = Path(__file__).parent.parent.glob(
        "migrations/*_chain_existing_events.py"
    )
    migration = importlib.import_module(f"alliance.audit.migrations.{found.stem}")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for no deferred checks of this test's inserts.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        migration._chain_existing(
            apps, SimpleNamespace(connection=connection, execute=cursor.execute)
        )
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    by_seq = list(AuditEvent.objects.order_by("seq").values_list("id", flat=True))
    assert ids == by_seq
    assert verify()[0] == 0
    # The triggers are back after it ran.
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent")


def test_the_first_event_makes_the_head_row(db):
    # A database whose head row is gone (or was never made) gets one with its
    # first event, and the chain goes on from there.
    AuditChainHead.objects.all().delete()
    first = record(None, "test.first")
    second = record(None, "test.second")
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert AuditChainHead.objects.get(pk=1).hash == second.hash
