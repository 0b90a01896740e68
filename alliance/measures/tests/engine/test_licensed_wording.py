"""Built-ins shipped without their licensed wording ("wording": "practice"):
a practice loads its own wording for the same code and version with
`alliance load-instrument`; the scoring must stay exactly as shipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alliance.measures import loader
from alliance.measures.engine import get_instrument
from alliance.measures.loader import BUILTIN_DIR, InstrumentFileError, parse_instrument


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def pdss_with_wording(**changes: object) -> dict:
    data = json.loads((BUILTIN_DIR / "pdss.json").read_text(encoding="utf-8"))
    for item in data["items"]:
        item["text"] = f"Licensed wording of item {item['number']}"
    data["option_sets"]["rating"] = [
        {"value": v, "label": f"Licensed label {v}"} for v in range(5)
    ]
    data["licence"] = "Used under the Example Practice's licence of 2026."
    data.update(changes)
    return data


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "pdss.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_before_loading_the_items_show_as_numbers():
    pdss = get_instrument("pdss")
    assert pdss.wording == "practice"
    assert pdss.item("q1").display == "Item 1"


def test_a_practice_loads_its_licensed_wording_for_a_built_in(tmp_path):
    loader.install(write(tmp_path, pdss_with_wording()))
    pdss = get_instrument("pdss")
    assert pdss.item("q1").display == "Licensed wording of item 1"
    assert pdss.item("q1").label_for(4) == "Licensed label 4"
    assert pdss.licence.startswith("Used under the Example Practice")
    # Scoring, cut-off and reliable change are the shipped ones.
    assert (pdss.caseness_cutoff, pdss.reliable_change) == (8, 5)
    assert pdss.score({f"q{i}": 2 for i in range(1, 8)}).total == 14


def test_it_refuses_a_wording_file_that_changes_the_scoring(tmp_path):
    data = pdss_with_wording(caseness={"cutoff": 7, "label": "Seven"})
    with pytest.raises(InstrumentFileError, match="everything else must be exactly"):
        loader.install(write(tmp_path, data))
    assert get_instrument("pdss").caseness_cutoff == 8


def test_it_refuses_a_wording_file_under_another_version(tmp_path):
    with pytest.raises(InstrumentFileError, match="built in without its licensed"):
        loader.install(write(tmp_path, pdss_with_wording(version="2")))


def test_a_built_in_with_its_wording_still_cannot_be_replaced(tmp_path):
    data = json.loads((BUILTIN_DIR / "phq9.json").read_text(encoding="utf-8"))
    path = tmp_path / "phq9.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InstrumentFileError, match="cannot be replaced"):
        loader.install(path)


def test_a_wording_file_edited_by_hand_afterwards_is_ignored(tmp_path, _var_dir):
    loader.install(write(tmp_path, pdss_with_wording()))
    target = _var_dir / "instruments" / "pdss-1.json"
    edited = pdss_with_wording(reliable_change=1)
    target.write_text(json.dumps(edited), encoding="utf-8")
    loader.invalidate()
    assert get_instrument("pdss").reliable_change == 5
    assert get_instrument("pdss").item("q1").display == "Item 1"


def test_ages_field():
    data = json.loads((BUILTIN_DIR / "wsas.json").read_text(encoding="utf-8"))
    assert parse_instrument(data).min_age == 18  # adults unless the file says
    data["ages"] = {"min": 12, "max": None}
    instrument = parse_instrument(data)
    assert (instrument.min_age, instrument.max_age) == (12, None)
    data["ages"] = {"min": 18, "max": 11}
    with pytest.raises(InstrumentFileError, match="min must not be above max"):
        parse_instrument(data)
    data["ages"] = {"min": "eleven"}
    with pytest.raises(InstrumentFileError, match="whole numbers"):
        parse_instrument(data)
