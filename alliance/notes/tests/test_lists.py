from __future__ import annotations

from django.urls import reverse

from alliance.notes.selectors import chart_notes, unsigned_notes
from alliance.notes.services import cosign_note
from alliance.notes.tests.helpers import signed, start


def test_it_lists_chart_notes_newest_first(alice, cleo):
    older = start(cleo, hours_ago=30).progress_note
    newer = signed(cleo, hours_ago=5)
    assert chart_notes(cleo) == [newer, older]


def test_it_bounds_the_chart_to_fifty(alice, cleo, monkeypatch):
    from alliance.notes import selectors

    monkeypatch.setattr(selectors, "CHART_LIMIT", 2)
    for hours in (3, 5, 7):
        start(cleo, hours_ago=hours)
    assert len(chart_notes(cleo)) == 2


def test_it_lists_only_the_authors_unsigned_notes_oldest_first(alice, bob, cleo, dan):
    newer = start(cleo, hours_ago=3).progress_note
    older = start(cleo, hours_ago=26).progress_note
    signed(cleo, hours_ago=50)
    start(dan, hours_ago=3)
    assert unsigned_notes(alice) == [older, newer]
    assert [n.episode.client for n in unsigned_notes(bob)] == [dan]


def test_it_shows_status_on_the_chart(
    as_user, alice, sam, cleo, django_assert_max_num_queries
):
    start(cleo, hours_ago=3)
    signed(cleo, hours_ago=27)
    cosign_note(signed(cleo, hours_ago=51), by=sam)
    for hours in (75, 99, 123):
        start(cleo, hours_ago=hours)
    http = as_user(alice)
    with django_assert_max_num_queries(50):
        page = http.get(reverse("chart:section", args=[cleo.uuid, "notes"])).text
    assert page.count("Unsigned</span>") == 4
    assert page.count("note-signed") == 1
    assert page.count("Co-signed</span>") == 1


def test_it_shows_unsigned_notes_on_the_home_page(as_user, alice, bob, cleo):
    session = start(cleo)
    page = as_user(alice).get(reverse("home:index")).text
    assert session.get_absolute_url() in page
    assert "Cleo Example" in page
    assert "No unsigned notes." in as_user(bob).get(reverse("home:index")).text


def test_it_shows_sam_the_draft_read_only(as_user, sam, note):
    page = as_user(sam).get(note.session.get_absolute_url()).text
    assert "Draft by Alice Clinician, not yet signed." in page
    assert reverse("chart:note_edit", args=[note.uuid]) not in page
