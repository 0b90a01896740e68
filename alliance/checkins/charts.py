"""The mood chart as SVG: mood 0-10 over a fixed window (the last eight
weeks), one point per check-in, oldest on the left.

A pure function that returns SVG text. It needs no script and no inline
style, so it passes the strict Content Security Policy: colours are SVG
presentation attributes. ``<title>`` and ``<desc>`` name and summarise it for
screen readers; pages show a table of the same values next to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 640, 252
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 16, 60
# Room inside the axes at both ends, so a point on the first or the last
# day (today) is drawn whole between them, ring included.
PAD = 12
LINE = "#17476a"
GRID = "#d5dbe2"
AXIS = "#7a8591"
TEXT = "#1b1f24"
MUTED = "#4a5360"
DANGER = "#a1261c"
LOW_FILL = "#fbe4d6"


@dataclass(frozen=True)
class MoodPoint:
    when: datetime
    mood: int
    safety_concern: bool = False


def mood_svg(
    points: Sequence[MoodPoint],
    *,
    start: date,
    end: date,
    title: str = "Mood over the last eight weeks",
    ident: str = "mood-chart",
    clinician: bool = False,
) -> str:
    """Mood from ``start`` to ``end`` (local days, inclusive; ``end`` is today,
    labelled so) as an SVG document.

    ``points`` are in local time and sorted oldest first. ``clinician`` shades
    very low moods (0-1) and rings check-ins where the client answered "yes"
    to the safety question; the client's own chart is left plain.
    """
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    first = datetime.combine(start, datetime.min.time())
    # The x-range runs to the end of ``end`` (today), inside the padding.
    span = max((end - start).days + 1, 1) * 86400
    inner_w = plot_w - 2 * PAD

    def x(when: datetime) -> float:
        seconds = (when.replace(tzinfo=None) - first).total_seconds()
        return LEFT + PAD + inner_w * min(max(seconds / span, 0.0), 1.0)

    def y(mood: float) -> float:
        return TOP + plot_h * (1 - mood / 10)

    t_id, d_id = f"{ident}-title", f"{ident}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{t_id} {d_id}" class="mood-chart" '
        f'font-family="system-ui, sans-serif" font-size="11">',
        f'<title id="{t_id}">{escape(title)}</title>',
        f'<desc id="{d_id}">{escape(describe(points, start, end))}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    if clinician:
        out.append(
            f'<rect x="{LEFT}" y="{y(1.5):.1f}" width="{plot_w}" '
            f'height="{y(0) - y(1.5):.1f}" fill="{LOW_FILL}"/>'
        )
    for mood in range(0, 11, 2):
        out.append(
            f'<line x1="{LEFT}" y1="{y(mood):.1f}" x2="{WIDTH - RIGHT}" '
            f'y2="{y(mood):.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 6}" y="{y(mood) + 4:.1f}" text-anchor="end" '
            f'fill="{TEXT}">{mood}</text>'
        )
    out.append(
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="{AXIS}"/>'
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" '
        f'y2="{TOP + plot_h}" stroke="{AXIS}"/>'
    )
    # A tick and label at the start of each week.
    day = start
    while day <= end:
        xs = x(datetime.combine(day, datetime.min.time()))
        out.append(
            f'<line x1="{xs:.1f}" y1="{TOP + plot_h}" x2="{xs:.1f}" '
            f'y2="{TOP + plot_h + 5}" stroke="{AXIS}"/>'
            f'<text x="{xs:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle" '
            f'fill="{TEXT}">{day:%-d %b}</text>'
        )
        day += timedelta(days=7)
    # Today: the last day of the window, labelled at its middle.
    xs = x(datetime.combine(end, datetime.min.time()) + timedelta(hours=12))
    out.append(
        f'<line x1="{xs:.1f}" y1="{TOP + plot_h}" x2="{xs:.1f}" '
        f'y2="{TOP + plot_h + 5}" stroke="{AXIS}"/>'
        f'<text x="{xs:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle" '
        f'fill="{TEXT}">Today</text>'
    )
    out.append(
        f'<text x="{LEFT}" y="{HEIGHT - 24}" fill="{MUTED}">'
        "Mood from 0 (the worst) to 10 (the best); higher is better.</text>"
    )
    if clinician:
        out.append(
            f'<text x="{LEFT}" y="{HEIGHT - 8}" fill="{MUTED}">Shaded: very low '
            "mood (0-1). Red ring: answered yes to the safety question.</text>"
        )
    if not points:
        out.append(
            f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h / 2:.1f}" '
            f'text-anchor="middle" fill="{MUTED}">No check-ins in this period</text>'
        )
    elif len(points) > 1:
        coords = " ".join(f"{x(p.when):.1f},{y(p.mood):.1f}" for p in points)
        out.append(
            f'<polyline points="{coords}" fill="none" stroke="{LINE}" '
            f'stroke-width="2.5" stroke-linejoin="round"/>'
        )
    for p in points:
        tip = f"{p.when:%-d %b %Y %H:%M}: mood {p.mood}/10"
        if clinician and p.safety_concern:
            tip += "; answered yes to the safety question"
            out.append(
                f'<circle cx="{x(p.when):.1f}" cy="{y(p.mood):.1f}" r="8" '
                f'fill="none" stroke="{DANGER}" stroke-width="2.5"/>'
            )
        out.append(
            f'<circle cx="{x(p.when):.1f}" cy="{y(p.mood):.1f}" r="4" '
            f'fill="{LINE}" class="mood-point"><title>{escape(tip)}</title></circle>'
        )
    out.append("</svg>")
    return "\n".join(out)


def describe(points: Sequence[MoodPoint], start: date, end: date) -> str:
    """A sentence for screen readers: how many check-ins, first, last, range."""
    period = f"from {start:%-d %b %Y} to {end:%-d %b %Y}"
    if not points:
        return f"No check-ins {period}."
    first, last = points[0], points[-1]
    if len(points) == 1:
        return f"One check-in {period}: mood {first.mood} on {first.when:%-d %b %Y}."
    moods = [p.mood for p in points]
    return (
        f"{len(points)} check-ins {period}. Mood went from {first.mood} on "
        f"{first.when:%-d %b %Y} to {last.mood} on {last.when:%-d %b %Y}; "
        f"lowest {min(moods)}, highest {max(moods)}, out of 10."
    )
