"""The session feedback form is retired (it followed the Session Rating
Scale's shape, which its licence does not allow): not offered or given, but
answers given on it still score and display."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from alliance.measures.engine import all_instruments, get_instrument

FORM = get_instrument("session_feedback")


def test_it_is_retired_and_says_what_to_use_instead():
    assert FORM.retired is True
    assert "alliance_check" in FORM.retired_note
    assert "session_feedback" not in [i.code for i in all_instruments()]


def test_answers_given_on_it_still_score():
    score = FORM.score(
        {"heard": 10, "mattered": 8, "fit": 6, "overall": 7, "comment": " x "}
    )
    assert score.total == 7.75
    assert FORM.item("heard").text  # shown with the question asked


@pytest.mark.django_db
def test_it_cannot_be_scheduled_started_or_recorded(alice, cleo):
    from alliance.measures.services import (
        record_administration,
        schedule_measure,
        start_administration,
    )

    episode = cleo.current_episode()
    for attempt in (
        lambda: schedule_measure(episode, "session_feedback", when="once", by=alice),
        lambda: start_administration(
            episode, "session_feedback", mode="clinician", by=alice
        ),
        lambda: record_administration(
            episode,
            "session_feedback",
            {"heard": 5, "mattered": 5, "fit": 5, "overall": 5},
            by=alice,
        ),
    ):
        with pytest.raises(ValidationError, match="no longer given"):
            attempt()
