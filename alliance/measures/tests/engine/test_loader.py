"""Practice-loaded instruments: checked, copied to VAR_DIR/instruments, found by
get_instrument, and refused with a clear message when wrong."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from alliance.measures import loader
from alliance.measures.engine import all_instruments, get_instrument
from alliance.measures.loader import InstrumentFileError, parse_instrument

EXAMPLE = Path(__file__).resolve().parents[4] / "docs" / "examples" / "wai_sr.json"


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def minimal(**changes: object) -> dict:
    data = {
        "format": 1,
        "code": "mood_check",
        "version": "1",
        "name": "Mood check",
        "validated": False,
        "better": "lower",
        "licence": "Ours",
        "option_sets": {
            "scale": [{"value": 0, "label": "No"}, {"value": 1, "label": "Yes"}]
        },
        "items": [
            {"key": "q1", "text": "Low?", "options": "scale"},
            {"key": "q2", "text": "Hopeless?", "options": "scale"},
        ],
        "scoring": {"method": "sum"},
        "bands": [
            {"key": "low", "label": "Low", "low": 0, "high": 0},
            {"key": "high", "label": "High", "low": 1, "high": 2},
        ],
        "risk": [
            {"items": ["q2"], "at_least": 1, "severity": "high", "reason": "Hopeless"}
        ],
    }
    data.update(changes)
    return data


def write(tmp_path: Path, data: object, name: str = "file.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def problems(data: object) -> list[str]:
    with pytest.raises(InstrumentFileError) as caught:
        parse_instrument(data)
    return caught.value.problems


def test_it_loads_the_documented_wai_sr_example(tmp_path, _var_dir):
    instrument, target = loader.install(EXAMPLE)
    assert target == _var_dir / "instruments" / "wai_sr-1.json"
    assert target.read_bytes() == EXAMPLE.read_bytes()
    assert instrument.builtin is False
    assert [item.text for item in instrument.items] == [""] * 12
    assert [item.display for item in instrument.items][:2] == ["Item 1", "Item 2"]
    loaded = get_instrument("wai_sr")
    assert (loaded.code, loaded.version, loaded.minimum, loaded.maximum) == (
        "wai_sr",
        "1",
        12,
        60,
    )
    score = loaded.score({f"q{i}": 5 for i in range(1, 13)})
    assert score.total == 60
    assert score.subscales == {"task": 20, "bond": 20, "goal": 20}
    assert all_instruments()[-1].code == "wai_sr"


def test_a_loaded_instruments_risk_item_raises_a_flag(tmp_path):
    loader.install(write(tmp_path, minimal()))
    flags = get_instrument("mood_check").score({"q1": 0, "q2": 1}).risk_flags
    assert [(f.item_key, f.answer, f.severity, f.reason) for f in flags] == [
        ("q2", 1, "high", "Hopeless")
    ]


def test_a_prompt_rule_is_not_a_risk_flag():
    rule = {
        "items": ["q1"],
        "at_least": 1,
        "severity": "medium",
        "kind": "prompt",
        "reason": "Talk about it",
    }
    data = minimal()
    data["risk"].append(rule)
    instrument = parse_instrument(data)
    assert instrument.risk_items == ("q2",)
    score = instrument.score({"q1": 1, "q2": 0})
    assert score.risk_flags == ()
    assert [(f.item_key, f.reason) for f in score.prompts] == [("q1", "Talk about it")]


def test_it_refuses_an_unknown_rule_kind():
    data = minimal()
    data["risk"][0]["kind"] = "worry"
    assert any('kind must be "risk"' in problem for problem in problems(data))


def test_it_refuses_to_replace_a_built_in(tmp_path):
    with pytest.raises(InstrumentFileError, match="'phq9' is a built-in instrument"):
        loader.install(write(tmp_path, minimal(code="phq9")))
    assert not (tmp_path / "var" / "instruments" / "phq9-1.json").exists()


def test_it_refuses_new_contents_under_a_loaded_version(tmp_path):
    loader.install(write(tmp_path, minimal()))
    loader.install(write(tmp_path, minimal()))  # the same file again is fine
    with pytest.raises(
        InstrumentFileError, match="already loaded with different contents"
    ):
        loader.install(write(tmp_path, minimal(name="Mood check, edited")))
    loader.install(write(tmp_path, minimal(version="2", name="Mood check v2")))
    assert get_instrument("mood_check").version == "2"
    assert get_instrument("mood_check", "1").name == "Mood check"


def test_it_refuses_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InstrumentFileError, match=r"not valid JSON \(line 1, column 2"):
        loader.read_file(path)


def test_it_refuses_a_missing_file(tmp_path):
    with pytest.raises(InstrumentFileError, match="There is no such file"):
        loader.read_file(tmp_path / "absent.json")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "../etc"}, "code '../etc' must be 2–40 lower-case letters"),
        ({"version": "1/2"}, "version '1/2' may use only letters"),
        ({"better": "up"}, 'better must be "lower" or "higher"'),
        ({"items": []}, "items must be a non-empty list."),
        ({"licence": ""}, "licence is required."),
        ({"surprise": 1}, "Unknown field(s): surprise."),
        ({"format": 2}, "format must be 1"),
        ({"scoring": {"method": "median"}}, 'scoring.method must be "sum" or "mean".'),
        (
            {"scoring": {"reverse": ["q9"]}},
            "scoring.reverse must list keys of scored items.",
        ),
        (
            {"scoring": {"prorate": {"max_missing": 1}}},
            "scoring.prorate.rule must quote the authors' prorating rule",
        ),
        (
            {"bands": [{"key": "all", "low": 0, "high": 1}]},
            "bands must cover the whole range 0–2 (they cover 0–1).",
        ),
        (
            {
                "bands": [
                    {"key": "a", "low": 0, "high": 1},
                    {"key": "b", "low": 1, "high": 2},
                ]
            },
            "bands 'a' and 'b' overlap.",
        ),
        (
            {
                "bands": [
                    {"key": "a", "low": 0, "high": 0},
                    {"key": "b", "low": 2, "high": 2},
                ]
            },
            "there is a gap between bands 'a' and 'b'.",
        ),
        (
            {"bands": [{"key": "Bad Key", "low": 0, "high": 2}]},
            'band 1: key must be a snake_case name such as "moderately_severe".',
        ),
        (
            {
                "risk": [
                    {"items": ["q7"], "at_least": 1, "severity": "high", "reason": "x"}
                ]
            },
            "risk rule 1: items must list existing choice items.",
        ),
        (
            {
                "risk": [
                    {"items": ["q2"], "at_least": 5, "severity": "high", "reason": "x"}
                ]
            },
            "risk rule 1: at_least must be an answer value the items can reach.",
        ),
        (
            {
                "risk": [
                    {
                        "items": ["q2"],
                        "at_least": 1,
                        "severity": "urgent",
                        "reason": "x",
                    }
                ]
            },
            "risk rule 1: severity must be one of high, medium, low.",
        ),
        ({"reliability": 1.5}, "reliability must be between 0 and 1"),
        ({"norms": {"mean": 3}}, "norms.mean is not one of"),
        (
            {"items": [{"key": "q1", "text": "x", "options": "nope"}]},
            "item 'q1': there is no option set 'nope'.",
        ),
        (
            {
                "items": [
                    {"key": "q1", "text": "x", "options": "scale", "requird": False}
                ]
            },
            "item 'q1': unknown field(s) requird.",
        ),
        (
            {"items": [{"key": "q1", "kind": "text", "scored": True}]},
            "item 'q1': a text item cannot be scored.",
        ),
        (
            {
                "option_sets": {
                    "scale": [{"value": 0, "label": "No"}, {"value": 0, "label": "Yes"}]
                }
            },
            "option set 'scale': two options share a value.",
        ),
        (
            {"flags": [{"key": "f", "when": {"type": "sometimes"}}]},
            "flag 'f': type must be one of",
        ),
    ],
)
def test_it_explains_what_is_wrong_with_a_file(changes, message):
    found = problems(minimal(**changes))
    assert any(problem.startswith(message) for problem in found), found


def test_a_validated_file_must_cite_its_numbers():
    found = problems(minimal(validated=True, sources={"items": "Licensed copy"}))
    assert (
        'sources has no entry for "scoring": cite where those values come from.'
        in found
    )
    assert (
        'sources has no entry for "bands": cite where those values come from.' in found
    )
    assert (
        'sources has no entry for "risk": cite where those values come from.' in found
    )


def test_it_lists_every_problem_at_once():
    with pytest.raises(InstrumentFileError) as caught:
        parse_instrument(minimal(code="X", better="up", licence=""), source="f.json")
    assert str(caught.value).startswith("f.json: 3 problems:\n- ")


def test_it_skips_a_loaded_file_edited_into_nonsense(tmp_path, _var_dir):
    loader.install(write(tmp_path, minimal()))
    (_var_dir / "instruments" / "mood_check-1.json").write_text("{}", encoding="utf-8")
    loader.invalidate()
    with pytest.raises(KeyError):
        get_instrument("mood_check")


def test_it_sees_no_loaded_instruments_before_any_are_loaded():
    assert loader.loaded_instruments() == []


def test_definitions_are_read_once_per_process(tmp_path, monkeypatch):
    """Issue #13: a lookup neither lists nor reads the folder again."""
    loader.install(write(tmp_path, minimal()))
    get_instrument("mood_check")
    reads = []
    real = loader.read_file
    monkeypatch.setattr(
        loader, "read_file", lambda *a, **k: reads.append(a) or real(*a, **k)
    )
    monkeypatch.setattr(loader.Path, "glob", lambda *a: pytest.fail("listed again"))
    for _ in range(1000):
        assert get_instrument("mood_check").code == "mood_check"
        get_instrument("phq9")
    assert reads == []


