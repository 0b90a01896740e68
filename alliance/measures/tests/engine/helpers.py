"""Building answers for a wanted total, so every band boundary can be tested."""

from __future__ import annotations

from alliance.measures.engine import Instrument, get_instrument


def answers_for_total(code: str, total: float, **extra: object) -> dict[str, object]:
    """Complete answers whose total is ``total`` (on the instrument's own scale:
    WHO-5 percentage, CORE-10 clinical score)."""
    instrument = get_instrument(code)
    items = [item for item in instrument.items if item.scored]
    raw = total / instrument.scoring.multiplier
    if instrument.scoring.method == "mean":
        raw *= len(items)
    target = round(raw)
    assert abs(raw - target) < 1e-9, f"{total} is not a total the {code} can reach"
    # Sums each suffix of items can reach, to choose values greedily but safely.
    reachable: list[set[int]] = [set() for _ in range(len(items) + 1)]
    reachable[len(items)] = {0}
    for index in range(len(items) - 1, -1, -1):
        reachable[index] = {
            v + rest for v in items[index].values for rest in reachable[index + 1]
        }
    assert target in reachable[0], f"{total} is not a total the {code} can reach"
    answers: dict[str, object] = {}
    remaining = target
    for index, item in enumerate(items):
        value = max(v for v in item.values if remaining - v in reachable[index + 1])
        remaining -= value
        answers[item.key] = _unkeyed(instrument, item.key, value)
    answers.update(extra)
    return answers


def _unkeyed(instrument: Instrument, key: str, keyed: int) -> int:
    if key in instrument.scoring.reverse:
        values = instrument.item(key).values
        return min(values) + max(values) - keyed
    return keyed


def all_at(code: str, value: int) -> dict[str, object]:
    instrument = get_instrument(code)
    return {item.key: value for item in instrument.items if item.scored}
