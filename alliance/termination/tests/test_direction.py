"""Per-measure recovery uses the NHS Talking Therapies cut-off it names (GAD-7
8 or more, not the screening cut-off 10), and the summary words the clinical
side of the cut-off the right way round for a measure where higher is better."""

from __future__ import annotations

from alliance.measures.services import record_administration
from alliance.measures.tests.engine.helpers import answers_for_total
from alliance.termination.selectors import (
    RECOVERY_LABELS,
    assemble_facts,
    summary_prefill,
)


def _scores(episode, by, code, *totals):
    for total in totals:
        record_administration(episode, code, answers_for_total(code, total), by=by)


def test_gad7_recovery_uses_the_nhs_cut_off_of_eight(cleo, alice):
    episode = cleo.current_episode()
    # 9 is below the screening cut-off (10) but at NHS caseness (8 or more).
    _scores(episode, alice, "gad7", 9, 5)
    (m,) = assemble_facts(episode)["measures"]
    assert (m["caseness_first"], m["caseness_last"]) == (True, False)
    assert m["recovery"] == "recovered"
    assert m["caseness_rule"] == "GAD-7 8 or more (NHS Talking Therapies)"


def test_gad7_at_eight_at_the_end_is_not_recovered(cleo, alice):
    episode = cleo.current_episode()
    _scores(episode, alice, "gad7", 14, 8)
    (m,) = assemble_facts(episode)["measures"]
    assert m["recovery"] == "not_recovered"
    assert m["caseness_last"] is True


def test_an_adsm_uses_its_own_cut_off(cleo, alice):
    episode = cleo.current_episode()
    _scores(episode, alice, "pdss", 10, 7)  # PDSS caseness 8 or more
    (m,) = assemble_facts(episode)["measures"]
    assert m["recovery"] == "recovered"
    assert m["caseness_rule"] == "PDSS 8 or more (NHS Talking Therapies)"


def test_who5_low_scores_are_the_clinical_side(cleo, alice):
    episode = cleo.current_episode()
    # WHO-5 32 → 44: an increase is improvement; both at or below 48 (poor
    # well-being), so still in the clinical range at the end.
    _scores(episode, alice, "who5", 32, 44)
    facts = assemble_facts(episode)
    (m,) = facts["measures"]
    assert m["better"] == "higher"
    assert (m["caseness_first"], m["caseness_last"]) == (True, True)
    assert m["recovery"] == "not_recovered"
    assert m["caseness_rule"] == "WHO-5 48 or less"
    prefill = summary_prefill(episode, facts)
    assert (
        "WHO-5 still at or below the clinical cut-off at the last score (44)."
        in prefill["remaining_concerns"]
    )
    assert "above the clinical cut-off" not in prefill["remaining_concerns"]


def test_who5_above_the_cut_off_at_the_start_is_not_applicable(cleo, alice):
    episode = cleo.current_episode()
    _scores(episode, alice, "who5", 60, 80)
    (m,) = assemble_facts(episode)["measures"]
    assert m["recovery"] == "not_applicable"
    assert m["change"] == "reliable_improvement"  # up 20, threshold 10
    assert "below" not in RECOVERY_LABELS["not_applicable"]
    assert "above" not in RECOVERY_LABELS["not_applicable"]


def test_phq9_wording_stays_above(cleo, alice):
    episode = cleo.current_episode()
    from alliance.measures.tests.admin.helpers import phq9

    record_administration(episode, "phq9", phq9(16), by=alice)
    record_administration(episode, "phq9", phq9(12), by=alice)
    facts = assemble_facts(episode)
    prefill = summary_prefill(episode, facts)
    assert (
        "PHQ-9 still at or above the clinical cut-off" in prefill["remaining_concerns"]
    )
