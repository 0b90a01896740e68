"""The mood chart: accessible SVG with points in time order, and sensible
output for no points and for one."""

from __future__ import annotations

import re
from datetime import date, datetime

from alliance.checkins.charts import MoodPoint, describe, mood_svg

START, END = date(2026, 1, 5), date(2026, 3, 1)


def _points(*pairs):
    return [MoodPoint(datetime(2026, m, d, 9), mood) for (m, d), mood in pairs]


def _circles(svg):
    return [
        (float(cx), float(cy))
        for cx, cy in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="4"', svg)
    ]


def test_it_draws_points_in_time_order():
    points = _points(((1, 10), 2), ((2, 1), 8), ((2, 20), 5))
    svg = mood_svg(points, start=START, end=END)
    circles = _circles(svg)
    assert len(circles) == 3
    xs = [x for x, _ in circles]
    assert xs == sorted(xs)
    # Higher mood is higher on the chart (smaller y).
    ys = [y for _, y in circles]
    assert ys[1] < ys[2] < ys[0]
    line = re.search(r'<polyline points="([^"]+)"', svg).group(1)
    assert [tuple(map(float, p.split(","))) for p in line.split()] == circles


def test_it_is_accessible_and_csp_clean():
    svg = mood_svg(_points(((1, 10), 2)), start=START, end=END, ident="x")
    assert 'role="img"' in svg
    assert 'aria-labelledby="x-title x-desc"' in svg
    assert '<title id="x-title">Mood over the last eight weeks</title>' in svg
    assert '<desc id="x-desc">One check-in from 5 Jan 2026 to 1 Mar 2026' in svg
    assert "style=" not in svg
    assert "<script" not in svg
    assert "0 (the worst) to 10 (the best)" in svg


def test_it_handles_no_points():
    svg = mood_svg([], start=START, end=END)
    assert "No check-ins in this period" in svg
    assert "<polyline" not in svg
    assert _circles(svg) == []
    assert svg.startswith("<svg") and svg.endswith("</svg>")


def test_it_handles_one_point():
    svg = mood_svg(_points(((2, 1), 0)), start=START, end=END)
    assert len(_circles(svg)) == 1
    assert "<polyline" not in svg
    assert "No check-ins in this period" not in svg


def test_it_labels_each_week():
    svg = mood_svg([], start=START, end=END)
    for label in ("5 Jan", "12 Jan", "19 Jan", "26 Jan", "2 Feb", "23 Feb"):
        assert f">{label}</text>" in svg


def test_the_clinician_chart_flags_low_moods_and_yes_answers():
    points = [
        MoodPoint(datetime(2026, 2, 1, 9), 1, safety_concern=True),
        MoodPoint(datetime(2026, 2, 2, 9), 6),
    ]
    plain = mood_svg(points, start=START, end=END)
    flagged = mood_svg(points, start=START, end=END, clinician=True)
    assert "very low mood (0-1)" not in plain
    assert "safety question" not in plain
    assert "very low mood (0-1)" in flagged
    assert "answered yes to the safety question" in flagged
    assert flagged.count('r="8"') == 1


def test_points_outside_the_window_stay_on_the_plot():
    svg = mood_svg(_points(((1, 1), 5), ((3, 20), 5)), start=START, end=END)
    xs = [x for x, _ in _circles(svg)]
    assert min(xs) >= 40 and max(xs) <= 640 - 16


def test_describe_summarises():
    points = _points(((1, 10), 2), ((2, 1), 8), ((2, 20), 5))
    text = describe(points, START, END)
    assert text.startswith("3 check-ins from 5 Jan 2026 to 1 Mar 2026.")
    assert "from 2 on 10 Jan 2026 to 5 on 20 Feb 2026" in text
    assert "lowest 2, highest 8" in text
    assert describe([], START, END) == "No check-ins from 5 Jan 2026 to 1 Mar 2026."


def test_today_is_on_the_axis_and_every_point_inside_the_plot():
    from alliance.checkins.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH

    points = [
        MoodPoint(datetime(2026, 1, 5, 0, 0), 10, safety_concern=True),
        MoodPoint(datetime(2026, 2, 20, 12, 0), 5),
        MoodPoint(datetime(2026, 3, 1, 23, 59), 0, safety_concern=True),
    ]
    svg = mood_svg(points, start=START, end=END, clinician=True)
    rings = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="(\d+)"', svg)
    assert len(rings) == 5
    for cx, cy, r in rings:
        cx, cy, r = float(cx), float(cy), float(r)
        # Left and right, the whole mark stays between the axes.
        assert cx - r >= LEFT, (cx, r)
        assert cx + r <= WIDTH - RIGHT, (cx, r)
        assert TOP <= cy <= HEIGHT - BOTTOM, cy
    # The last day of the window (today) has its own tick and label, and
    # today's check-in sits over it, right of the last week's label.
    today = re.search(r'<text x="([\d.]+)"[^>]*>Today</text>', svg)
    assert today is not None
    last_week = re.search(r'<text x="([\d.]+)"[^>]*>23 Feb</text>', svg)
    today_x = _circles(svg)[-1][0]
    assert float(last_week.group(1)) < float(today.group(1))
    assert abs(today_x - float(today.group(1))) < 10
