"""The alliance check: our own three statements on a five-point agreement
scale, labelled as not validated, with a note when any is on the disagree side."""

from __future__ import annotations

import pytest

from alliance.measures.engine import get_instrument

CHECK = get_instrument("alliance_check")


def test_it_is_labelled_as_not_validated():
    assert CHECK.validated is False
    assert "not a validated instrument" in CHECK.name.lower()
    assert CHECK.instructions.startswith("Not a validated instrument.")
    assert (CHECK.bands, CHECK.caseness_cutoff, CHECK.reliable_change) == (
        (),
        None,
        None,
    )
    assert "not modelled on any licensed scale" in CHECK.licence


def test_its_shape_differs_from_the_session_rating_scale():
    # Three statements on a 1–5 agreement scale (the SRS: four 0–10 lines).
    assert [item.values for item in CHECK.scored_items] == [(1, 2, 3, 4, 5)] * 3
    assert (CHECK.minimum, CHECK.maximum) == (3, 15)
    assert CHECK.better == "higher"


def test_it_sums_the_statements_and_keeps_the_note_apart():
    answers = {"listened": 5, "agreed": 4, "come_back": 5, "note": " ok "}
    score = CHECK.score(answers)
    assert score.total == 14
    assert score.flags == {"low_rating": False}
    assert CHECK.validate(answers)["note"] == "ok"


@pytest.mark.parametrize(
    ("answers", "low"),
    [
        ({"listened": 3, "agreed": 3, "come_back": 3}, False),
        ({"listened": 5, "agreed": 2, "come_back": 5}, True),
        ({"listened": 1, "agreed": 5, "come_back": 5}, True),
    ],
)
def test_a_disagree_answer_sets_the_low_rating_note(answers, low):
    score = CHECK.score(answers)
    assert score.flags["low_rating"] is low
    assert bool(score.notes) is low
    assert not score.risk_flags


def test_it_stores_the_lowest_statement_as_a_plain_subscale():
    # Read by the session page's prompt without decrypting the answers.
    score = CHECK.score({"listened": 5, "agreed": 2, "come_back": 4})
    assert score.subscales == {"lowest": 2}
