"""ADSM pairing and outcome for episodes built through the services: the
intake's first coded provisional diagnosis chooses the measure."""

from __future__ import annotations

from datetime import timedelta

from django.template.loader import render_to_string
from django.utils import timezone

from alliance.clients.models import Episode
from alliance.measures.adsm import (
    episode_adsm,
    episode_adsm_fields,
    episode_outcomes,
    practice_adsm_summary,
)
from alliance.measures.tests.adsm.helpers import diagnose, record
from alliance.measures.tests.outcomes.helpers import hold_sessions
from conftest import make_client


def _episode(clinician, name, *, codes=(), sessions=3, **scores):
    client = make_client(clinician, given_name=name)
    episode = client.current_episode()
    if codes:
        diagnose(episode, *codes)
    for code, totals in scores.items():
        record(episode, code, list(totals))
    hold_sessions(client, sessions)
    return episode


def test_the_first_coded_diagnosis_chooses_the_measure(alice):
    episode = _episode(
        alice,
        "Sia",
        codes=(("", ""), ("icd10cm", "F40.10"), ("icd10cm", "F41.1")),
        phq9=(8, 3),
        spin=(40, 12),
        gad7=(12, 3),
    )
    result = episode_adsm(episode)
    assert result.problem.key == "social_anxiety"
    assert result.diagnosis_code == "F40.10"
    assert (result.paired, result.fallback) == ("spin", False)
    assert (result.anxiety.first, result.anxiety.last) == (40, 12)
    assert result.recovery is True
    assert result.reliable_recovery is True


def test_the_fields_for_the_episode_csv(alice):
    episode = _episode(
        alice, "Pan", codes=(("icd10cm", "F41.0"),), phq9=(14, 4), gad7=(11, 5)
    )
    fields = episode_adsm_fields(episode)
    assert fields == {
        "problem_descriptor": "Panic disorder",
        "diagnosis_code": "F41.0",
        "recommended_anxiety_measure": "PDSS",
        "paired_anxiety_measure": "GAD-7",
        "adsm_missing_gad7_used": "yes",
        "paired_first": "11",
        "paired_last": "5",
        "paired_caseness_at_start": "yes",
        "paired_recovery": "yes",
        "paired_reliable_improvement": "yes",
        "paired_reliable_deterioration": "no",
        "paired_reliable_recovery": "yes",
    }


def test_an_episode_without_an_intake_pairs_with_the_gad7(alice):
    episode = _episode(alice, "Noa", phq9=(12, 12), gad7=(9, 9))
    result = episode_adsm(episode)
    assert result.problem.key == "none"
    assert (result.paired, result.fallback) == ("gad7", False)
    assert result.recovery is False


def test_the_practice_summary_counts_by_paired_measure(practice, alice, bob):
    _episode(alice, "A", codes=(("icd10cm", "F40.10"),), phq9=(8, 3), spin=(40, 12))
    _episode(alice, "B", codes=(("icd10cm", "F40.1"),), phq9=(8, 8), spin=(30, 25))
    _episode(bob, "C", codes=(("icd10cm", "F42.2"),), phq9=(12, 3), gad7=(10, 2))
    _episode(bob, "D", codes=(("icd11", "6B00"),), phq9=(5, 4), gad7=(5, 4))
    _episode(
        bob,
        "E",
        codes=(("icd10cm", "F43.10"),),
        sessions=1,
        phq9=(20, 5),
        iesr=(50, 10),
    )
    summary = practice_adsm_summary(practice)
    rows = {row.code: row for row in summary.rows}
    assert list(rows) == ["gad7", "spin", "iesr"]
    spin = rows["spin"]
    assert (spin.paired, spin.finished, spin.at_caseness, spin.recovered) == (
        2,
        2,
        2,
        1,
    )
    assert spin.recovery_rate == 50
    assert (spin.reliably_improved, spin.reliably_recovered) == (1, 1)
    gad = rows["gad7"]
    assert (gad.paired, gad.fallback, gad.at_caseness, gad.recovered) == (2, 1, 1, 1)
    assert rows["iesr"].finished == 0  # one session only
    overall = summary.overall
    assert (overall.paired, overall.finished, overall.at_caseness) == (5, 4, 3)
    assert overall.recovered == 2
    assert summary.by_problem["Obsessive-compulsive disorder"] == 1
    html = render_to_string("measures/_adsm_outcomes.html", {"adsm": summary})
    assert '<th scope="row">SPIN</th>' in html
    assert "1 / 2 (50.0%)" in html
    # Only Bob's episodes.
    bobs = practice_adsm_summary(practice, clinician_ids=[bob.pk])
    assert bobs.overall.paired == 3


def test_a_period_keeps_episodes_by_their_last_score(practice, alice):
    _episode(alice, "Old", phq9=(12, 3), gad7=(10, 2))
    since = timezone.now() - timedelta(hours=1)
    assert practice_adsm_summary(practice, since=since).overall.paired == 0
    assert practice_adsm_summary(practice, until=since).overall.paired == 1


def test_queries_do_not_grow_with_episodes(practice, alice, django_assert_num_queries):
    for name in ("One", "Two", "Three"):
        _episode(
            alice, name, codes=(("icd10cm", "F40.10"),), phq9=(9, 3), spin=(30, 10)
        )
    with django_assert_num_queries(3):
        outcomes = episode_outcomes(Episode.objects.filter(client__practice=practice))
    assert len(outcomes) == 3
