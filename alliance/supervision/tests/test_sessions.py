"""Supervision records: recording, reading, changing on the day written until
final, ticking actions done, who may see them, auditing and bounded queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.supervision.models import AgreedAction, SupervisionSession
from alliance.supervision.selectors import sessions_of, summary_for_supervisee
from alliance.supervision.services import (
    edit_session,
    finalise_session,
    set_action_done,
)
from alliance.supervision.tests.helpers import (
    data,
    other_supervisor,
    recorded,
    supervise,
)
from conftest import log_in, make_client

LIST = reverse("supervision:list")
NEW = reverse("supervision:new")


def _form(supervisor, *, clients=(), actions="", notes="Went over the week.", **extra):
    return {
        "held_on": supervisor.practice.today().isoformat(),
        "clients": [str(c.uuid) for c in clients],
        "actions": actions,
        "notes": notes,
        **extra,
    }


def _as(user):
    return log_in(HttpClient(), user)


# Recording ----------------------------------------------------------------


def test_it_records_a_session_with_clients_actions_and_notes(sam, alice, cleo):
    http = _as(sam)
    page = http.get(NEW)  # Sam supervises only Alice: straight to the form
    assert page.status_code == 200
    assert cleo.display_name.encode() in page.content
    response = http.post(
        NEW,
        _form(
            sam,
            clients=[cleo],
            actions="Review the safety plan with Cleo\n\n  Book a joint review ",
            supervisee=str(alice.uuid),
        ),
    )
    session = SupervisionSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == session.get_absolute_url()
    assert (session.supervisor, session.supervisee) == (sam, alice)
    assert session.notes == "Went over the week."
    assert [a.text for a in session.actions.all()] == [
        "Review the safety plan with Cleo",
        "Book a joint review",
    ]
    assert [d.client for d in session.discussed.all()] == [cleo]
    event = AuditEvent.objects.get(action="supervisionsession.create")
    assert event.client_uuid == cleo.uuid
    assert event.actor == sam


def test_it_asks_whom_when_supervising_several(sam, alice, bob):
    supervise(sam, bob)
    http = _as(sam)
    page = http.get(NEW)
    assert b"Whom did you supervise?" in page.content
    chosen = http.get(NEW, {"supervisee": str(bob.uuid)})
    assert b"Bob Clinician" in chosen.content
    assert chosen.context["supervisee"] == bob


def test_it_offers_only_the_supervisees_clients(sam, alice, bob, cleo, dan):
    supervise(sam, bob)
    http = _as(sam)
    page = http.get(NEW, {"supervisee": str(alice.uuid)})
    assert cleo.display_name.encode() in page.content
    assert dan.display_name.encode() not in page.content
    # Naming Bob's client in a record with Alice is refused; nothing stored.
    response = http.post(NEW, _form(sam, clients=[dan], supervisee=str(alice.uuid)))
    assert response.status_code == 200
    assert response.context["form"].errors["clients"]
    assert not SupervisionSession.objects.exists()


def test_the_service_refuses_others_clients_and_non_supervisees(sam, alice, bob, dan):
    with pytest.raises(ValidationError, match="not a client of"):
        recorded(sam, alice, clients=[dan])
    with pytest.raises(ValidationError, match="do not supervise"):
        recorded(sam, bob)
    assert not SupervisionSession.objects.exists()


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        (lambda today: today + timedelta(days=1), b"cannot be in the future"),
        (lambda today: today - timedelta(days=400), b"within the last year"),
        (lambda today: "not a date", b"Enter a valid date"),
    ],
)
def test_it_refuses_bad_dates(sam, alice, held_on, message):
    value = held_on(sam.practice.today())
    response = _as(sam).post(
        NEW,
        {**_form(sam, supervisee=str(alice.uuid)), "held_on": str(value)},
    )
    assert response.status_code == 200
    assert message in response.content
    assert not SupervisionSession.objects.exists()


def test_it_refuses_an_empty_record(sam, alice):
    response = _as(sam).post(NEW, _form(sam, notes="  ", supervisee=str(alice.uuid)))
    assert b"Name a client discussed" in response.content
    assert not SupervisionSession.objects.exists()


def test_it_refuses_a_supervisee_not_supervised(sam, bob):
    response = _as(sam).post(NEW, _form(sam, supervisee=str(bob.uuid)), follow=True)
    assert response.status_code == 200
    assert b"not one of your supervisees" in response.content
    assert not SupervisionSession.objects.exists()


# Reading ------------------------------------------------------------------


def test_both_parties_read_it_and_each_read_is_audited_per_client(sam, alice, cleo):
    second = make_client(alice, given_name="Noor")
    session = recorded(sam, alice, clients=[cleo, second], actions=["Ring the GP"])
    url = session.get_absolute_url()
    for user in (sam, alice):
        page = _as(user).get(url)
        assert page.status_code == 200
        assert b"Ring the GP" in page.content
        assert b"Talked it through." in page.content
        assert cleo.display_name.encode() in page.content
        reads = AuditEvent.objects.filter(action="supervisionsession.view", actor=user)
        assert {e.client_uuid for e in reads} == {cleo.uuid, second.uuid}


def test_others_get_404_and_the_refusal_is_audited(sam, alice, bob, practice):
    session = recorded(sam, alice)
    sue = other_supervisor(practice, supervisee=bob)
    for user in (bob, sue):
        assert _as(user).get(session.get_absolute_url()).status_code == 404
        assert AuditEvent.objects.filter(
            actor=user, action="supervisionsession.view", outcome="denied"
        ).exists()


def test_admins_and_clients_get_403(sam, alice, ada, cleo):
    session = recorded(sam, alice)
    assert _as(ada).get(session.get_absolute_url()).status_code == 403
    assert _as(cleo.user).get(session.get_absolute_url()).status_code == 403
    assert _as(ada).get(LIST).status_code == 403


def test_the_list_shows_each_their_own(sam, alice, bob, practice, cleo):
    mine = recorded(sam, alice, clients=[cleo], actions=["One", "Two"])
    sue = other_supervisor(practice, supervisee=bob)
    theirs = recorded(sue, bob)
    for user, expected in ((sam, [mine]), (alice, [mine]), (bob, [theirs])):
        response = _as(user).get(LIST)
        assert list(response.context["page"]) == expected
    row = _as(sam).get(LIST).context["page"][0]
    assert (row.n_clients, row.n_open) == (1, 2)
    # Counts only: the list names no client.
    assert cleo.display_name.encode() not in _as(sam).get(LIST).content
    assert AuditEvent.objects.filter(action="supervisionsession.list").exists()


def test_a_supervisor_filters_the_list_by_supervisee(sam, alice, bob):
    supervise(sam, bob)
    alices = recorded(sam, alice)
    bobs = recorded(sam, bob)
    http = _as(sam)
    assert list(http.get(LIST).context["page"]) == [bobs, alices]
    response = http.get(LIST, {"supervisee": str(alice.uuid)})
    assert list(response.context["page"]) == [alices]
    refused = http.get(LIST, {"supervisee": "nobody"}, follow=True)
    assert b"not one of your supervisees" in refused.content
    assert len(refused.context["page"]) == 2


def test_pages_cost_the_same_whatever_the_numbers(sam, alice, bob, cleo):
    session = recorded(sam, alice, clients=[cleo], actions=["a"])
    http = _as(sam)
    http.get(LIST)
    with CaptureQueriesContext(connection) as small_list:
        http.get(LIST)
    with CaptureQueriesContext(connection) as small_new:
        http.get(NEW)
    supervise(sam, bob)
    extra = [make_client(alice, given_name=f"Extra{i}") for i in range(4)]
    for _ in range(4):
        recorded(sam, alice, clients=extra[:3], actions=["x", "y", "z"])
        recorded(sam, bob)
    with CaptureQueriesContext(connection) as large_list:
        response = http.get(LIST)
    assert len(response.context["page"]) == 9
    assert len(large_list.captured_queries) == len(small_list.captured_queries)
    with CaptureQueriesContext(connection) as large_new:
        http.get(NEW, {"supervisee": str(alice.uuid)})
    assert len(large_new.captured_queries) <= len(small_new.captured_queries) + 1
    with CaptureQueriesContext(connection) as page:
        http.get(session.get_absolute_url())
    assert len(page.captured_queries) <= 20


# Changing -----------------------------------------------------------------


def test_the_supervisor_changes_it_on_the_day_keeping_done_ticks(sam, alice, cleo):
    session = recorded(sam, alice, actions=["Keep", "Drop"])
    keep = session.actions.get(text__isnull=False, position=1)
    set_action_done(keep, True, by=alice)
    http = _as(sam)
    assert http.get(reverse("supervision:edit", args=[session.uuid])).status_code == 200
    response = http.post(
        reverse("supervision:edit", args=[session.uuid]),
        _form(sam, clients=[cleo], actions="Keep\nNew one", notes="Changed"),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.notes == "Changed"
    actions = list(session.actions.all())
    assert [(a.text, a.is_done) for a in actions] == [
        ("Keep", True),
        ("New one", False),
    ]
    assert [d.client for d in session.discussed.all()] == [cleo]
    assert AuditEvent.objects.filter(
        action="supervisionsession.edit", client_uuid=cleo.uuid
    ).exists()


def test_the_supervisee_may_not_change_it(sam, alice):
    session = recorded(sam, alice)
    http = _as(alice)
    url = reverse("supervision:edit", args=[session.uuid])
    assert http.get(url).status_code == 403
    assert http.post(url, _form(sam, notes="Mine now")).status_code == 403
    final = reverse("supervision:finalise", args=[session.uuid])
    assert http.post(final).status_code == 403
    session.refresh_from_db()
    assert (session.notes, session.is_final) == ("Talked it through.", False)
    with pytest.raises(ValidationError):
        edit_session(session, data(sam, notes="x"), by=alice)


def test_a_final_record_no_longer_changes(sam, alice):
    session = recorded(sam, alice)
    http = _as(sam)
    http.post(reverse("supervision:finalise", args=[session.uuid]))
    session.refresh_from_db()
    assert session.is_final
    response = http.post(
        reverse("supervision:edit", args=[session.uuid]),
        _form(sam, notes="Too late"),
        follow=True,
    )
    assert b"can no longer be changed" in response.content
    session.refresh_from_db()
    assert session.notes == "Talked it through."
    with pytest.raises(ValidationError, match="already final"):
        finalise_session(session, by=sam)
    with pytest.raises(ValidationError, match="final"):
        edit_session(session, data(sam, notes="x"), by=sam)


def test_a_record_from_an_earlier_day_reads_as_written(sam, alice):
    session = recorded(sam, alice)
    SupervisionSession.objects.filter(pk=session.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    session.refresh_from_db()
    assert session.is_locked()
    page = _as(sam).get(session.get_absolute_url())
    assert b"Change the record" not in page.content
    with pytest.raises(ValidationError, match="only on the day"):
        edit_session(session, data(sam, notes="x"), by=sam)


# Agreed actions ------------------------------------------------------------


def test_both_parties_tick_actions_even_when_final(sam, alice, bob):
    session = recorded(sam, alice, actions=["Read the guideline"])
    finalise_session(session, by=sam)
    action = session.actions.get()
    url = reverse("supervision:action_done", args=[action.uuid])
    assert _as(alice).post(url, {"done": "1"}).status_code == 302
    action.refresh_from_db()
    assert (action.is_done, action.done_by) == (True, alice)
    _as(sam).post(url, {"done": "0"})
    action.refresh_from_db()
    assert not action.is_done
    assert _as(bob).post(url, {"done": "1"}).status_code == 404
    response = _as(alice).post(url, {"done": "maybe"}, follow=True)
    assert b"Choose whether the action is done" in response.content
    action.refresh_from_db()
    assert not action.is_done
    assert AuditEvent.objects.filter(action="agreedaction.done", actor=alice).exists()


# Home pages ----------------------------------------------------------------


def test_the_supervisees_home_links_to_their_records(sam, alice):
    recorded(sam, alice, actions=["One", "Two"])
    summary = summary_for_supervisee(alice)
    assert summary is not None
    assert (summary.count, summary.open_actions) == (1, 2)
    page = _as(alice).get(reverse("home:index"))
    assert LIST.encode() in page.content
    assert b"<strong>2</strong> agreed actions still open" in page.content


def test_someone_never_supervised_sees_no_card(bob):
    assert summary_for_supervisee(bob) is None


def test_the_overview_links_each_supervisees_records(sam, alice):
    page = _as(sam).get(reverse("home:supervisees"))
    assert f"{LIST}?supervisee={alice.uuid}".encode() in page.content
    assert f"{NEW}?supervisee={alice.uuid}".encode() in page.content


def test_sessions_of_is_empty_for_a_stranger(bob, sam, alice):
    recorded(sam, alice)
    assert list(sessions_of(bob)) == []
    assert AgreedAction.objects.count() == 0


@pytest.mark.parametrize(
    "payload", ["\x00", "nul\x00in the middle", "x" * 100_000, "9999-12-31", "-1"]
)
def test_hostile_input_changes_nothing(sam, alice, cleo, payload):
    session = recorded(sam, alice, actions=["Keep"])
    http = log_in(HttpClient(raise_request_exception=False), sam)
    fields = ("held_on", "clients", "actions", "notes", "supervisee")
    for url in (NEW, reverse("supervision:edit", args=[session.uuid])):
        body = {
            **_form(sam, supervisee=str(alice.uuid)),
            **dict.fromkeys(fields, payload),
        }
        response = http.post(url, body)
        assert response.status_code < 500
    assert SupervisionSession.objects.count() == 1
    session.refresh_from_db()
    assert session.notes == "Talked it through."
    assert [a.text for a in session.actions.all()] == ["Keep"]


def test_the_list_says_which_records_can_still_change(sam, alice):
    today = recorded(sam, alice)
    older = recorded(sam, alice, days_ago=5)
    SupervisionSession.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - timedelta(days=5)
    )
    final = recorded(sam, alice, days_ago=9)
    finalise_session(final, by=sam)
    page = _as(sam).get(LIST).content.decode()
    assert page.count("Can be changed today") == 1
    assert "Reads as written" in page
    assert "<td>Final</td>" in page
    assert today.get_absolute_url() in page
