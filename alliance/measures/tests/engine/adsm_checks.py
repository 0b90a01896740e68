"""Shared checks for the instruments added in issue #14: bands on both sides of
every boundary, caseness on both sides of the cut-off, and the published
reliable-change value on both sides."""

from __future__ import annotations

from alliance.measures.change import classify_change
from alliance.measures.engine import get_instrument
from alliance.measures.tests.engine.helpers import answers_for_total


def check_band(code: str, total: float, key: str) -> None:
    score = get_instrument(code).score(answers_for_total(code, total))
    assert score.total == round(total, 2)
    assert score.band == key


def check_caseness(code: str, below: float, at: float) -> None:
    instrument = get_instrument(code)
    assert instrument.score(answers_for_total(code, below)).caseness is False
    assert instrument.score(answers_for_total(code, at)).caseness is True


def check_reliable_change(code: str, points: float, start: float) -> None:
    """``points`` of improvement from ``start`` is reliable; a step less is not;
    the same rise is a reliable deterioration."""
    instrument = get_instrument(code)
    assert instrument.reliable_change == points
    step = 0.01 if points != int(points) else 1
    down = classify_change(instrument, start, start - points)
    assert down.method == "threshold"
    assert down.category == "reliable_improvement"
    assert (
        classify_change(instrument, start, round(start - points + step, 2)).category
        == "no_reliable_change"
    )
    assert (
        classify_change(instrument, start - points, start).category
        == "reliable_deterioration"
    )
