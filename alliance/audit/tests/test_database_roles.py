"""The application's own PostgreSQL role cannot rewrite the audit log:
``alliance setup-database`` leaves it SELECT and INSERT on the audit table and
ownership of nothing, so neither TRUNCATE nor disabling the triggers works."""

from __future__ import annotations

import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from alliance.audit.models import AuditEvent
from alliance.audit.services import record

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles are PostgreSQL's"
)


@pytest.fixture
def runtime_role(db):
    """A throwaway role, created inside the test's transaction (rolled back)."""
    name = f"h5_runtime_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} NOLOGIN")
    call_command("setup_database", runtime_role=name, stdout=StringIO())
    return name


def as_role(role: str, sql: str) -> str | None:
    """Run one statement as ``role``; the error text, or None if it worked."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {role}")
            cursor.execute(sql)
    except DatabaseError as exc:
        return str(exc)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    return None


@postgres_only
def test_the_runtime_role_cannot_truncate_or_disable_the_triggers(
    runtime_role, alice, cleo
):
    kept = record(alice, "client.view", cleo)
    for attack in (
        "TRUNCATE audit_auditevent",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER USER",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change",
        "UPDATE audit_auditevent SET action = 'tampered'",
        "DELETE FROM audit_auditevent",
        "DROP TRIGGER audit_event_no_truncate ON audit_auditevent",
    ):
        assert as_role(runtime_role, attack) is not None, attack
    assert AuditEvent.objects.get(pk=kept.pk).action == "client.view"


@postgres_only
def test_the_runtime_role_can_still_do_the_apps_work(runtime_role, alice, cleo):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {runtime_role}")
        event = record(alice, "client.view", cleo)
        assert AuditEvent.objects.filter(pk=event.pk).exists()
        cursor.execute("UPDATE clients_client SET given_name = given_name")
        cursor.execute("RESET ROLE")


@postgres_only
def test_tables_from_later_migrations_get_the_grants(runtime_role):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE h5_later_table (x integer)")
    assert as_role(runtime_role, "INSERT INTO h5_later_table VALUES (1)") is None
    assert as_role(runtime_role, "TRUNCATE h5_later_table") is not None


@postgres_only
def test_it_refuses_roles_that_could_undo_it(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (me,) = cursor.fetchone()
    with pytest.raises(CommandError, match="Connect as the migration role"):
        call_command("setup_database", runtime_role=me)
    with pytest.raises(CommandError, match="no role"):
        call_command("setup_database", runtime_role="h5_nobody_here")
    with pytest.raises(CommandError, match="plain role name"):
        call_command("setup_database", runtime_role='x"; drop table y; --')
    owner_like = f"h5_member_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {owner_like} NOLOGIN IN ROLE {me}")
    with pytest.raises(CommandError, match="member of"):
        call_command("setup_database", runtime_role=owner_like)


def test_on_sqlite_it_explains_there_is_nothing_to_do(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's message")
    out = StringIO()
    call_command("setup_database", runtime_role="alliance_app", stdout=out)
    assert "file permissions" in out.getvalue()