def test_a_file_another_process_loaded_is_seen_without_a_restart(
    tmp_path, _var_dir, monkeypatch
):
    loader.install(write(tmp_path, minimal()))
    assert get_instrument("mood_check").version == "1"
    # As another process's load-instrument does: rename a new file into place.
    folder = _var_dir / "instruments"
    write(tmp_path, minimal(version="2")).rename(folder / "mood_check-2.json")
    stat = folder.stat()
    os.utime(folder, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    monkeypatch.setattr(loader, "RECHECK_SECONDS", 0)
    assert get_instrument("mood_check").version == "2"


def test_a_value_of_the_wrong_type_is_named_with_its_file_and_field(tmp_path):
    data = minimal(validated="yes", reliability="0.8")
    data["items"][1]["required"] = "no"
    data["items"][0]["options"] = 3
    with pytest.raises(InstrumentFileError) as caught:
        loader.read_file(write(tmp_path, data, "mood.json"))
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'mood.json'}: 4 problems:")
    assert caught.value.problems == [
        "validated must be true or false.",
        "items[1].options must be text or a list.",
        "items[2].required must be true or false.",
        "reliability must be a number.",
    ]
    # A number written as text is not taken as a number, nor 1 as true.
    assert problems(minimal(format="1")) == ["format must be a whole number."]
    assert problems(minimal(validated=1)) == ["validated must be true or false."]
