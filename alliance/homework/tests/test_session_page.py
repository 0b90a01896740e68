"""The session record shows the homework to review and a link to set the next."""

from __future__ import annotations

from alliance.homework.tests.helpers import one_off
from alliance.notes.tests.helpers import start


def test_the_session_page_lists_homework_to_review(as_user, alice, cleo):
    assignment = one_off(cleo)
    session = start(cleo)
    page = as_user(alice).get(session.get_absolute_url()).content.decode()
    assert "Homework</h2>" in page
    assert assignment.title in page
    assert f"/homework/episodes/{session.episode.uuid}/review/" in page
    assert "Set homework for the coming week" in page


def test_without_homework_it_says_so(as_user, alice, cleo):
    session = start(cleo)
    page = as_user(alice).get(session.get_absolute_url()).content.decode()
    assert "No homework set in this episode yet." in page


def test_the_supervisor_reads_but_is_not_offered_to_set_homework(as_user, sam, cleo):
    one_off(cleo)
    session = start(cleo)
    page = as_user(sam).get(session.get_absolute_url()).content.decode()
    assert "Homework</h2>" in page
    assert "Set homework for the coming week" not in page


def test_no_link_to_set_homework_once_treatment_has_ended(as_user, alice, cleo):
    from alliance.clients.models import Episode

    session = start(cleo)
    Episode.objects.filter(pk=session.episode.pk).update(phase="aftercare")
    page = as_user(alice).get(session.get_absolute_url()).content.decode()
    assert "Homework</h2>" in page
    assert "Set homework for the coming week" not in page
