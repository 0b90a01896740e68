"""Progress charts as SVG: score line, shaded severity bands, the caseness line,
the reliable-change band around the first score, and session dates.

Pure functions that return SVG text. The same image is shown on the chart, in
the portal and in PDFs; it needs no script and no inline style, so it passes
the strict Content Security Policy. Presentation attributes (fill, stroke) are
used instead of CSS.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from django.apps import apps
from django.db.models import QuerySet

from alliance.core.prepared import prepared

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 24, 44
# Band fills from least to most severe; light enough for the line to stay legible.
BAND_FILLS = ("#eef6ee", "#f6f6e6", "#fbf0dc", "#fbe4d6", "#f8d7d3", "#f3c9c6")
LINE = "#17476a"
CASENESS = "#a1261c"
RC_FILL = "#1f5f8b"
EXPECTED = "#2f7d4a"


@dataclass(frozen=True)
class Point:
    when: date | datetime
    total: float
    label: str = ""  # e.g. the band, for the point's tooltip
    # A score that raised a risk alert: thinning always keeps it.
    flagged: bool = False


# Above this many scores a chart draws its markers as one path (see
# progress_svg); a year of weekly scores stays below it.
MARKER_LIMIT = 60
# At most this many scores are drawn on an episode's chart (``thin``): about
# one per three pixel columns of the plot, so a long history draws the same
# picture at a fraction of the cost.
CHART_POINTS = 200


def thin(points: Sequence[Point], limit: int = CHART_POINTS) -> list[int]:
    """The indices (in order) of the points a chart draws: all of them up to
    ``limit``; past it, in one pass, the first and the latest, the lowest and
    the highest score of each of ``(limit - 2) // 2`` equal slices of the time
    span (so every peak and trough a pixel column can show stays drawn), and
    every flagged point (a risk answer is never thinned away)."""
    n = len(points)
    if n <= limit:
        return list(range(n))
    columns = max((limit - 2) // 2, 1)
    first_day = _day(points[0].when)
    span = max((_day(points[-1].when) - first_day).days, 0) + 1
    lowest: dict[int, int] = {}
    highest: dict[int, int] = {}
    keep = {0, n - 1}
    for i, p in enumerate(points):
        column = (_day(p.when) - first_day).days * columns // span
        lo = lowest.get(column)
        if lo is None or p.total < points[lo].total:
            lowest[column] = i
        hi = highest.get(column)
        if hi is None or p.total > points[hi].total:
            highest[column] = i
        if p.flagged:
            keep.add(i)
    keep.update(lowest.values())
    keep.update(highest.values())
    return sorted(keep)


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


def _taken(score: Any) -> date | datetime:
    """When a score was taken, as much as a chart needs: a
    ``selectors.ChartScore``'s day, or an administration's time."""
    day = getattr(score, "day", None)
    return day if day is not None else score.taken_at


def progress_svg(
    instrument: object,
    points: Sequence[Point],
    *,
    session_dates: Sequence[date | datetime] = (),
    title: str | None = None,
    plain: bool = False,
    expected: Sequence[tuple[date | datetime, float, float]] = (),
    count: int | None = None,
) -> str:
    """The progress chart of one measure for one client, as an SVG document.

    ``plain`` is the client's version: the same shading, but no clinical labels
    (band names, cut-off, reliable change), which the portal explains in words.
    ``expected`` is the practice's expected range at each score, (when, low,
    high), drawn as a green band (clinician's version only). ``count`` is the
    number of scores when ``points`` are a thinned selection of them (``thin``),
    for the description."""
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
    summary = describe(instrument, points, count=count)
    # Ids unique per measure: a page may show several charts (portal progress,
    # ending summary), and aria-labelledby must find this chart's own words.
    code = re.sub(
        r"[^a-z0-9]+", "-", str(getattr(instrument, "code", "") or name).lower()
    )
    t_id, d_id = f"chart-{code}-title", f"chart-{code}-desc"
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{t_id} {d_id}" '
        f'font-family="system-ui, sans-serif" font-size="11">'
    )
    out.append(f'<title id="{t_id}">{escape(title or f"{name} over time")}</title>')
    out.append(f'<desc id="{d_id}">{escape(summary)}</desc>')
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

    if expected and not plain:
        clamp = [(when, max(lo, low), min(hi, high)) for when, lo, hi in expected]
        edge = [f"{x(w):.1f},{y(hi):.1f}" for w, _, hi in clamp]
        edge += [f"{x(w):.1f},{y(lo):.1f}" for w, lo, _ in reversed(clamp)]
        out.append(
            f'<polygon points="{" ".join(edge)}" fill="{EXPECTED}" fill-opacity="0.15" '
            f'stroke="{EXPECTED}" stroke-opacity="0.6" stroke-dasharray="4 2">'
            "<title>Expected range for clients of this practice who started at "
            "this severity</title></polygon>"
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
        # Past MARKER_LIMIT scores, the markers between the first and the
        # latest are one path of small dots instead of an element with a
        # tooltip each (a long history stays a light page); the first and the
        # latest keep their tooltip with the band, and the page's table lists
        # every score in words.
        tipped = points
        if len(points) > MARKER_LIMIT:
            tipped = [points[0], points[-1]]
            dots = "".join(
                f"M{x(p.when) - 3:.1f} {y(p.total):.1f}a3 3 0 1 0 6 0a3 3 0 1 0-6 0"
                for p in points[1:-1]
            )
            out.append(f'<path d="{dots}" fill="{LINE}" aria-hidden="true"/>')
        for p in tipped:
            tip = f"{_day(p.when):%-d %b %Y}: {p.total:g}"
            if p.label and not plain:
                tip += f" ({p.label})"
            out.append(
                f'<circle cx="{x(p.when):.1f}" cy="{y(p.total):.1f}" r="4" fill="{LINE}">'
                f"<title>{escape(tip)}</title></circle>"
            )
    out.append("</svg>")
    return "\n".join(out)


def chart_legend(
    instrument: object, *, has_scores: bool, has_expected: bool = False
) -> str:
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
    if has_expected:
        parts.append(
            "Green band: the range expected at each score for clients of this "
            "practice who started at the same severity."
        )
    parts.append("Ticks: sessions held.")
    return " ".join(parts)


def _ticks(low: float, high: float) -> list[float]:
    span = high - low
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50) if span / s <= 8)
    start = math.ceil(low / step) * step
    return [start + i * step for i in range(int((high - start) // step) + 1)]


def describe(
    instrument: object, points: Sequence[Point], *, count: int | None = None
) -> str:
    """A sentence for screen readers and the PDF's alt text (``count``: how
    many scores there are when ``points`` is a thinned selection)."""
    name = getattr(instrument, "short_name", "") or getattr(instrument, "name", "")
    if not points:
        return f"No {name} scores yet."
    first, last = points[0], points[-1]
    if len(points) == 1:
        return f"{name}: one score, {first.total:g} on {_day(first.when):%-d %b %Y}."
    return (
        f"{name}: {count or len(points)} scores, from {first.total:g} on {_day(first.when):%-d %b %Y} "
        f"to {last.total:g} on {_day(last.when):%-d %b %Y}."
    )


def expected_range(
    episode: object,
    instrument: object,
    administrations: Sequence[object],
    keep: Sequence[int] | None = None,
) -> list[tuple[date | datetime, float, float]]:
    """The practice's expected range at each of these scores (oldest first),
    or [] without a fitted curve for the client's starting severity. Follow-up
    scores take the last treatment score's number, as in ``tracking``. With
    ``keep`` (indices into ``administrations``, as ``thin`` gives them), only
    at those scores: the sessions are still counted over every score, in one
    pass."""
    from alliance.measures.tracking import (
        TRACKED,
        _band_key,
        follow_up_ids,
        practice_curves,
    )

    code = getattr(instrument, "code", "")
    if code not in TRACKED or not administrations:
        return []
    curves = practice_curves(episode.client.practice_id, code)  # type: ignore[attr-defined]
    if not curves:
        return []
    follow_ups = follow_up_ids(episode, code)  # type: ignore[arg-type]
    first = next((a for a in administrations if a.pk not in follow_ups), None)  # type: ignore[attr-defined]
    if first is None:
        return []
    curve = curves.get(_band_key(instrument)(first.total))  # type: ignore[arg-type,attr-defined]
    if curve is None:
        return []
    wanted = set(range(len(administrations)) if keep is None else keep)
    out, session = [], 0
    for i, a in enumerate(administrations):
        if a.pk not in follow_ups:  # type: ignore[attr-defined]
            session += 1
        if i in wanted:
            low, high = curve.interval(max(session, 1))
            out.append((_taken(a), low, high))
    return out


@prepared
def _held_session_starts(episode_id: int) -> QuerySet[Any, datetime]:
    # Held sessions' appointments; the model by its label, as measures does
    # not import scheduling.
    appointment = apps.get_model("scheduling", "Appointment")
    return appointment.objects.filter(episode_id=episode_id, status="held").values_list(
        "starts_at", flat=True
    )


def episode_chart_and_legend(
    episode: Any,
    instrument: Any,
    rows: Sequence[Any] = (),
    *,
    current: Sequence[Any] | None = None,
) -> tuple[str, str]:
    """The progress chart of one measure in an episode, and its legend:
    current scores (corrected ones left out), thinned to ``CHART_POINTS``
    (``thin``), the dates of held sessions and, when the practice has a curve
    for the client's starting severity, the expected range.

    ``rows`` are measure_history rows, or ``current`` the current scores with a
    total (``selectors.chart_scores``, as ``history_page`` gives them), when
    the caller has them already."""
    if current is not None:
        administrations = list(current)
    elif rows:
        administrations = [
            r.administration
            for r in rows
            if not r.superseded and r.administration.total is not None
        ]
    else:
        from alliance.measures.selectors import chart_scores

        administrations = chart_scores(episode, instrument)
    points = [
        Point(
            _taken(a),
            a.total,
            a.band_label or "",
            flagged=bool(getattr(a, "flagged", False)),
        )
        for a in administrations
    ]
    keep = thin(points)
    expected = expected_range(episode, instrument, administrations, keep)
    drawn = points if len(keep) == len(points) else [points[i] for i in keep]
    sessions = _held_session_starts(episode.pk)
    svg = progress_svg(
        instrument,
        drawn,
        session_dates=list(sessions),
        expected=expected,
        count=len(points),
    )
    legend = chart_legend(
        instrument, has_scores=bool(points), has_expected=bool(expected)
    )
    return svg, legend


def episode_chart(
    episode: object,
    instrument: object,
    rows: Sequence[object] = (),
    *,
    current: Sequence[object] | None = None,
) -> str:
    """The progress chart alone (downloads, PDFs)."""
    return episode_chart_and_legend(episode, instrument, rows, current=current)[0]
