"""Counts and rates per clinician and for the practice, with the published
denominators, on a small practice built through the services."""

from __future__ import annotations

import pytest

from alliance.measures.outcomes import COUNTS, OutcomeRow, practice_outcomes
from alliance.measures.tests.outcomes.helpers import scored_episode


@pytest.fixture
def practice_episodes(alice, bob):
    # Alice: a reliable recovery; an improvement not at caseness; a
    # deterioration; a recovery after one session only (not finished).
    scored_episode(alice, "Ann", phq9=(18, 7), gad7=(14, 5), sessions=3)
    scored_episode(alice, "Ben", phq9=(8, 2), gad7=(6, 1), sessions=2)
    scored_episode(alice, "Cal", phq9=(10, 16), gad7=(9, 9), sessions=2)
    scored_episode(alice, "Dee", phq9=(18, 7), gad7=(14, 5), sessions=1)
    # Bob: a recovery without reliable improvement; a single PHQ-9 (no pair).
    scored_episode(bob, "Eve", phq9=(10, 9), gad7=(8, 7), sessions=2)
    scored_episode(bob, "Fay", phq9=(18,), gad7=(14, 5), sessions=5)


def _counts(row):
    return {name: getattr(row, name) for name in COUNTS}


def test_it_counts_per_clinician(practice, alice, bob, practice_episodes):
    result = practice_outcomes(practice)
    rows = {row.label: row for row in result.rows}
    assert list(rows) == ["Alice Clinician", "Bob Clinician"]
    assert _counts(rows["Alice Clinician"]) == {
        "ended": 4,
        "courses": 3,
        "no_reliable_change": 0,
        "paired": 4,
        "finished": 3,
        "at_caseness": 2,
        "recovered": 1,
        "reliably_improved": 2,
        "reliably_deteriorated": 1,
        "reliably_recovered": 1,
    }
    assert _counts(rows["Bob Clinician"]) == {
        "ended": 2,
        "courses": 2,
        "no_reliable_change": 1,
        "paired": 1,
        "finished": 1,
        "at_caseness": 1,
        "recovered": 1,
        "reliably_improved": 0,
        "reliably_deteriorated": 0,
        "reliably_recovered": 0,
    }


def test_it_uses_the_published_denominators(practice, practice_episodes):
    row = practice_outcomes(practice).overall
    assert (row.paired, row.finished, row.not_finished) == (5, 4, 1)
    assert (row.at_caseness, row.not_at_caseness) == (3, 1)
    # Recovery and reliable recovery over finished courses at caseness;
    # reliable improvement and deterioration over finished courses.
    assert (row.recovery.count, row.recovery.denominator) == (2, 3)
    assert (row.reliable_recovery.count, row.reliable_recovery.denominator) == (1, 3)
    assert (
        row.reliable_improvement.count,
        row.reliable_improvement.denominator,
    ) == (2, 4)
    assert (
        row.reliable_deterioration.count,
        row.reliable_deterioration.denominator,
    ) == (1, 4)
    assert row.recovery.percent == pytest.approx(200 / 3)
    assert row.reliable_improvement.percent == 50


def test_it_limits_rows_to_the_clinicians_asked_for(
    practice, alice, bob, sam, practice_episodes
):
    result = practice_outcomes(practice, clinician=[alice, sam])
    assert [row.label for row in result.rows] == ["Alice Clinician", "Sam Supervisor"]
    assert result.rows[1].paired == 0
    # The whole practice stays the whole practice.
    assert result.overall.paired == 5
    only_bob = practice_outcomes(practice, clinician=bob)
    assert [row.label for row in only_bob.rows] == ["Bob Clinician"]


def test_it_leaves_out_other_practices(practice, other_practice, practice_episodes):
    from alliance.accounts.models import User

    elsewhere = User.objects.create_user(
        "olga@example.org",
        "x" * 16,
        full_name="Olga",
        role="clinician",
        practice=other_practice,
    )
    scored_episode(elsewhere, "Gil", phq9=(18, 7), gad7=(14, 5), sessions=2)
    assert practice_outcomes(practice).overall.paired == 5
    other = practice_outcomes(other_practice)
    assert (other.overall.paired, [r.label for r in other.rows]) == (1, ["Olga"])


def test_it_gives_no_rate_without_a_denominator(practice, alice):
    row = practice_outcomes(practice).rows[0]
    assert (row.label, row.paired) == ("Alice Clinician", 0)
    assert row.recovery.percent is None
    assert row.recovery.unstable is False


def test_it_marks_rates_on_fewer_than_ten_as_unstable():
    small = OutcomeRow("Small", None, paired=9, finished=9, at_caseness=9)
    assert (small.recovery.unstable, small.unstable) == (True, True)
    ten = OutcomeRow("Ten", None, paired=10, finished=10, at_caseness=10)
    assert (ten.recovery.unstable, ten.unstable) == (False, False)


# The NHS Digital worked examples (see alliance/measures/nhs.py).


def test_it_reproduces_the_published_recovery_rate():
    # December 2020: "23,291 / ( 48,111 - 2,957) * 100 = 51.6%"
    row = OutcomeRow(
        "National",
        None,
        finished=48_111,
        at_caseness=48_111 - 2_957,
        recovered=23_291,
    )
    assert row.recovery.denominator == 45_154
    assert round(row.recovery.percent, 1) == 51.6


def test_it_reproduces_the_published_reliable_improvement_rate():
    # June 2020: "39,417 / 57,060 * 100 = 69.1%"
    row = OutcomeRow(
        "National",
        None,
        finished=57_060,
        at_caseness=57_060 - 3_200,
        reliably_improved=39_417,
    )
    assert row.reliable_improvement.denominator == 57_060
    assert round(row.reliable_improvement.percent, 1) == 69.1


def test_it_reproduces_the_published_reliable_recovery_rate():
    # April 2025: 26,457 of 54,672 referrals finishing treatment at caseness.
    row = OutcomeRow(
        "National",
        None,
        finished=54_672,
        at_caseness=54_672,
        reliably_recovered=26_457,
    )
    assert round(row.reliable_recovery.percent, 1) == 48.4
