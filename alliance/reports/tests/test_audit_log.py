"""The audit log page (``audit:log``) and its CSV (``audit:log_csv``):
filters, client names where the admin may know them, paging, the export's
own audit record, and the hash chain still whole after all of it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from alliance import permissions
from alliance.audit.models import AuditEvent
from alliance.audit.services import record, verify_chain
from conftest import make_client


def _table(response) -> str:
    """The log's table body: the filter form lists every person by email."""
    content = response.content.decode()
    return content.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def test_admin_sees_the_practice_log(as_user, ada, alice, cleo, zed):
    record(alice, "client.view", cleo)
    record(zed, "user.deactivate", None)
    response = as_user(ada).get(reverse("audit:log"))
    assert response.status_code == 200
    assert "alice@example.org" in _table(response)
    assert b"zed@example.org" not in response.content


def test_admin_filters_by_person_action_and_client(as_user, ada, alice, bob, cleo, dan):
    record(alice, "client.view", cleo)
    record(bob, "client.view", dan)
    record(alice, "episode.transition", cleo.current_episode())
    http = as_user(ada)
    by_person = _table(http.get(reverse("audit:log"), {"actor": str(bob.uuid)}))
    assert "bob@example.org" in by_person
    assert "alice@example.org" not in by_person
    by_action = _table(http.get(reverse("audit:log"), {"action": "episode."}))
    assert by_action.count("<code>episode.transition</code>") == 1
    assert "<code>client.view</code>" not in by_action
    by_client = _table(http.get(reverse("audit:log"), {"client": str(dan.uuid)}))
    assert "bob@example.org" in by_client
    assert "alice@example.org" not in by_client
    # A client found by part of their name.
    by_name = _table(http.get(reverse("audit:log"), {"client": "cleo"}))
    assert "alice@example.org" in by_name
    assert "bob@example.org" not in by_name
    denied = _table(http.get(reverse("audit:log"), {"outcome": "denied"}))
    assert "No events match." in denied


def test_the_period_includes_both_days(as_user, ada, alice, cleo):
    today = ada.practice.today()
    record(alice, "client.view", cleo)
    http = as_user(ada)
    same_day = {"since": today.isoformat(), "until": today.isoformat()}
    assert "alice@example.org" in _table(http.get(reverse("audit:log"), same_day))
    before = {"until": (today - timedelta(days=1)).isoformat()}
    assert "No events match." in _table(http.get(reverse("audit:log"), before))
    after = {"since": (today + timedelta(days=1)).isoformat()}
    assert "No events match." in _table(http.get(reverse("audit:log"), after))


def test_bad_filters_give_a_clear_message_not_an_error(as_user, ada):
    response = as_user(ada).get(
        reverse("audit:log"),
        {"actor": "nope", "client": "'; drop", "since": "2026-02-30", "page": "x"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Choose a person from the list." in content
    assert "Enter a valid date." in content
    assert "could not be filtered" in content
    backwards = as_user(ada).get(
        reverse("audit:log"), {"since": "2026-03-02", "until": "2026-03-01"}
    )
    assert "The end of the period is before its start." in backwards.content.decode()
    csv_response = as_user(ada).get(reverse("audit:log_csv"), {"since": "nope"})
    assert csv_response.status_code == 302
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_names_show_to_the_admin_and_ids_otherwise(as_user, ada, alice, cleo, zed):
    # An event of this practice about a client of another practice (here
    # Zed's): the admin may not know that client's name, so sees the UUID.
    stranger = make_client(_clinician_of(zed), given_name="Stranger")
    record(alice, "client.view", cleo)
    record(alice, "client.view", None, client_uuid=stranger.uuid)
    response = as_user(ada).get(reverse("audit:log"))
    table = _table(response)
    assert "Cleo Example" in table
    assert str(cleo.uuid) in table
    assert "Stranger" not in table
    assert str(stranger.uuid) in table
    # Names are decided in one place: a clinician knows only their caseload's.
    assert permissions.client_names(alice, [cleo.uuid, stranger.uuid]) == {
        cleo.uuid: "Cleo Example"
    }


def _clinician_of(admin):
    from alliance.accounts.models import User

    return User.objects.create_user(
        "zoe@example.org",
        "pw-not-used-here-1",
        full_name="Zoe Clinician",
        role="clinician",
        practice=admin.practice,
    )


def test_the_log_pages_keep_the_filter(as_user, ada, alice, cleo):
    for _ in range(51):
        record(alice, "client.view", cleo)
    http = as_user(ada)
    first = http.get(reverse("audit:log"), {"action": "client.view"})
    assert _table(first).count("<tr>") == 50
    assert "?action=client.view&amp;page=2" in first.content.decode()
    second = http.get(reverse("audit:log"), {"action": "client.view", "page": "2"})
    assert _table(second).count("<tr>") == 1


def test_the_page_is_read_in_a_bounded_number_of_queries(
    as_user, ada, alice, bob, cleo, dan, django_assert_max_num_queries
):
    for _ in range(30):
        record(alice, "client.view", cleo)
        record(bob, "client.view", dan)
    http = as_user(ada)
    with django_assert_max_num_queries(20):
        http.get(reverse("audit:log"))


def test_the_csv_matches_the_filter_and_names_clients(
    as_user, ada, alice, bob, cleo, dan
):
    record(alice, "client.view", cleo)
    record(bob, "client.view", dan, detail={"note": "=HYPERLINK(1)"})
    response = as_user(ada).get(
        reverse("audit:log_csv"), {"actor": str(bob.uuid), "action": "client.view"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "alliance-audit-log" in response["Content-Disposition"]
    header, *rows = _csv(response)
    assert header[:4] == ["When (UTC)", "Who", "Role", "Action"]
    assert len(rows) == 1
    (row,) = rows
    assert row[1] == "bob@example.org"
    assert row[3] == "client.view"
    assert row[6] == "Dan Example"
    assert row[7] == str(dan.uuid)
    assert row[9] == "Allowed"
    # Detail is JSON, never a formula for a spreadsheet.
    assert row[10].startswith("{")


def test_exporting_the_log_is_audited_and_keeps_the_chain(as_user, ada, alice, cleo):
    record(alice, "client.view", cleo)
    since = timezone.now()
    response = as_user(ada).get(reverse("audit:log_csv"), {"action": "client.view"})
    _, *rows = _csv(response)
    assert len(rows) == 1
    export = AuditEvent.objects.get(action="audit.export", at__gte=since)
    assert export.actor == ada
    assert export.detail["action"] == "client.view"
    assert export.detail["events"] == 1
    # The export record is not in the file it describes.
    assert all(row[3] != "audit.export" for row in rows)
    assert verify_chain().ok


def test_reading_the_log_is_audited(as_user, ada):
    as_user(ada).get(reverse("audit:log"), {"action": "note."})
    seen = AuditEvent.objects.get(action="audit.view")
    assert seen.actor == ada
    assert seen.detail["action"] == "note."


def test_the_log_has_no_edit_or_delete_controls(as_user, ada, alice, cleo):
    record(alice, "client.view", cleo)
    content = as_user(ada).get(reverse("audit:log")).content.decode()
    assert 'method="post"' not in content.split("<main", 1)[1]
    assert "style=" not in content
