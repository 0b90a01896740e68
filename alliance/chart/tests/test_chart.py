from __future__ import annotations

from alliance.alerts.services import raise_alert
from alliance.audit.models import AuditEvent


def test_the_chart_shows_details_and_timeline(as_user, alice, cleo):
    response = as_user(alice).get(cleo.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Cleo Example" in content
    assert "she/her" in content
    assert "CANARY-Cleo" in content  # the decrypted referral reason
    assert "Referral received" in content


def test_reading_the_chart_is_audited_with_the_address(as_user, alice, cleo):
    as_user(alice).get(cleo.get_absolute_url(), REMOTE_ADDR="192.0.2.10")
    event = AuditEvent.objects.filter(action="client.view").get()
    assert event.actor == alice
    assert event.client_uuid == cleo.uuid
    assert event.ip == "192.0.2.10"


def test_the_supervisor_reads_but_cannot_edit(as_user, sam, cleo):
    response = as_user(sam).get(cleo.get_absolute_url())
    assert response.status_code == 200
    assert b"Edit details" not in response.content
    assert b"Change phase" not in response.content


def test_the_chart_shows_open_alerts(as_user, alice, cleo):
    raise_alert(cleo, source="Session risk check", summary="Passive thoughts of death")
    response = as_user(alice).get(cleo.get_absolute_url())
    assert b"Open risk alert" in response.content


def test_the_chart_queries_do_not_grow_with_history(
    as_user, alice, cleo, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alliance.clients.services import transition_episode
    from alliance.notes.tests.helpers import signed

    http = as_user(alice)

    def count() -> int:
        http.get(cleo.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            http.get(cleo.get_absolute_url())
        return len(queries.captured_queries)

    transition_episode(cleo.current_episode(), "assessment", by=alice, reason="r")
    signed(cleo, hours_ago=3)
    small = count()
    for i in range(12):
        signed(cleo, hours_ago=30 + 24 * i)
    assert count() == small


def test_the_chart_reads_each_card_s_rows_once(as_user, alice, cleo):
    # Session, user, practice and device, the client and the access check,
    # the audit record, then each card: the episode, the intake, the
    # consents and the open-episode check are each read once.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http = as_user(alice)
    http.get(cleo.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        http.get(cleo.get_absolute_url())
    sql = [q["sql"] for q in queries.captured_queries]

    def reads(table: str) -> int:
        return sum(s.startswith("SELECT") and f'FROM "{table}"' in s for s in sql)

    assert reads("clients_consent") == 1
    assert reads("accounts_practice") == 1
    assert reads("intake_intake") == 1
    # The latest request, and the answered one behind the sending refusal.
    assert reads("intake_preintakerequest") <= 2
    # The timeline's episodes and the measures card's (with its employment
    # statuses); no third read for the intake or the open-episode check.
    assert reads("clients_episode") == 2
    # A fixed number per card, whatever the caseload: 45 before the journal,
    # guides and record-export cards (one to two queries each) joined the chart.
    assert len(sql) <= 50
