"""PC-PTSD-5 (Prins et al. 2016; public domain, VA): 5 yes/no, positive at 3."""

from __future__ import annotations

import pytest

from alliance.measures.engine import get_instrument

PC = get_instrument("pcptsd5")


def answers(yes: int, exposure: int = 1) -> dict[str, int]:
    return {"exposure": exposure, **{f"q{i}": int(i <= yes) for i in range(1, 6)}}


@pytest.mark.parametrize(
    ("yes", "band", "case"),
    [
        (0, "negative", False),
        (2, "negative", False),
        (3, "positive", True),
        (5, "positive", True),
    ],
)
def test_positive_at_three_not_two(yes, band, case):
    score = PC.score(answers(yes))
    assert score.total == yes
    assert score.band == band
    assert score.caseness is case


def test_the_exposure_question_is_not_scored_and_flags_no_event():
    score = PC.score(answers(0, exposure=0))
    assert score.total == 0
    assert score.flags["no_exposure"] is True
    assert PC.score(answers(0)).flags["no_exposure"] is False
    assert PC.maximum == 5


def test_worked_example_three_symptoms_is_a_positive_screen():
    # Prins et al. 2016: a score of 3 was optimally sensitive to probable PTSD.
    score = PC.score({"exposure": 1, "q1": 1, "q2": 0, "q3": 1, "q4": 1, "q5": 0})
    assert (score.total, score.caseness) == (3, True)
    assert not score.risk_flags


def test_public_domain_wording_is_shipped():
    assert "Public domain" in PC.licence
    assert all(item.text for item in PC.items)
