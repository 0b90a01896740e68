"""Properties that hold for every instrument and every pair of scores."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.measures.change import classify_change, reliable_change_index
from alliance.measures.engine import CHOICE, Instrument, all_instruments, get_instrument

PROPERTY = settings(
    max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
BUILTINS = [instrument.code for instrument in all_instruments() if instrument.builtin]


def complete_answers(instrument: Instrument) -> st.SearchStrategy[dict[str, int]]:
    """Every choice item answered; optional items sometimes left out."""
    fields = {}
    for item in instrument.items:
        if item.kind != CHOICE:
            continue
        choice = st.sampled_from(item.values)
        fields[item.key] = choice if item.required else st.one_of(st.none(), choice)
    return st.fixed_dictionaries(fields).map(
        lambda answers: {
            key: value for key, value in answers.items() if value is not None
        }
    )


@pytest.mark.parametrize("code", BUILTINS)
@PROPERTY
@given(data=st.data())
def test_totals_stay_in_range_and_fall_in_exactly_one_band(code, data):
    instrument = get_instrument(code)
    score = instrument.score(data.draw(complete_answers(instrument)))
    assert instrument.minimum <= score.total <= instrument.maximum
    if instrument.bands:
        holding = [
            band for band in instrument.bands if band.low <= score.total <= band.high
        ]
        assert len(holding) == 1
        assert score.band == holding[0].key
    else:
        assert score.band is None


@pytest.mark.parametrize("code", BUILTINS)
def test_bands_partition_the_range_without_gaps_or_overlaps(code):
    instrument = get_instrument(code)
    if not instrument.bands:
        return
    bands = instrument.bands
    assert bands[0].low == instrument.minimum
    assert bands[-1].high == instrument.maximum
    # Complete totals move in whole raw points × multiplier (÷ items for a mean).
    step = instrument.scoring.multiplier
    if instrument.scoring.method == "mean":
        step /= len(instrument.scored_items)
    for lower, upper in itertools.pairwise(bands):
        assert upper.low > lower.high
        assert upper.low - lower.high == step


@pytest.mark.parametrize("code", [c for c in BUILTINS if get_instrument(c).bands])
@PROPERTY
@given(fraction=st.floats(0, 1))
def test_every_total_in_range_even_prorated_has_one_band(code, fraction):
    instrument = get_instrument(code)
    total = instrument.minimum + fraction * (instrument.maximum - instrument.minimum)
    band = instrument.band_for(total)
    assert band == [b for b in instrument.bands if b.low <= total][-1]


@PROPERTY
@given(
    before=st.floats(0, 100),
    after=st.floats(0, 100),
    sd=st.floats(0.5, 30),
    reliability=st.floats(0.05, 0.99),
)
def test_the_rci_is_antisymmetric(before, after, sd, reliability):
    forward = reliable_change_index(before, after, sd=sd, reliability=reliability)
    backward = reliable_change_index(after, before, sd=sd, reliability=reliability)
    assert forward == -backward


MIRROR = {
    "reliable_improvement": "reliable_deterioration",
    "reliable_deterioration": "reliable_improvement",
    "no_reliable_change": "no_reliable_change",
}


@PROPERTY
@given(before=st.integers(0, 27), after=st.integers(0, 27))
def test_swapping_the_scores_mirrors_the_category(before, after):
    phq9 = get_instrument("phq9")
    forward = classify_change(phq9, before, after)
    backward = classify_change(phq9, after, before)
    assert backward.category == MIRROR[forward.category]
    assert backward.difference == -forward.difference
