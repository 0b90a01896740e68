"""Progress charts as SVG: score line, shaded severity bands, the caseness line,
the reliable-change band around the first score, and session dates.

Pure functions that return SVG text. The same image is shown on the chart, in
the portal and in PDFs; it needs no script and no inline style, so it passes
the strict Content Security Policy. Presentation attributes (fill, stroke) are
used instead of CSS.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 24, 44
# Band fills from least to most severe; light enough for the line to stay legible.
BAND_FILLS = ("#eef6ee", "#f6f6e6", "#fbf0dc", "#fbe4d6", "#f8d7d3", "#f3c9c6")
LINE = "#17476a"
CASENESS = "#a1261c"
RC_FILL = "#1f5f8b"


@dataclass(frozen=True)
class Point:
    when: date | datetime
    total: float
    label: str = ""  # e.g. the band, for the point's tooltip


def rc_threshold(instrument: object) -> float | None:
    """Points of change that count as reliable for this instrument.

    The published points threshold when there is one (e.g. PHQ-9 6, GAD-7 4 in
    NHS Talking Therapies); otherwise 1.96 x S_diff with S_diff = sqrt(2) x SD x
    sqrt(1 - r) (Jacobson & Truax 1991; Christensen & Mendoza 1986).
    """
    points = getattr(instrument, "reliable_change", None)
    if points:
        return float(points)
    r = getattr(instrument, "reliability", None)
    sd = (getattr(instrument, "norms", None) or {}).get("sd_clin")
    if r is None or not sd:
        return None
    return 1.96 * math.sqrt(2) * sd * math.sqrt(1 - r)


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def progress_svg(
    instrument: object,
    points: Sequence[Point],
    *,
    session_dates: Sequence[date | datetime] = (),
    title: str | None = None,
    plain: bool = False,
) -> str:
    """The progress chart of one measure for one client, as an SVG document.

    ``plain`` is the client's version: the same shading, but no clinical labels
    (band names, cut-off, reliable change), which the portal explains in words."""
    name = getattr(instrument, "short_name", "") or getattr(instrument, "name", "")
    low = float(getattr(instrument, "minimum", 0))
    high = float(getattr(instrument, "maximum", max([p.total for p in points] or [1])))
    if high <= low:
        high = low + 1
    days = [_day(p.when) for p in points] + [_day(d) for d in session_dates]
    first_day = min(days) if days else date.today()  # noqa: DTZ011 - only an axis origin
    last_day = max(days) if days else first_day
    span = max((last_day - first_day).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date | datetime) -> float:
        return LEFT + plot_w * ((_day(day) - first_day).days / span if days else 0.5)

    def y(score: float) -> float:
        return TOP + plot_h * (1 - (score - low) / (high - low))

    out: list[str] = []
    summary = describe(instrument, points)
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="t d" '
        f'font-family="system-ui, sans-serif" font-size="11">'
    )
    out.append(f'<title id="t">{escape(title or f"{name} over time")}</title>')
    out.append(f'<desc id="d">{escape(summary)}</desc>')
    out.append(f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>')

    bands = list(getattr(instrument, "bands", ()) or ())
    lower_is_better = getattr(instrument, "better", "lower") == "lower"
    ordered = bands if lower_is_better else list(reversed(bands))
    for i, band in enumerate(ordered):
        top_score = min(band.high + (0 if band.high == high else 0.5), high)
        bottom_score = max(band.low - (0 if band.low == low else 0.5), low)
        fill = BAND_FILLS[min(i, len(BAND_FILLS) - 1)]
        y_top, y_bottom = y(top_score), y(bottom_score)
        out.append(
            f'<rect x="{LEFT}" y="{y_top:.1f}" width="{plot_w}" '
            f'height="{max(y_bottom - y_top, 0):.1f}" fill="{fill}"/>'
        )
        if not plain:
            out.append(
                f'<text x="{WIDTH - RIGHT - 4}" y="{y_top + 11:.1f}" text-anchor="end" '
                f'fill="#4a5360">{escape(band.label)}</text>'
            )

    threshold = rc_threshold(instrument)
    if points and threshold and not plain:
        first = points[0].total
        y1, y2 = y(min(first + threshold, high)), y(max(first - threshold, low))
        out.append(
            f'<rect x="{LEFT}" y="{y1:.1f}" width="{plot_w}" height="{y2 - y1:.1f}" '
            f'fill="{RC_FILL}" fill-opacity="0.10" stroke="{RC_FILL}" '
            f'stroke-opacity="0.35" stroke-dasharray="2 3"/>'
        )
        out.append(
            f'<text x="{LEFT + 4}" y="{y1 - 3:.1f}" fill="{RC_FILL}">'
            f"Within ±{threshold:g}: no reliable change from the first score</text>"
        )

    cutoff = getattr(instrument, "caseness_cutoff", None)
    if cutoff is not None and low <= cutoff <= high and not plain:
        yc = y(cutoff)
        out.append(
            f'<line x1="{LEFT}" y1="{yc:.1f}" x2="{WIDTH - RIGHT}" y2="{yc:.1f}" '
            f'stroke="{CASENESS}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        out.append(
            f'<text x="{LEFT + 4}" y="{yc + 13:.1f}" fill="{CASENESS}">'
            f"Clinical cut-off ({cutoff:g})</text>"
        )

    # Axes: score ticks on the left, session dates as ticks along the bottom.
    out.append(
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#7a8591"/>'
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" '
        f'y2="{TOP + plot_h}" stroke="#7a8591"/>'
    )
    for tick in _ticks(low, high):
        out.append(
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" '
            f'fill="#1b1f24">{tick:g}</text>'
        )
    for session in session_dates:
        xs = x(session)
        out.append(
            f'<line x1="{xs:.1f}" y1="{TOP + plot_h}" x2="{xs:.1f}" '
            f'y2="{TOP + plot_h + 5}" stroke="#4a5360"/>'
        )
    if days:
        for day in (first_day, last_day) if span > 1 else (first_day,):
            out.append(
                f'<text x="{x(day):.1f}" y="{HEIGHT - BOTTOM + 20}" '
                f'text-anchor="{"start" if day == first_day else "end"}" '
                f'fill="#1b1f24">{day:%-d %b %Y}</text>'
            )
    legend = "" if plain else "Ticks: sessions held. "
    out.append(
        f'<text x="{LEFT}" y="{HEIGHT - 6}" fill="#4a5360">{legend}'
        f"{'Lower' if lower_is_better else 'Higher'} scores are better.</text>"
    )

    if points:
        coords = " ".join(f"{x(p.when):.1f},{y(p.total):.1f}" for p in points)
        out.append(
            f'<polyline points="{coords}" fill="none" stroke="{LINE}" stroke-width="2.5"/>'
        )
        for p in points:
            tip = f"{_day(p.when):%-d %b %Y}: {p.total:g}"
            if p.label and not plain:
                tip += f" ({p.label})"
            out.append(
                f'<circle cx="{x(p.when):.1f}" cy="{y(p.total):.1f}" r="4" fill="{LINE}">'
                f"<title>{escape(tip)}</title></circle>"
            )
    out.append("</svg>")
    return "\n".join(out)


def chart_legend(instrument: object, *, has_scores: bool) -> str:
    """The words under a clinician's chart: only what progress_svg draws for
    this measure (a measure without bands, cut-off or reliable change, such
    as session feedback, gets none of them)."""
    low = float(getattr(instrument, "minimum", 0))
    high = float(getattr(instrument, "maximum", low + 1))
    parts = []
    if getattr(instrument, "bands", None):
        parts.append("Shaded: severity bands.")
    cutoff = getattr(instrument, "caseness_cutoff", None)
    if cutoff is not None and low <= cutoff <= high:
        parts.append("Dashed red: the clinical cut-off.")
    if has_scores and rc_threshold(instrument):
        parts.append("Blue band: within reliable change of the first score.")
    parts.append("Ticks: sessions held.")
    return " ".join(parts)


def _ticks(low: float, high: float) -> list[float]:
    span = high - low
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50) if span / s <= 8)
    start = math.ceil(low / step) * step
    return [start + i * step for i in range(int((high - start) // step) + 1)]


def describe(instrument: object, points: Sequence[Point]) -> str:
    """A sentence for screen readers and the PDF's alt text."""
    name = getattr(instrument, "short_name", "") or getattr(instrument, "name", "")
    if not points:
        return f"No {name} scores yet."
    first, last = points[0], points[-1]
    if len(points) == 1:
        return f"{name}: one score, {first.total:g} on {_day(first.when):%-d %b %Y}."
    return (
        f"{name}: {len(points)} scores, from {first.total:g} on {_day(first.when):%-d %b %Y} "
        f"to {last.total:g} on {_day(last.when):%-d %b %Y}."
    )


def episode_chart(episode: Any, instrument: Any, rows: Sequence[Any] = ()) -> str:
    """The progress chart of one measure in an episode: current scores (corrected
    ones left out) and the dates of held sessions, read from the database.

    ``rows`` are measure_history rows when the caller has them already."""
    from alliance.measures.models import Administration

    if rows:
        administrations = [
            r.administration
            for r in rows
            if not r.superseded and r.administration.total is not None
        ]
    else:
        administrations = list(
            Administration.objects.current()
            .filter(episode=episode, instrument=instrument.code, total__isnull=False)
            .only("taken_at", "total", "band_label")
            .order_by("taken_at", "id")
        )
    points = [Point(a.taken_at, a.total, a.band_label or "") for a in administrations]
    # Held sessions, by the reverse relation (measures does not import scheduling).
    sessions = episode.appointments.filter(status="held").values_list(
        "starts_at", flat=True
    )
    return progress_svg(instrument, points, session_dates=list(sessions))
