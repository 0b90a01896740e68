"""The portal home asks the same number of queries however long the client's
history (issue #13), and asks for the client and their episode once."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.measures.tests.admin.helpers import days_ago, phq9, record
from alliance.notes.tests.helpers import signed
from conftest import query_plan


def _queries(http) -> list[str]:
    http.get(reverse("portal:home"))
    with CaptureQueriesContext(connection) as queries:
        response = http.get(reverse("portal:home"))
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_the_portal_home_does_not_grow_with_the_history(portal, cleo, schedule):
    small = _queries(portal)
    for week in range(12):
        record(cleo, "phq9", phq9(15 - week), at=days_ago(7 * week + 1))
        signed(cleo, hours_ago=24 * 7 * week + 30)
    large = _queries(portal)
    assert len(large) == len(small)


def test_the_portal_home_reads_the_client_and_episodes_once_each(portal, cleo):
    queries = _queries(portal)
    assert sum(sql.startswith('SELECT "clients_client"') for sql in queries) == 1
    # One for the access check and the current episode together.
    assert sum(' FROM "clients_episode"' in sql for sql in queries) == 1


def test_the_portal_home_counts_unread_messages_and_journal_entries_once(portal, cleo):
    from alliance.messaging.tests.helpers import from_clinician

    from_clinician(cleo, "One")
    from_clinician(cleo, "Two")
    queries = _queries(portal)
    messages = [sql for sql in queries if ' FROM "messaging_message"' in sql]
    journal = [sql for sql in queries if ' FROM "journal_journalentry"' in sql]
    assert len(messages) == 1
    assert len(journal) == 1
    # The navigation still shows the count, on the home and on other pages.
    home = portal.get(reverse("portal:home")).content.decode()
    assert 'aria-label="2 unread"' in home
    assert "You have 2 new messages from your clinician." in home
    toolbox = portal.get(reverse("toolbox:mine")).content.decode()
    assert 'aria-label="2 unread"' in toolbox


def test_unfinished_questionnaires_are_found_by_their_own_index(cleo, schedule):
    """The portal home looks for the client's drafts on every visit; by the
    partial index of drafts, not by reading an index of every score in the
    practice (issue #13)."""
    from alliance.measures.models import Administration
    from alliance.measures.selectors import client_drafts

    record(cleo, "phq9", phq9(12), at=days_ago(3))
    draft = Administration.objects.create(
        client=cleo,
        episode=cleo.current_episode(),
        instrument="gad7",
        mode=Administration.Mode.PORTAL,
    )
    with CaptureQueriesContext(connection) as queries:
        assert client_drafts(cleo) == [draft]
    plan = query_plan(queries.captured_queries[-1]["sql"])
    assert "administration_drafts" in plan, plan


def test_the_portal_home_reads_the_relapse_plan_once(portal, cleo, consent_text):
    """The home's card reads the plan; the navigation's link takes its
    answer from it instead of asking again."""
    from alliance.termination.tests.helpers import to_termination, write_plan

    link = reverse("termination:mine_plan")
    assert link not in portal.get(reverse("portal:home")).text
    to_termination(cleo, consent_text)
    write_plan(cleo)
    assert sum("relapsepreventionplan" in sql for sql in _queries(portal)) == 1
    assert link in portal.get(reverse("portal:home")).text


def test_every_portal_page_links_the_relapse_plan_when_there_is_one(
    portal, cleo, consent_text
):
    """Pages other than the home ask the navigation's own (lazy) question;
    the home after care has ended answers it from the plan it shows."""
    from datetime import timedelta

    from django.utils import timezone

    from alliance.clients.models import Episode
    from alliance.termination.tests.helpers import to_termination, write_plan

    link = reverse("termination:mine_plan")
    assert link not in portal.get(reverse("portal:plan")).text
    to_termination(cleo, consent_text)
    write_plan(cleo)
    assert link in portal.get(reverse("portal:plan")).text
    # Long after the episode closed, the home shows the keepsakes only.
    Episode.objects.filter(client=cleo).update(
        phase="closed", closed_at=timezone.now() - timedelta(days=400)
    )
    page = portal.get(reverse("portal:home"))
    assert page.templates[0].name == "portal/ended.html"
    assert link in page.text
