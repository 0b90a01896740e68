from __future__ import annotations

from django.urls import reverse

from alliance.alerts.services import raise_alert
from alliance.audit.models import AuditEvent


def _section(client, name):
    return reverse("chart:section", args=[client.uuid, name])


def test_the_chart_shows_details_and_timeline(as_user, alice, cleo):
    http = as_user(alice)
    response = http.get(cleo.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Cleo Example" in content
    assert "she/her" in content
    # The details live in the documents section, the phases on the timeline.
    content = http.get(_section(cleo, "documents")).content.decode()
    assert "she/her" in content
    assert "CANARY-Cleo" in content  # the decrypted referral reason
    assert "Referral received" in http.get(_section(cleo, "timeline")).text


def test_reading_the_chart_is_audited_with_the_address(as_user, alice, cleo):
    as_user(alice).get(cleo.get_absolute_url(), REMOTE_ADDR="192.0.2.10")
    event = AuditEvent.objects.filter(action="client.view").get()
    assert event.actor == alice
    assert event.client_uuid == cleo.uuid
    assert event.ip == "192.0.2.10"


def test_each_section_is_audited_like_the_chart(as_user, alice, cleo):
    as_user(alice).get(_section(cleo, "notes"))
    assert AuditEvent.objects.filter(action="client.view", actor=alice).count() == 1


def test_the_supervisor_reads_but_cannot_edit(as_user, sam, cleo):
    http = as_user(sam)
    for url in (
        cleo.get_absolute_url(),
        _section(cleo, "documents"),
        reverse("chart:episode", args=[cleo.uuid]),
    ):
        response = http.get(url)
        assert response.status_code == 200
        assert b"Edit details" not in response.content
        assert b"Change phase" not in response.content


def test_the_chart_shows_open_alerts(as_user, alice, cleo):
    raise_alert(cleo, source="Session risk check", summary="Passive thoughts of death")
    http = as_user(alice)
    # Above every page of the chart, not only the summary.
    for url in (cleo.get_absolute_url(), _section(cleo, "measures")):
        assert b"Open risk alert" in http.get(url).content


def test_the_chart_queries_do_not_grow_with_history(as_user, alice, cleo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alliance.clients.services import transition_episode
    from alliance.notes.tests.helpers import signed

    http = as_user(alice)

    def count(url: str) -> int:
        http.get(url)
        with CaptureQueriesContext(connection) as queries:
            http.get(url)
        return len(queries.captured_queries)

    urls = [cleo.get_absolute_url(), reverse("chart:episode", args=[cleo.uuid])]
    urls += [_section(cleo, slug) for slug in ("notes", "timeline", "documents")]
    transition_episode(cleo.current_episode(), "assessment", by=alice, reason="r")
    signed(cleo, hours_ago=3)
    small = [count(url) for url in urls]
    for i in range(12):
        signed(cleo, hours_ago=30 + 24 * i)
    assert [count(url) for url in urls] == small


def test_the_chart_reads_each_card_s_rows_once(as_user, alice, cleo):
    # Session, user, practice and device, the client and the access check,
    # the audit record, then each card of the section: the intake, the
    # consents and the episodes are each read once.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http = as_user(alice)

    def sql_of(url: str) -> list[str]:
        http.get(url)
        with CaptureQueriesContext(connection) as queries:
            http.get(url)
        return [q["sql"] for q in queries.captured_queries]

    def reads(sql: list[str], table: str) -> int:
        return sum(s.startswith("SELECT") and f'FROM "{table}"' in s for s in sql)

    documents = sql_of(_section(cleo, "documents"))
    timeline = sql_of(_section(cleo, "timeline"))
    summary = sql_of(cleo.get_absolute_url())
    assert reads(timeline, "clients_consent") == 1
    for sql in (documents, timeline, summary):
        assert reads(sql, "accounts_practice") == 1
    assert reads(documents, "intake_intake") == 1
    # The latest request, and the answered one behind the sending refusal.
    assert reads(documents, "intake_preintakerequest") <= 2
    # The header's open episode, and the timeline's episodes.
    assert reads(timeline, "clients_episode") == 2
    # Far below the 50 queries of the chart that showed every card at once.
    assert len(summary) <= 30
    assert len(documents) <= 25
    assert len(timeline) <= 20
