"""CORE-10: items 2 and 3 reverse-keyed, mean × 10, prorated only with one
missing item (CORE System Trust), item 6 is the risk item."""

from __future__ import annotations

import pytest

from alliance.measures.change import classify_change
from alliance.measures.engine import InvalidAnswers, get_instrument
from alliance.measures.tests.engine.helpers import all_at

CORE10 = get_instrument("core10")


def test_it_reverse_keys_items_two_and_three():
    assert CORE10.scoring.reverse == ("q2", "q3")
    # "Not at all" to everything: the two positive items score 4 each.
    assert CORE10.score(all_at("core10", 0)).total == 8
    # "Most or all of the time" to everything: 8 items × 4, positive items 0.
    assert CORE10.score(all_at("core10", 4)).total == 32


def test_it_keeps_the_official_item_order_and_wording():
    assert (
        CORE10.item("q2").text
        == "I have felt I have someone to turn to for support when needed"
    )
    assert CORE10.item("q3").text == "I have felt able to cope when things go wrong"
    assert CORE10.item("q6").text == "I made plans to end my life"
    assert "CC BY-ND" in CORE10.licence or "NoDerivatives" in CORE10.licence


def test_it_prorates_one_missing_item_as_the_mean_times_ten():
    answers = {**all_at("core10", 1), "q2": 3, "q3": 3}  # keyed: every item 1
    del answers["q10"]
    score = CORE10.score(answers)
    assert score.prorated is True
    assert score.total == 10  # mean 1 × 10
    assert score.raw_total == 9
    assert score.notes[0].startswith("Prorated because item 10 was not answered")


def test_it_prorates_to_a_fraction_and_bands_it_by_the_published_cutoff():
    # Keyed values: every item 1 except item 3 ("able to cope": "Sometimes" = 2).
    answers = {**all_at("core10", 1), "q2": 3, "q3": 2}
    del answers["q1"]
    score = CORE10.score(answers)  # 10 over 9 items × 10
    assert score.total == 11.11
    assert score.band == "mild"
    assert score.caseness is True


def test_it_bands_a_total_between_published_bands_with_the_lower_band():
    # Published bands are whole numbers (≤10, 11–14); a prorated 10.56 is
    # below the clinical cut-off of 11, so it stays in the lower band.
    assert CORE10.band_for(10.56).key == "healthy_low"
    assert CORE10.is_case(10.56) is False
    assert CORE10.band_for(14.44).key == "mild"


def test_it_refuses_two_missing_items():
    answers = all_at("core10", 1)
    del answers["q1"], answers["q5"]
    with pytest.raises(InvalidAnswers) as caught:
        CORE10.score(answers)
    message = str(caught.value)
    assert message.startswith(
        "Items 1 and 5 have no answer. The CORE-10 total can be prorated only when at most 1 item is missing"
    )
    assert set(caught.value.errors) == {"q1", "q5"}


@pytest.mark.parametrize(("answer", "flagged"), [(0, False), (1, True), (4, True)])
def test_it_flags_the_risk_item(answer, flagged):
    score = CORE10.score({**all_at("core10", 0), "q6": answer})
    assert bool(score.risk_flags) is flagged
    if flagged:
        assert score.risk_flags[0].item_key == "q6"
        assert score.risk_flags[0].severity == "high"


def test_it_computes_criterion_c_from_published_norms():
    # (7.7·4.7 + 4.8·19.7) / (7.7 + 4.8) = 10.46 (MEASURES.md C, norms from novopsych)
    change = classify_change(CORE10, 20, 8)
    assert round(change.cutoffs["c"], 2) == 10.46
    assert CORE10.norms == {
        "m_clin": 19.7,
        "sd_clin": 7.7,
        "m_func": 4.7,
        "sd_func": 4.8,
    }
