from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import date
from types import SimpleNamespace

from alliance.measures.charts import HEIGHT, Point, describe, progress_svg, rc_threshold

NS = {"s": "http://www.w3.org/2000/svg"}
Band = SimpleNamespace
PHQ9_LIKE = SimpleNamespace(
    short_name="PHQ-9",
    minimum=0,
    maximum=27,
    better="lower",
    caseness_cutoff=10,
    reliable_change=6,
    reliability=None,
    norms={},
    bands=(
        Band(key="minimal", label="Minimal", low=0, high=4),
        Band(key="mild", label="Mild", low=5, high=9),
        Band(key="moderate", label="Moderate", low=10, high=14),
        Band(key="moderately_severe", label="Moderately severe", low=15, high=19),
        Band(key="severe", label="Severe", low=20, high=27),
    ),
)
POINTS = [
    Point(date(2026, 3, 2), 18, "Moderately severe"),
    Point(date(2026, 3, 30), 12, "Moderate"),
    Point(date(2026, 5, 4), 6, "Mild"),
]


def _svg(**kwargs):
    return ET.fromstring(progress_svg(PHQ9_LIKE, POINTS, **kwargs))


def test_it_draws_the_score_line_through_every_score():
    root = _svg()
    line = root.find("s:polyline", NS)
    assert len(line.get("points").split()) == 3
    assert len(root.findall("s:circle", NS)) == 3
    tips = [c.find("s:title", NS).text for c in root.findall("s:circle", NS)]
    assert tips[0] == "2 Mar 2026: 18 (Moderately severe)"


def test_it_shades_every_band_and_names_it():
    texts = [t.text for t in _svg().findall("s:text", NS)]
    for label in ("Minimal", "Mild", "Moderate", "Moderately severe", "Severe"):
        assert label in texts


def test_it_draws_the_caseness_line_at_the_cut_off():
    root = _svg()
    line = next(
        el for el in root.findall("s:line", NS) if el.get("stroke-dasharray") == "6 4"
    )
    top, plot_h = 24, HEIGHT - 24 - 44
    assert float(line.get("y1")) == round(top + plot_h * (1 - 10 / 27), 1)


def test_it_draws_the_reliable_change_band_around_the_first_score():
    root = _svg()
    band = next(el for el in root.findall("s:rect", NS) if el.get("fill-opacity"))
    top, plot_h = 24, HEIGHT - 24 - 44
    assert float(band.get("y")) == round(top + plot_h * (1 - 24 / 27), 1)
    height = float(band.get("height"))
    assert math.isclose(height, plot_h * 12 / 27, abs_tol=0.2)


def test_it_marks_session_dates():
    root = _svg(session_dates=[date(2026, 3, 9), date(2026, 3, 16)])
    ticks = [el for el in root.findall("s:line", NS) if el.get("stroke") == "#4a5360"]
    assert len(ticks) == 2


def test_it_is_accessible_and_csp_clean():
    svg = progress_svg(PHQ9_LIKE, POINTS)
    assert 'role="img"' in svg
    assert "style=" not in svg and "<script" not in svg
    assert describe(PHQ9_LIKE, POINTS) == (
        "PHQ-9: 3 scores, from 18 on 2 Mar 2026 to 6 on 4 May 2026."
    )


def test_it_handles_no_scores_and_one_score():
    ET.fromstring(progress_svg(PHQ9_LIKE, []))
    ET.fromstring(progress_svg(PHQ9_LIKE, POINTS[:1]))
    assert describe(PHQ9_LIKE, []) == "No PHQ-9 scores yet."


def test_the_threshold_comes_from_reliability_when_no_points_are_published():
    core10_like = SimpleNamespace(
        reliable_change=None, reliability=0.9, norms={"sd_clin": 7.7}
    )
    expected = 1.96 * math.sqrt(2) * 7.7 * math.sqrt(0.1)
    assert math.isclose(rc_threshold(core10_like), expected)
    assert (
        rc_threshold(SimpleNamespace(reliable_change=None, reliability=None, norms={}))
        is None
    )


def test_higher_is_better_instruments_shade_the_top_band_as_least_severe():
    who5_like = SimpleNamespace(
        short_name="WHO-5",
        minimum=0,
        maximum=100,
        better="higher",
        caseness_cutoff=None,
        reliable_change=10,
        reliability=None,
        norms={},
        bands=(
            Band(key="poor", label="Poor", low=0, high=48),
            Band(key="good", label="Good", low=52, high=100),
        ),
    )
    root = ET.fromstring(progress_svg(who5_like, [Point(date(2026, 1, 1), 40)]))
    fills = [r.get("fill") for r in root.findall("s:rect", NS)][1:3]
    assert fills[0] == "#eef6ee"  # "Good", drawn first, gets the calmest fill


def test_the_plain_version_has_no_clinical_labels():
    svg = progress_svg(PHQ9_LIKE, POINTS, plain=True)
    for jargon in ("Moderately severe", "cut-off", "reliable change"):
        assert jargon not in svg
    assert svg.count("<circle") == 3


def test_a_long_history_draws_its_markers_as_one_path():
    from datetime import timedelta

    from alliance.measures.charts import MARKER_LIMIT

    start = date(2024, 1, 1)
    many = [
        Point(start + timedelta(days=i), 5 + i % 10, "Mild")
        for i in range(MARKER_LIMIT + 40)
    ]
    root = ET.fromstring(progress_svg(PHQ9_LIKE, many))
    # The line still goes through every score.
    assert len(root.find("s:polyline", NS).get("points").split()) == len(many)
    # One path of dots for the middle scores, a tooltip on the first and latest.
    dots = [p for p in root.findall("s:path", NS) if p.get("aria-hidden") == "true"]
    assert len(dots) == 1
    assert dots[0].get("d").count("M") == len(many) - 2
    tips = [c.find("s:title", NS).text for c in root.findall("s:circle", NS)]
    assert tips == ["1 Jan 2024: 5 (Mild)", f"9 Apr 2024: {5 + 99 % 10} (Mild)"]
    assert "100 scores" in root.find("s:desc", NS).text


def test_a_history_at_the_limit_keeps_a_tooltip_on_every_score():
    from datetime import timedelta

    from alliance.measures.charts import MARKER_LIMIT

    start = date(2024, 1, 1)
    some = [Point(start + timedelta(days=i), 5, "Mild") for i in range(MARKER_LIMIT)]
    root = ET.fromstring(progress_svg(PHQ9_LIKE, some))
    assert len(root.findall("s:circle", NS)) == MARKER_LIMIT
    assert not [p for p in root.findall("s:path", NS) if p.get("aria-hidden")]
