"""Each fact of the readiness review, computed from a small known record."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from alliance.termination.selectors import assemble_facts


@pytest.fixture
def facts(episode):
    return assemble_facts(episode)


def test_it_counts_the_sessions_and_their_dates(facts, full):
    sessions = facts["sessions"]
    assert sessions["count"] == 3
    first, _, last = sorted(full["sessions"], key=lambda s: s.held_at)
    zone = ZoneInfo("Europe/London")  # the practice's time zone
    assert sessions["first"] == first.held_at.astimezone(zone).date().isoformat()
    assert sessions["last"] == last.held_at.astimezone(zone).date().isoformat()


def test_it_gives_each_goal_its_latest_level(facts, full):
    friends, sleep = full["goals"]
    goals = {g["uuid"]: g for g in facts["goals"]}
    assert goals[str(friends.uuid)]["level"] == 1
    assert goals[str(sleep.uuid)]["level"] == 0
    assert goals[str(friends.uuid)]["status"] == "active"


def test_it_computes_the_goal_attainment_t_score(facts):
    # Levels +1 and 0, equal weights, rho 0.3: 50 + 10 * 1 / sqrt(0.7*2 + 0.3*4).
    assert facts["t_score"] == 56.2
    # After the first session both were at -1: 50 - 20 / sqrt(2.6).
    assert facts["t_score_first"] == 37.6


def test_it_classifies_the_phq9_change_and_recovery(facts):
    (phq9,) = facts["measures"]
    assert (phq9["code"], phq9["first"], phq9["last"], phq9["count"]) == (
        "phq9",
        18,
        6,
        2,
    )
    assert phq9["change"] == "reliable_improvement"
    assert phq9["change_label"] == "Reliable improvement"
    assert phq9["method"] == "threshold"
    assert phq9["threshold"] == 6
    assert (phq9["caseness_first"], phq9["caseness_last"]) == (True, False)
    assert phq9["recovery"] == "recovered"
    assert phq9["reliable_recovery"] is True


def test_no_reliable_change_and_no_recovery(cleo, alice, consent_text):
    from alliance.measures.services import record_administration
    from alliance.measures.tests.admin.helpers import phq9
    from alliance.termination.tests.helpers import move

    episode = move(
        cleo.current_episode(), "assessment", "active", consent_text=consent_text
    )
    record_administration(episode, "phq9", phq9(14), by=alice)
    record_administration(episode, "phq9", phq9(11), by=alice)
    (m,) = assemble_facts(episode)["measures"]
    assert m["change"] == "no_reliable_change"
    assert m["recovery"] == "not_recovered"
    assert m["reliable_recovery"] is False


def test_recovery_does_not_apply_below_caseness_at_the_start(cleo, alice):
    from alliance.measures.services import record_administration
    from alliance.measures.tests.admin.helpers import phq9

    episode = cleo.current_episode()
    record_administration(episode, "phq9", phq9(4), by=alice)
    record_administration(episode, "phq9", phq9(3), by=alice)
    (m,) = assemble_facts(episode)["measures"]
    assert m["recovery"] == "not_applicable"


def test_one_score_has_no_change(cleo, alice):
    from alliance.measures.services import record_administration
    from alliance.measures.tests.admin.helpers import phq9

    episode = cleo.current_episode()
    record_administration(episode, "phq9", phq9(12), by=alice)
    (m,) = assemble_facts(episode)["measures"]
    assert (m["count"], m["change"], m["recovery"]) == (1, None, None)


def test_it_counts_homework_adherence_over_the_episode(facts):
    homework = facts["homework"]
    assert (homework["assignments"], homework["done"], homework["missed"]) == (1, 6, 3)
    assert homework["percent"] == 67
    assert homework["recent_percent"] == 67


def test_it_shows_the_alliance_trend_apart_from_the_outcomes(facts):
    alliance = facts["alliance"]
    assert (alliance["code"], alliance["first"], alliance["last"]) == (
        "alliance_check",
        9,
        12,
    )
    assert alliance["difference"] == 3
    assert alliance["direction"] == "up"
    assert "alliance_check" not in [m["code"] for m in facts["measures"]]


@pytest.mark.parametrize(
    ("first", "last", "direction"),
    [(9, 9, "steady"), (9, 10, "up"), (12, 10, "down")],
)
def test_a_change_under_one_point_is_steady(cleo, alice, first, last, direction):
    from alliance.measures.services import record_administration
    from alliance.measures.tests.engine.helpers import answers_for_total

    episode = cleo.current_episode()
    for total in (first, last):
        record_administration(
            episode,
            "alliance_check",
            answers_for_total("alliance_check", total),
            by=alice,
        )
    assert assemble_facts(episode)["alliance"]["direction"] == direction


def _legacy_feedback(episode, total, by):
    """Answers given on the retired session feedback form before it retired."""
    from alliance.measures.engine import get_instrument
    from alliance.measures.services import (
        _new_draft,
        save_answers,
        submit_administration,
    )
    from alliance.measures.tests.engine.helpers import answers_for_total

    draft = _new_draft(
        episode,
        get_instrument("session_feedback"),
        mode="clinician",
        by=by,
        schedule=None,
        request=None,
    )
    save_answers(draft, answers_for_total("session_feedback", total), by=by)
    return submit_administration(draft, by=by)


def test_retired_session_feedback_still_gives_a_trend(cleo, alice):
    episode = cleo.current_episode()
    _legacy_feedback(episode, 8, alice)
    _legacy_feedback(episode, 8.5, alice)
    alliance = assemble_facts(episode)["alliance"]
    assert (alliance["code"], alliance["first"], alliance["last"]) == (
        "session_feedback",
        8,
        8.5,
    )
    assert alliance["direction"] == "steady"
    assert "session_feedback" not in [
        m["code"] for m in assemble_facts(episode)["measures"]
    ]


def test_the_alliance_check_wins_over_retired_feedback(cleo, alice):
    from alliance.measures.services import record_administration
    from alliance.measures.tests.engine.helpers import answers_for_total

    episode = cleo.current_episode()
    _legacy_feedback(episode, 8, alice)
    record_administration(
        episode, "alliance_check", answers_for_total("alliance_check", 14), by=alice
    )
    assert assemble_facts(episode)["alliance"]["code"] == "alliance_check"


def test_it_names_the_approach_and_the_techniques_used(facts):
    assert facts["approach"]["label"] == "Cognitive behavioural therapy (CBT)"
    used = [(t["slug"], t["sessions"]) for t in facts["techniques"]]
    assert used == [("behavioural-activation", 2), ("cognitive-restructuring", 1)]


def test_it_includes_the_nhs_outcome(facts):
    # Only a PHQ-9 was given, so the paired NHS outcome cannot be computed.
    assert facts["nhs"]["eligible"] is False


def test_an_empty_record_has_empty_facts(bare):
    facts = assemble_facts(bare)
    assert facts["sessions"] == {"count": 0, "first": None, "last": None}
    assert facts["goals"] == []
    assert facts["t_score"] is None
    assert facts["measures"] == []
    assert facts["alliance"] is None
    assert facts["homework"]["percent"] is None


def test_the_facts_hold_no_free_text(facts, full):
    text = str(facts)
    for goal in full["goals"]:
        assert goal.statement not in text
        assert goal.client_words not in text
