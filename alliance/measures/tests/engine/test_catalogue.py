"""The built-in instruments: all load, carry licence, attribution and sources."""

from __future__ import annotations

import pytest

from alliance.measures.engine import all_instruments, get_instrument

BUILTIN = [
    "alliance_check",
    "audit",
    "auditc",
    "core10",
    "cssrs_screen",
    "epds",
    "gad7",
    "hai",
    "iesr",
    "k10",
    "mi_alone",
    "ocir",
    "pcl5",
    "pcptsd5",
    "pdss",
    "phq15",
    "phq9",
    "phqa",
    "spin",
    "who5",
    "wsas",
]
# Shipped as scoring definitions: the wording is licensed and the practice
# loads it (docs/measures.md, "Loading licensed wording").
SCORING_ONLY = ["cssrs_screen", "hai", "iesr", "mi_alone", "ocir", "pdss", "spin"]


def test_it_ships_the_instruments_the_issue_names():
    assert sorted(i.code for i in all_instruments() if i.builtin) == BUILTIN


def test_it_lists_built_ins_sorted_by_name():
    names = [i.name for i in all_instruments() if i.builtin]
    assert names == sorted(names, key=str.lower)


@pytest.mark.parametrize("code", BUILTIN)
def test_each_instrument_cites_its_licence_and_sources(code):
    instrument = get_instrument(code)
    assert instrument.licence
    assert instrument.attribution
    assert instrument.version == "1"
    assert "items" in instrument.sources
    assert "scoring" in instrument.sources
    if instrument.bands:
        assert "bands" in instrument.sources
    if instrument.caseness_cutoff is not None or instrument.caseness_by_item:
        assert "caseness" in instrument.sources
    if instrument.reliable_change is not None:
        assert "reliable_change" in instrument.sources
    if instrument.risk_rules:
        assert "risk" in instrument.sources


@pytest.mark.parametrize("code", sorted(set(BUILTIN) - set(SCORING_ONLY)))
def test_each_built_in_item_has_its_wording(code):
    # These licences allow the wording, so none falls back to "Item N".
    assert get_instrument(code).wording == "included"
    for item in get_instrument(code).items:
        assert item.text
        assert item.display == item.text


def test_it_names_the_risk_items():
    assert get_instrument("phq9").risk_items == ("q9",)
    assert get_instrument("core10").risk_items == ("q6",)
    # AUDIT's "next level up" rules are clinical prompts, not risk.
    assert get_instrument("audit").risk_items == ()
    assert get_instrument("audit").prompt_items == ("q4", "q5", "q6", "q9", "q10")
    assert get_instrument("gad7").risk_items == ()


def test_it_explains_an_unknown_code():
    with pytest.raises(KeyError) as caught:
        get_instrument("bdi")
    message = caught.value.args[0]
    assert message.startswith(
        "There is no instrument 'bdi'. Known instruments: alliance_check, audit"
    )


def test_it_refuses_an_unknown_version_of_a_built_in():
    with pytest.raises(KeyError, match="version '9'"):
        get_instrument("phq9", "9")


def test_instructions_carry_their_source():
    # CORE-10 unchanged (CC BY-ND); PCL-5 frames the stressful experience; K10
    # matches its 4-week items.
    core10 = get_instrument("core10")
    assert core10.instructions.startswith(
        "This form has 10 statements about how you have been OVER THE LAST WEEK."
    )
    assert "stressful experience" in get_instrument("pcl5").instructions
    assert "past 4 weeks" in get_instrument("k10").instructions
    for code in ("core10", "pcl5", "k10"):
        assert "instructions" in get_instrument(code).sources
