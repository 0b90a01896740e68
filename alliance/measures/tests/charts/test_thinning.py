"""A long history's chart draws at most CHART_POINTS scores (issue #13): the
first and the latest, each time slice's lowest and highest and every score that
raised a risk alert; the table still lists every score."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from alliance.measures.charts import CHART_POINTS, Point, expected_range, thin
from alliance.measures.engine import get_instrument
from alliance.measures.models import Administration
from alliance.measures.selectors import chart_scores
from alliance.measures.tests.admin.helpers import days_ago, phq9, record
from alliance.measures.tests.charts.test_stored_states import _history, _series

NS = {"s": "http://www.w3.org/2000/svg"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The curves a test fits must not reach the next test's pages.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def episode(cleo):
    return cleo.current_episode()


def _points(n, *, start=date(2023, 1, 1), flagged=()):
    return [
        Point(start + timedelta(days=i), 6 + (i * 7) % 13, flagged=i in flagged)
        for i in range(n)
    ]


def test_a_short_history_keeps_every_score():
    points = _points(CHART_POINTS)
    assert thin(points) == list(range(CHART_POINTS))


def test_a_long_history_keeps_the_first_latest_extremes_and_flagged():
    points = _points(1000, flagged={333, 334, 335})
    # A single extreme low and high somewhere in the middle.
    points[500] = Point(points[500].when, 0)
    points[700] = Point(points[700].when, 27)
    keep = thin(points)
    assert len(keep) <= CHART_POINTS + 3
    assert keep == sorted(set(keep))
    assert {0, 999, 333, 334, 335, 500, 700} <= set(keep)
    # The lowest and highest scores are drawn.
    assert {points[i].total for i in keep} >= {0, 27}


def test_scores_on_one_day_are_thinned_too():
    points = [Point(date(2024, 5, 1), i % 27) for i in range(500)]
    keep = thin(points)
    assert 0 in keep and 499 in keep and len(keep) <= 4


def _bulk_copies(template, n, *, start_days):
    """``n`` more scores like ``template``, one a day (bulk rows: hundreds of
    service calls would be slow here; each row is encrypted afresh)."""
    rows = []
    for k in range(n):
        total = 6 + (k * 7) % 13
        rows.append(
            Administration(
                episode_id=template.episode_id,
                client_id=template.client_id,
                instrument="phq9",
                instrument_version=template.instrument_version,
                status="submitted",
                mode="clinician",
                answers=phq9(total),
                total=total,
                band=template.band,
                band_label=template.band_label,
                caseness=total >= 10,
                risk=False,
                risk_alerts={},
                started_at=days_ago(start_days - k),
                saved_at=days_ago(start_days - k),
                submitted_at=days_ago(start_days - k),
                taken_at=days_ago(start_days - k),
                entered_by_id=template.entered_by_id,
            )
        )
    Administration.objects.bulk_create(rows)


def test_the_history_chart_of_many_scores_is_thinned(as_user, alice, cleo, episode):
    first = record(cleo, "phq9", phq9(12), at=days_ago(400))
    _bulk_copies(first, 150, start_days=399)
    risky = record(cleo, "phq9", phq9(7, item9=1), at=days_ago(240.5))
    _bulk_copies(first, 150, start_days=240)
    scores = chart_scores(episode, get_instrument("phq9"))
    assert len(scores) == 302
    assert [s.pk for s in scores if s.flagged] == [risky.pk]
    page = (
        as_user(alice)
        .get(reverse("measures:history", args=[episode.uuid, "phq9"]))
        .text
    )
    svg = ET.fromstring(
        page.split('<figure class="progress-chart">', 1)[1].split("</figure>")[0]
    )
    drawn = svg.find("s:polyline", NS).get("points").split()
    assert len(drawn) <= CHART_POINTS + 1
    assert "302 scores" in svg.find("s:desc", NS).text
    # The risk answer's score is on the line, at 7.
    y7 = 24 + (280 - 24 - 44) * (1 - 7 / 27)
    assert any(abs(float(xy.split(",")[1]) - y7) < 0.06 for xy in drawn)
    # The table still pages through every score.
    assert page.count("<tr") == 51


def test_a_corrected_risk_score_stays_flagged(alice, cleo, episode):
    from alliance.measures.services import correct_administration

    risky = record(cleo, "phq9", phq9(7, item9=1), at=days_ago(30))
    fixed = correct_administration(risky, phq9(8, item9=1), by=alice, reason="Typo.")
    scores = chart_scores(episode, get_instrument("phq9"))
    assert [(s.pk, s.flagged) for s in scores] == [(fixed.pk, True)]


def test_the_expected_range_at_kept_scores_is_the_full_ranges_subset(
    alice, cleo, episode
):
    _history(alice, [13, 11, 9, 7, 6, 5])
    _series(cleo, [13, 12, 13, 11, 10, 9, 8, 9])
    instrument = get_instrument("phq9")
    scores = chart_scores(episode, instrument)
    full = expected_range(episode, instrument, scores)
    assert len(full) == len(scores)
    keep = [0, 3, 7]
    assert expected_range(episode, instrument, scores, keep) == [full[i] for i in keep]


def test_a_chart_places_each_score_on_its_utc_day(alice, cleo, episode):
    """``chart_scores`` reads the day, not the time (issue #13): the day a
    score's time falls on in UTC, as the chart placed scores before."""
    from datetime import UTC, datetime

    late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    early = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
    for at, total in ((late, 14), (early, 12)):
        record(cleo, "phq9", phq9(total), at=at)
    scores = chart_scores(episode, get_instrument("phq9"))
    assert [(s.day, s.total) for s in scores] == [
        (late.date(), 14),
        (early.date(), 12),
    ]
