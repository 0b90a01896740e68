"""The read replica: with ``DATABASE_REPLICA_URL`` set, the practice outcomes
report reads from the replica, and every write goes to the primary.

The replica here is a real second database: a copy of the test database taken
mid-test (a dump of SQLite's, or PostgreSQL's CREATE DATABASE ... TEMPLATE),
which then lags behind the primary as a standby would."""

from __future__ import annotations

import sqlite3

import dj_database_url
import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.urls import reverse

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.core.replica import REPLICA, reading_from_replica, replica_alias
from alliance.measures.outcomes import practice_outcomes
from alliance.measures.tests.outcomes.helpers import scored_episode

# PostgreSQL copies only committed rows, so there the test commits (and empties
# the audit log after); SQLite's dump copies the test's open transaction.
ON_POSTGRESQL = "postgresql" in django_settings.DATABASES["default"]["ENGINE"]
pytestmark = pytest.mark.django_db(transaction=ON_POSTGRESQL)


def _copy_of_the_primary(tmp_path) -> dict:
    primary = connections["default"]
    if primary.vendor == "sqlite":
        primary.ensure_connection()
        # A dump rather than the backup API, which waits for the test's
        # open transaction to end.
        target = sqlite3.connect(tmp_path / "replica.sqlite3")
        target.executescript("\n".join(primary.connection.iterdump()))
        target.close()
        return dj_database_url.parse(f"sqlite:///{tmp_path / 'replica.sqlite3'}")
    settings = primary.settings_dict
    name = f"{settings['NAME']}_replica"
    connections.close_all()  # a template database must have no other session
    admin = psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{settings["NAME"]}"')
    return {**settings, "NAME": name, "TEST": {}}


def _drop(config: dict) -> None:
    if "postgresql" not in config["ENGINE"]:
        return
    admin = psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')


@pytest.fixture(autouse=True)
def _committed_audit_log_emptied(request):
    if ON_POSTGRESQL:
        request.getfixturevalue("audit_log_emptied_after")


@pytest.fixture
def copy_to_replica(tmp_path):
    """``copy_to_replica()`` adds the ``replica`` database: a copy of the
    primary as it is at that moment."""
    made = []

    def copy() -> str:
        config = _copy_of_the_primary(tmp_path)
        made.append(config)
        configured = connections.configure_settings(
            {"default": connections.settings["default"], REPLICA: config}
        )
        connections.settings[REPLICA] = configured[REPLICA]
        # Connected here: the test case only lets known databases connect.
        connections[REPLICA].connect()
        return REPLICA

    yield copy
    if made:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]
        _drop(made[0])


def _recovered(clinician, name):
    return scored_episode(clinician, name, phq9=(18, 4), gad7=(14, 3), sessions=2)


def test_without_a_replica_heavy_reads_stay_on_the_primary(practice, alice):
    _recovered(alice, "Rowena")
    assert replica_alias() == "default"
    with reading_from_replica() as alias:
        assert alias == "default"
        assert User.objects.filter(pk=alice.pk).db == "default"
    assert practice_outcomes(practice).overall.recovered == 1


def test_outcomes_figures_come_from_the_replica(practice, alice, copy_to_replica):
    _recovered(alice, "Rowena")
    copy_to_replica()
    # Tobias reaches the primary after the copy, as if replication lagged.
    _recovered(alice, "Tobias")
    result = practice_outcomes(practice)
    assert result.overall.recovered == 1
    assert [(row.label, row.paired) for row in result.rows] == [("Alice Clinician", 1)]
    # Outside the report, reads use the primary.
    assert User.objects.filter(pk=alice.pk).db == "default"


def test_the_outcomes_page_and_csv_read_the_replica_and_audit_on_the_primary(
    practice, alice, copy_to_replica, as_user
):
    _recovered(alice, "Rowena")
    copy_to_replica()
    _recovered(alice, "Tobias")
    primary_events = AuditEvent.objects.count()
    replica_events = AuditEvent.objects.using(REPLICA).count()
    client = as_user(alice)
    page = client.get(reverse("measures:outcomes"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Alice Clinician</th>" in html
    csv = client.get(reverse("measures:outcomes_csv")).getvalue().decode()
    # One episode with paired scores on the replica; two on the primary.
    overall = next(
        line for line in csv.splitlines() if line.startswith("Whole practice")
    )
    assert overall.split(",")[3] == "1"
    assert AuditEvent.objects.filter(action="outcomes.view").count() == 1
    assert AuditEvent.objects.filter(action="outcomes.export").count() == 1
    assert AuditEvent.objects.count() > primary_events
    assert AuditEvent.objects.using(REPLICA).count() == replica_events


def test_writes_inside_a_replica_block_go_to_the_primary(alice, copy_to_replica):
    copy_to_replica()
    with reading_from_replica() as alias:
        assert alias == REPLICA
        person = User.objects.get(pk=alice.pk)
        assert person._state.db == REPLICA
        person.full_name = "Alice Renamed"
        person.save(update_fields=["full_name"])
    assert User.objects.get(pk=alice.pk).full_name == "Alice Renamed"
    assert User.objects.using(REPLICA).get(pk=alice.pk).full_name == "Alice Clinician"
