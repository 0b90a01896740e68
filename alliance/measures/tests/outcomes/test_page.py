"""The practice outcomes page: who sees which rows, the filter, the audit
event, and no client named anywhere."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.measures.tests.outcomes.helpers import scored_episode

URL = reverse("measures:outcomes")


@pytest.fixture
def episodes(alice, bob):
    return [
        scored_episode(alice, "Rowena", phq9=(18, 7), gad7=(14, 5), sessions=2),
        scored_episode(bob, "Tobias", phq9=(10, 16), gad7=(9, 9), sessions=2),
    ]


def _page(as_user, user, query=""):
    response = as_user(user).get(f"{URL}{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_a_clinician_their_own_row_and_the_practice(as_user, alice, episodes):
    page = _page(as_user, alice)
    assert "Alice Clinician</th>" in page
    assert "Whole practice</th>" in page
    assert "Bob Clinician" not in page
    assert 'name="clinician"' not in page


def test_a_clinician_cannot_ask_for_a_colleague(as_user, alice, bob, episodes):
    page = _page(as_user, alice, f"?clinician={bob.uuid}")
    assert "Bob Clinician" not in page
    assert "Alice Clinician</th>" in page


def test_it_shows_a_supervisor_their_supervisees(as_user, sam, episodes):
    page = _page(as_user, sam)
    assert "Alice Clinician</th>" in page
    assert "Sam Supervisor</th>" in page
    assert "Bob Clinician" not in page


def test_it_shows_the_admin_every_clinician(as_user, ada, sam, episodes):
    page = _page(as_user, ada)
    for name in ("Alice Clinician", "Bob Clinician", "Sam Supervisor"):
        assert f"{name}</th>" in page
    assert 'name="clinician"' in page


def test_the_admin_can_choose_one_clinician(as_user, ada, bob, episodes):
    page = _page(as_user, ada, f"?clinician={bob.uuid}")
    assert "Bob Clinician</th>" in page
    assert "Alice Clinician</th>" not in page
    assert "Whole practice</th>" in page


def test_it_writes_out_counts_and_denominators(as_user, alice, episodes):
    page = _page(as_user, alice)
    # Alice's reliable recovery: 1 / 1 recovered at caseness, 100.0%.
    assert "1 / 1<br><strong>100.0%</strong>" in page
    assert "fewer than 10: unstable" in page
    assert "Download this table (CSV)" in page


def test_it_names_no_client(as_user, alice, sam, ada, episodes):
    for user in (alice, sam, ada):
        page = _page(as_user, user)
        for episode in episodes:
            assert episode.client.given_name not in page
            assert "CANARY" not in page


def test_it_filters_by_period(as_user, ada, episodes):
    page = _page(as_user, ada, "?since=2001-01-01&until=2001-12-31")
    assert "Outcomes from 1 Jan 2001 to 31 Dec 2001" in page
    assert "0 / 0" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?since=2025-02-30", "Enter a valid date."),
        ("?since=not-a-date", "Enter a valid date."),
        (
            "?since=2025-03-01&until=2025-02-01",
            "The end of the period is before its start.",
        ),
        ("?until=0001-01-01", "Choose a date between 2000 and 2100."),
        ("?until=9999-12-31", "Choose a date between 2000 and 2100."),
    ],
)
def test_it_explains_bad_dates(as_user, ada, episodes, query, message):
    before = AuditEvent.objects.filter(action="outcomes.view").count()
    page = _page(as_user, ada, query)
    assert message in page
    assert "The outcomes could not be shown" in page
    assert "Whole practice</th>" not in page
    assert AuditEvent.objects.filter(action="outcomes.view").count() == before


def test_it_refuses_an_unknown_clinician(as_user, ada, episodes):
    page = _page(as_user, ada, "?clinician=not-a-uuid")
    assert "Choose a clinician from the list." in page
    assert "Whole practice</th>" not in page


def test_it_records_the_view(as_user, ada, bob, episodes):
    _page(as_user, ada, f"?since=2025-01-01&clinician={bob.uuid}")
    event = AuditEvent.objects.filter(action="outcomes.view").latest("id")
    assert event.actor_id == ada.pk
    assert event.client_uuid is None
    assert event.detail == {
        "since": "2025-01-01",
        "until": "",
        "clinician": str(bob.uuid),
    }


def test_it_answers_htmx_with_the_table_alone(as_user, alice, episodes):
    response = as_user(alice).get(URL, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="outcomes-body">')
    assert "<html" not in page


def test_it_refuses_clients(as_user, cleo):
    assert as_user(cleo.user).get(URL).status_code == 403


def test_the_menu_links_to_it_for_staff(as_user, alice, ada, cleo):
    assert f'href="{URL}"' in as_user(alice).get(reverse("home:index")).content.decode()
    assert f'href="{URL}"' in as_user(ada).get(reverse("home:index")).content.decode()
