"""Every band boundary of every instrument, both sides, and every caseness
cut-off, exactly as published (sources in each instrument file)."""

from __future__ import annotations

import pytest

from alliance.measures.engine import get_instrument
from alliance.measures.tests.engine.helpers import answers_for_total

BOUNDARIES = [
    # PHQ-9 (LOINC 44261-6; Kroenke 2001)
    ("phq9", 0, "minimal"),
    ("phq9", 4, "minimal"),
    ("phq9", 5, "mild"),
    ("phq9", 9, "mild"),
    ("phq9", 10, "moderate"),
    ("phq9", 14, "moderate"),
    ("phq9", 15, "moderately_severe"),
    ("phq9", 19, "moderately_severe"),
    ("phq9", 20, "severe"),
    ("phq9", 27, "severe"),
    # GAD-7 (Spitzer 2006)
    ("gad7", 0, "minimal"),
    ("gad7", 4, "minimal"),
    ("gad7", 5, "mild"),
    ("gad7", 9, "mild"),
    ("gad7", 10, "moderate"),
    ("gad7", 14, "moderate"),
    ("gad7", 15, "severe"),
    ("gad7", 21, "severe"),
    # PHQ-15
    ("phq15", 0, "minimal"),
    ("phq15", 4, "minimal"),
    ("phq15", 5, "low"),
    ("phq15", 9, "low"),
    ("phq15", 10, "medium"),
    ("phq15", 14, "medium"),
    ("phq15", 15, "high"),
    ("phq15", 30, "high"),
    # WHO-5, percentage scale (raw × 4)
    ("who5", 0, "likely_depression"),
    ("who5", 28, "likely_depression"),
    ("who5", 32, "poor_wellbeing"),
    ("who5", 48, "poor_wellbeing"),
    ("who5", 52, "no_indication"),
    ("who5", 100, "no_indication"),
    # AUDIT zones (WHO)
    ("audit", 0, "zone_i"),
    ("audit", 7, "zone_i"),
    ("audit", 8, "zone_ii"),
    ("audit", 15, "zone_ii"),
    ("audit", 16, "zone_iii"),
    ("audit", 19, "zone_iii"),
    ("audit", 20, "zone_iv"),
    ("audit", 40, "zone_iv"),
    # K10, Australian 1–5 scoring, ABS bands
    ("k10", 10, "low"),
    ("k10", 15, "low"),
    ("k10", 16, "moderate"),
    ("k10", 21, "moderate"),
    ("k10", 22, "high"),
    ("k10", 29, "high"),
    ("k10", 30, "very_high"),
    ("k10", 50, "very_high"),
    # CORE-10 clinical score
    ("core10", 0, "healthy_low"),
    ("core10", 10, "healthy_low"),
    ("core10", 11, "mild"),
    ("core10", 14, "mild"),
    ("core10", 15, "moderate"),
    ("core10", 19, "moderate"),
    ("core10", 20, "moderate_to_severe"),
    ("core10", 24, "moderate_to_severe"),
    ("core10", 25, "severe"),
    ("core10", 40, "severe"),
]


@pytest.mark.parametrize(("code", "total", "band"), BOUNDARIES)
def test_it_bands_each_boundary_as_published(code, total, band):
    score = get_instrument(code).score(answers_for_total(code, total))
    assert score.total == total
    assert score.band == band


def test_it_tests_every_band_of_every_banded_instrument():
    tested = {(code, band) for code, _, band in BOUNDARIES}
    for code in ("phq9", "gad7", "phq15", "who5", "audit", "k10", "core10"):
        for band in get_instrument(code).bands:
            assert (code, band.key) in tested
            assert (code, band.low, band.key) in BOUNDARIES
            assert (code, band.high, band.key) in BOUNDARIES


def test_it_has_no_bands_where_none_are_published():
    assert get_instrument("pcl5").bands == ()
    assert get_instrument("auditc").bands == ()
    assert get_instrument("session_feedback").bands == ()
    score = get_instrument("pcl5").score(answers_for_total("pcl5", 50))
    assert (score.band, score.band_label) == (None, None)


CASENESS = [
    ("phq9", 9, False),
    ("phq9", 10, True),
    ("gad7", 9, False),  # Spitzer's ≥10; NHS outcomes use ≥8 in nhs.py
    ("gad7", 10, True),
    ("pcl5", 32, False),
    ("pcl5", 33, True),
    ("who5", 48, True),  # higher is better: ≤48 % is poor well-being
    ("who5", 52, False),
    ("audit", 7, False),
    ("audit", 8, True),
    ("core10", 10, False),
    ("core10", 11, True),
]


@pytest.mark.parametrize(("code", "total", "case"), CASENESS)
def test_it_decides_caseness_at_the_published_cutoff(code, total, case):
    assert get_instrument(code).score(answers_for_total(code, total)).caseness is case


@pytest.mark.parametrize("code", ["phq15", "k10", "session_feedback"])
def test_it_reports_no_caseness_without_a_published_cutoff(code):
    instrument = get_instrument(code)
    total = instrument.minimum
    assert instrument.score(answers_for_total(code, total)).caseness is None
