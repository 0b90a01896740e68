"""A low rating in the alliance check shows as a prompt on the next session
record (issue #14)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from alliance.measures.services import record_administration
from alliance.notes.tests.helpers import start

PROMPT = "Worth asking about"


def _check(client, clinician, *, lowest, hours_ago):
    answers = {"listened": 5, "agreed": lowest, "come_back": 4}
    return record_administration(
        client.current_episode(),
        "alliance_check",
        answers,
        by=clinician,
        at=timezone.now() - timedelta(hours=hours_ago),
    )


def test_a_low_rating_before_the_session_shows_a_prompt(cleo, alice, as_user):
    check = _check(cleo, alice, lowest=2, hours_ago=30)
    session = start(cleo, hours_ago=2)
    html = as_user(alice).get(session.progress_note.get_absolute_url()).text
    assert PROMPT in html
    assert check.get_absolute_url() in html


def test_no_prompt_when_every_statement_is_3_or_more(cleo, alice, as_user):
    _check(cleo, alice, lowest=3, hours_ago=30)
    session = start(cleo, hours_ago=2)
    assert (
        PROMPT not in as_user(alice).get(session.progress_note.get_absolute_url()).text
    )


def test_only_the_latest_check_before_the_session_counts(cleo, alice, as_user):
    _check(cleo, alice, lowest=1, hours_ago=50)
    _check(cleo, alice, lowest=4, hours_ago=30)  # things improved since
    session = start(cleo, hours_ago=2)
    assert (
        PROMPT not in as_user(alice).get(session.progress_note.get_absolute_url()).text
    )


def test_a_check_taken_after_the_session_does_not_show_on_it(cleo, alice, as_user):
    session = start(cleo, hours_ago=30)
    _check(cleo, alice, lowest=1, hours_ago=2)
    assert (
        PROMPT not in as_user(alice).get(session.progress_note.get_absolute_url()).text
    )
