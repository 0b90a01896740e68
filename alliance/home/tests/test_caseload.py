"""The caseload page's filters, paging and refusals (issue #17): each filter
returns exactly the clients built for it, alone and combined; a clinician
never sees another's clients whatever the query string says."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.alerts.models import RiskAlert
from alliance.alerts.services import raise_alert
from alliance.audit.models import AuditEvent
from alliance.home import caseload
from alliance.measures.models import MeasureSchedule, MeasureTrack
from alliance.measures.tests.admin.helpers import move
from alliance.plans.models import TreatmentPlanVersion
from alliance.plans.tests.helpers import make_goal, make_plan
from conftest import make_client

URL = reverse("clients:list")


def _names(response) -> list[str]:
    """The names in the caseload table, in order."""
    assert response.status_code == 200
    body = response.content.decode()
    table = body.split('<table class="caseload">', 1)
    if len(table) == 1:
        return []
    return re.findall(r'<td><a href="/clients/[^"]+/">([^<]+)</a></td>', table[1])


def _track(client, *, on_track: bool) -> MeasureTrack:
    episode = client.episodes.first()
    return MeasureTrack.objects.create(
        episode=episode,
        client=client,
        instrument="phq9",
        first_total=9,
        latest_total=18,
        latest_taken_at=timezone.now(),
        scores=4,
        on_track=on_track,
    )


def _schedule(client, *, due_in_days: int | None, active: bool = True):
    return MeasureSchedule.objects.create(
        episode=client.episodes.first(),
        instrument="phq9",
        when=MeasureSchedule.When.EVERY_SESSION,
        created_by=client.clinician,
        active=active,
        next_due=None
        if due_in_days is None
        else timezone.localdate() + timedelta(days=due_in_days),
    )


def _plan(client, *, review_in_days: int):
    episode = client.current_episode()
    version = make_plan(episode, [make_goal(episode)])
    # Time passes: a review dated in the future when written may now be past.
    TreatmentPlanVersion.objects.filter(pk=version.pk).update(
        next_review=timezone.localdate() + timedelta(days=review_in_days)
    )
    return version


@pytest.fixture
def world(alice, bob, cleo, dan, consent_text):
    """Alice's caseload, one client per case, and Bob's Dan with every flag."""
    c = {"cleo": cleo}
    c["ann"] = make_client(alice, given_name="Ann", family_name="Offtrack")
    _track(c["ann"], on_track=False)
    c["ben"] = make_client(alice, given_name="Ben", family_name="Alerted")
    raise_alert(c["ben"], source="Session risk check", summary="Plans")
    c["cat"] = make_client(alice, given_name="Cat", family_name="Measured")
    _schedule(c["cat"], due_in_days=0)
    c["dee"] = make_client(alice, given_name="Dee", family_name="Reviewed")
    _plan(c["dee"], review_in_days=3)
    c["eve"] = make_client(
        alice, given_name="Evelyn", family_name="Both", preferred_name="Eve"
    )
    _track(c["eve"], on_track=False)
    raise_alert(c["eve"], source="Portal check-in", summary="Worse")
    _plan(c["eve"], review_in_days=-2)
    # Near misses: each looks like a match but is not one.
    c["fay"] = make_client(alice, given_name="Fay", family_name="Ontrack")
    _track(c["fay"], on_track=True)
    c["gil"] = make_client(alice, given_name="Gil", family_name="Acknowledged")
    alert = raise_alert(c["gil"], source="Session risk check", summary="Past")
    RiskAlert.objects.filter(pk=alert.pk).update(acknowledged_at=timezone.now())
    c["hal"] = make_client(alice, given_name="Hal", family_name="Later")
    _schedule(c["hal"], due_in_days=5)
    _schedule(c["hal"], due_in_days=-3, active=False)
    _plan(c["hal"], review_in_days=30)
    c["ivy"] = make_client(alice, given_name="Ivy", family_name="Closed")
    _track(c["ivy"], on_track=False)
    _schedule(c["ivy"], due_in_days=-1)
    move(c["ivy"].current_episode(), "closed")
    # Bob's client matches every filter and must never appear for Alice.
    _track(dan, on_track=False)
    raise_alert(dan, source="Session risk check", summary="Bob's")
    _schedule(dan, due_in_days=0)
    _plan(dan, review_in_days=1)
    return c


ALICES = [
    "Gil Acknowledged",
    "Ben Alerted",
    "Eve Both",
    "Ivy Closed",
    "Cleo Example",
    "Hal Later",
    "Cat Measured",
    "Ann Offtrack",
    "Fay Ontrack",
    "Dee Reviewed",
]


def test_it_lists_the_whole_caseload_by_name(as_user, alice, world):
    response = as_user(alice).get(URL)
    assert _names(response) == ALICES
    assert "10 clients in your caseload." in response.content.decode()
    assert "Dan Example" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"off_track": "1"}, ["Eve Both", "Ann Offtrack"]),
        ({"alerts": "1"}, ["Ben Alerted", "Eve Both"]),
        ({"measures_due": "1"}, ["Cat Measured"]),
        ({"review_due": "1"}, ["Eve Both", "Dee Reviewed"]),
        ({"phase": "closed"}, ["Ivy Closed"]),
        ({"q": "eve"}, ["Eve Both"]),  # the preferred name
        ({"q": "evelyn both"}, ["Eve Both"]),  # every word, any name field
        ({"q": "  OFF "}, ["Ann Offtrack"]),
        ({"q": "ann ontrack"}, []),
        ({"off_track": "1", "alerts": "1"}, ["Eve Both"]),
        ({"alerts": "1", "review_due": "1", "q": "both"}, ["Eve Both"]),
        ({"off_track": "1", "measures_due": "1"}, []),
        ({"phase": "referral", "q": "Example"}, ["Cleo Example"]),
        ({"phase": "referral", "off_track": "1"}, ["Eve Both", "Ann Offtrack"]),
    ],
)
def test_each_filter_returns_exactly_its_clients(
    as_user, alice, world, query, expected
):
    assert _names(as_user(alice).get(URL, query)) == expected


def test_the_active_filters_are_shown_and_each_can_be_cleared(as_user, alice, world):
    page = as_user(alice).get(URL, {"off_track": "1", "alerts": "1", "q": "both"})
    body = page.content.decode()
    assert "1 client matches." in body
    assert "Name: “both”" in body and "Not on track" in body
    # Removing one filter keeps the others.
    assert 'href="/clients/?q=both&amp;alerts=1"' in body
    assert 'href="/clients/?q=both&amp;off_track=1"' in body
    assert "Clear all" in body


def test_it_says_when_nothing_matches(as_user, alice, world):
    body = as_user(alice).get(URL, {"q": "nobody"}).content.decode()
    assert "0 clients match." in body
    assert "No clients match these filters." in body


def test_it_says_when_the_caseload_is_empty(as_user, bob):
    body = as_user(bob).get(URL).content.decode()
    assert "0 clients in your caseload." in body
    assert "No clients in your caseload yet." in body


def test_a_clinician_filtering_on_another_clinician_sees_nothing_of_theirs(
    as_user, alice, bob, world
):
    response = as_user(alice).get(URL, {"clinician": str(bob.uuid)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Clinician: Choose a clinician from the list." in body
    assert "Dan Example" not in body and "Bob" not in body
    assert _names(response) == ALICES
    # Alice picks no clinician: the choice is not offered to her.
    assert 'name="clinician"' not in body


def test_a_supervisor_sees_supervisees_and_picks_one(as_user, sam, alice, bob, world):
    own = make_client(sam, given_name="Sue", family_name="Supervised")
    _track(own, on_track=False)
    http = as_user(sam)
    everyone = http.get(URL, {"off_track": "1"})
    assert _names(everyone) == ["Eve Both", "Ann Offtrack", "Sue Supervised"]
    assert 'name="clinician"' in everyone.content.decode()
    alices = http.get(URL, {"off_track": "1", "clinician": str(alice.uuid)})
    assert _names(alices) == ["Eve Both", "Ann Offtrack"]
    assert f"Clinician: {alice}" in alices.content.decode()
    # Bob is not Sam's supervisee: refused like a bad value, nothing of his shown.
    bobs = http.get(URL, {"clinician": str(bob.uuid)})
    assert "Choose a clinician from the list." in bobs.content.decode()
    assert "Dan Example" not in bobs.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"phase": "nonsense"},
        {"clinician": "not-a-uuid"},
        {"clinician": "00000000-0000-0000-0000-000000000000"},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999999999999999999"},
        {"q": "x" * 5000},
        {"q": "Cl\x00eo"},
        {"off_track": "<script>"},
    ],
)
def test_bad_filter_values_get_a_clear_message_not_an_error(
    as_user, alice, world, query
):
    response = as_user(alice).get(URL, query)
    assert response.status_code == 200
    body = response.content.decode()
    if "phase" in query or "clinician" in query:
        assert "Some filters could not be used, so they are left out" in body
        assert _names(response) == ALICES


def test_it_pages_in_a_stable_order(as_user, alice, monkeypatch):
    monkeypatch.setattr(caseload, "PAGE_SIZE", 4)
    for i in range(9):
        make_client(alice, given_name=f"Same{i % 3}", family_name="Twin")
    http = as_user(alice)
    first = http.get(URL, {"q": "twin"})
    body = first.content.decode()
    assert "9 clients match." in body and "Page 1 of 3" in body
    assert 'href="/clients/?q=twin&amp;page=2">Next</a>' in body
    pages = [_names(first)] + [
        _names(http.get(URL, {"q": "twin", "page": n})) for n in (2, 3)
    ]
    assert [len(p) for p in pages] == [4, 4, 1]
    ids = []
    for n in (1, 2, 3):
        resp = http.get(URL, {"q": "twin", "page": n})
        ids += re.findall(r'href="/clients/([0-9a-f-]{36})/"', resp.content.decode())
    assert len(set(ids)) == 9


def _queries(http, query) -> int:
    http.get(URL, query)
    with CaptureQueriesContext(connection) as queries:
        response = http.get(URL, query)
    assert response.status_code == 200
    return len(queries.captured_queries)


def _flagged(clinician, n: int, offset: int) -> None:
    for i in range(offset, offset + n):
        client = make_client(clinician, given_name=f"Grow{i:02d}")
        _track(client, on_track=False)
        raise_alert(client, source="Session risk check", summary="x")
        _schedule(client, due_in_days=0)


@pytest.mark.parametrize(
    "query",
    [{}, {"off_track": "1", "alerts": "1", "measures_due": "1", "q": "grow"}],
)
def test_the_queries_do_not_grow_with_the_caseload(as_user, sam, alice, query):
    http = as_user(sam)
    _flagged(alice, 5, 0)
    small = _queries(http, query)
    _flagged(alice, 45, 5)
    _flagged(sam, 5, 50)
    large = _queries(http, query)
    assert large == small
    assert large <= 15


def test_htmx_gets_the_results_only(as_user, alice, world):
    http = as_user(alice)
    partial = http.get(URL, {"alerts": "1"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert _names(partial) == ["Ben Alerted", "Eve Both"]
    restore = http.get(
        URL,
        {"alerts": "1"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restore.content.decode()


def test_the_view_is_audited_without_the_name_typed(as_user, alice, world):
    as_user(alice).get(URL, {"q": "both", "alerts": "1"})
    event = AuditEvent.objects.filter(action="caseload.view").latest("id")
    assert event.detail["filters"] == ["alerts", "q"]
    assert event.detail["clients"] == [str(world["eve"].uuid)]
    assert "both" not in str(event.detail)


def test_clients_and_admins_are_refused_and_anonymous_logs_in(
    client, as_user, ada, cleo
):
    assert client.get(URL).status_code == 302
    assert "/accounts/login/" in client.get(URL)["Location"]
    assert as_user(ada).get(URL).status_code == 403
    assert as_user(cleo.user).get(URL).status_code == 403
