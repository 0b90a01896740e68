"""C-SSRS screen version (Posner et al. 2011): scoring only, Columbia triage
points as risk levels; no wording shipped (Columbia terms)."""

from __future__ import annotations

import pytest

from alliance.measures.engine import get_instrument

CSSRS = get_instrument("cssrs_screen")
ALL_NO = {"q1": 0, "q2": 0, "q6": 0}


@pytest.mark.parametrize(
    ("yes", "severity"),
    [
        ({"q1": 1}, "low"),
        ({"q2": 1, "q3": 0, "q4": 0, "q5": 0}, "low"),
        ({"q2": 1, "q3": 1, "q4": 0, "q5": 0}, "medium"),
        ({"q2": 1, "q3": 0, "q4": 1, "q5": 0}, "high"),
        ({"q2": 1, "q3": 0, "q4": 0, "q5": 1}, "high"),
        ({"q6": 1, "q6_recent": 0}, "medium"),
        ({"q6": 1, "q6_recent": 1}, "high"),
    ],
)
def test_columbia_triage_points(yes, severity):
    flags = CSSRS.score({**ALL_NO, **yes}).risk_flags
    assert (
        max(flags, key=lambda f: ("low", "medium", "high").index(f.severity)).severity
        == severity
    )


def test_all_no_raises_nothing():
    score = CSSRS.score(ALL_NO)
    assert not score.risk_flags
    assert score.total == 0


def test_questions_3_to_5_are_skipped_when_question_2_is_no():
    assert CSSRS.score({"q1": 1, "q2": 0, "q6": 0}).total == 1


def test_no_wording_is_shipped():
    assert CSSRS.wording == "practice"
    assert all(item.text == "" for item in CSSRS.items)
    assert CSSRS.item("q1").display == "Item 1"
    assert "Columbia" in CSSRS.licence
    assert CSSRS.bands == ()
