"""The session feedback form: our own words, labelled as not validated."""

from __future__ import annotations

from alliance.measures.engine import get_instrument

FORM = get_instrument("session_feedback")


def test_it_is_labelled_as_not_validated():
    assert FORM.validated is False
    assert "not a validated instrument" in FORM.name.lower()
    assert FORM.instructions.startswith("Not a validated instrument.")
    assert FORM.bands == ()
    assert FORM.caseness_cutoff is None
    assert FORM.reliable_change is None


def test_it_averages_the_four_ratings_and_ignores_the_comment():
    score = FORM.score(
        {
            "heard": 10,
            "mattered": 8,
            "fit": 6,
            "overall": 7,
            "comment": "  Felt rushed. ",
        }
    )
    assert score.total == 7.75
    assert score.band is None
    assert score.caseness is None
    assert (
        FORM.validate(
            {"heard": 1, "mattered": 1, "fit": 1, "overall": 1, "comment": " x "}
        )["comment"]
        == "x"
    )


def test_its_comment_is_optional_free_text():
    comment = FORM.item("comment")
    assert (comment.kind, comment.scored, comment.required, comment.options) == (
        "text",
        False,
        False,
        (),
    )
    assert FORM.score({"heard": 5, "mattered": 5, "fit": 5, "overall": 5}).total == 5
    assert [item.values for item in FORM.scored_items] == [tuple(range(11))] * 4
