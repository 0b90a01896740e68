"""The command-line interface: JSON on stdout, exit 2 with a message on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

EXAMPLE = Path(__file__).resolve().parents[4] / "docs" / "examples" / "wai_sr.json"


def run(*args: str) -> dict:
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command(*args, stdout=StringIO())
    assert caught.value.returncode == 2
    return str(caught.value)


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def test_score_prints_the_published_fields():
    result = run("score", "phq9", "1", "2", "0", "3", "1", "0", "2", "1", "1")
    assert result["instrument"] == "phq9"
    assert result["total"] == 11
    assert result["band"] == "moderate"
    assert result["caseness"] is True
    assert result["subscales"] == {}
    assert [flag["item_key"] for flag in result["risk_flags"]] == ["q9"]


def test_score_takes_named_answers_labels_and_skips():
    result = run("score", "auditc", "2", "1", "0", "sex=female")
    assert (result["total"], result["caseness"]) == (3, True)
    result = run("score", "core10", "1", "3", "3", "1", "1", "1", "1", "1", "1", "-")
    assert (result["total"], result["prorated"]) == (10, True)
    result = run("score", "phq9", *["0"] * 9, "q10=2")
    assert result["total"] == 0


def test_score_prints_snake_case_band_names():
    assert run("score", "phq9", *["2"] * 8, "0")["band"] == "moderately_severe"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("score", "bdi", "1"), "There is no instrument 'bdi'"),
        (("score", "phq9", "1", "2"), "Items 3, 4, 5, 6, 7, 8 and 9 have no answer."),
        (
            ("score", "phq9", *["4"] * 9),
            "Item 1: 4 is not one of its answers (0, 1, 2, 3).",
        ),
        (("score", "phq9", *["0"] * 11), "Too many answers"),
        (("score", "phq9", "x"), "Answer 'x' for item 1 is not a number"),
        (("score", "phq9", "q99=1"), "The PHQ-9 has no item 'q99'"),
    ],
)
def test_score_refuses_bad_answers(args, message):
    assert message in refused(*args)


def test_change_prints_rci_category_and_cutoffs():
    result = run("change", "core10", "20", "8")
    assert result["category"] == "reliable_improvement"
    assert result["cutoffs"] == {"a": 4.3, "b": 14.3, "c": 10.46}
    assert result["clinically_significant"] is True
    assert result["difference"] == -12
    # The published 6-point threshold decides, so no RCI is printed beside it.
    assert result["method"] == "threshold"
    assert result["threshold"] == 6
    assert result["rci"] is None
    assert result["s_diff"] is None


def test_change_with_a_custom_measure():
    result = run(
        "change",
        "custom",
        "32",
        "12",
        "--reliability",
        "0.8",
        "--sd",
        "8",
        "--m-clin",
        "34",
        "--sd-clin",
        "8",
        "--m-func",
        "8",
        "--sd-func",
        "8",
        "--better",
        "lower",
        "--cutoff",
        "c",
    )
    assert result["category"] == "reliable_improvement"
    assert result["cutoffs"]["c"] == 21
    assert result["clinically_significant"] is True


def test_change_offers_the_packages_criterion_b():
    result = run("change", "core10", "20", "8", "--b-sd", "clin", "--cutoff", "b")
    assert result["cutoffs"]["b"] == 20.1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("change", "custom", "10", "5", "--reliability", "0.8", "--sd", "5"),
            "Say which direction",
        ),
        (("change", "pcl5", "50", "30"), "no published reliable-change threshold"),
        (("change", "phq9", "30", "3"), "outside the PHQ-9 range"),
    ],
)
def test_change_refuses_what_it_cannot_decide(args, message):
    assert message in refused(*args)


def test_outcome_prints_the_nhs_flags():
    result = run("outcome", "--phq9", "18,7", "--gad7", "14,5", "--sessions", "6")
    assert result["reliable_recovery"] is True
    assert result["phq9_change"] == -11


def test_outcome_refuses_a_malformed_pair():
    assert "--phq9 needs exactly 2 numbers" in refused(
        "outcome", "--phq9", "18", "--gad7", "14,5", "--sessions", "6"
    )
    assert "outside 0–27" in refused(
        "outcome", "--phq9", "30,7", "--gad7", "14,5", "--sessions", "6"
    )


def test_gas_prints_the_t_score_with_negative_ratings():
    assert run("gas", "--ratings", "-1,0,2", "--weights", "1,2,1")["t_score"] == 53.3333
    assert run("gas", "--ratings", "0,0,0")["t_score"] == 50


def test_gas_refuses_bad_ratings():
    assert "one of" in refused("gas", "--ratings", "3,0")
    assert "whole numbers" in refused("gas", "--ratings", "0.5")


def _csv(tmp_path: Path, text: str) -> str:
    path = tmp_path / "cohort.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_cohort_prints_categories_and_counts(tmp_path):
    path = _csv(tmp_path, "id,pre,post\na,20,8\nb,20,15\nc,8,20\n")
    result = run("cohort", path, "--instrument", "core10", "--cutoff", "c")
    assert result["counts"] == {
        "recovered": 1,
        "improved": 0,
        "unchanged": 1,
        "deteriorated": 0,
        "harmed": 1,
    }
    assert [client["id"] for client in result["clients"]] == ["a", "b", "c"]


def test_cohort_with_a_reliability_only(tmp_path):
    path = _csv(tmp_path, "id,pre,post\na,30,10\nb,25,24\nc,35,30\n")
    result = run(
        "cohort", path, "--reliability", "0.8", "--better", "lower", "--cutoff", "a"
    )
    assert result["method"] == "rci"
    assert result["n"] == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b,c\n1,2,3\n", "the first row must name the columns id,pre,post"),
        ("id,pre,post\na,20,8\nb,twenty,8\n", "row 3: pre 'twenty' is not a number"),
        ("id,pre,post\na,20,8\na,20,9\n", "row 3: id 'a' appears twice"),
        ("id,pre,post\n,20,8\n", "row 2: the id is empty"),
        ("id,pre,post\na,20,41\n", "row 2: post 41 is outside the CORE-10 range 0–40"),
        ("id,pre,post\n", "no data rows"),
    ],
)
def test_cohort_names_the_bad_row(tmp_path, text, message):
    assert message in refused("cohort", _csv(tmp_path, text), "--instrument", "core10")


def test_cohort_needs_an_instrument_or_a_reliability(tmp_path):
    path = _csv(tmp_path, "id,pre,post\na,1,2\n")
    assert "Give --instrument or --reliability" in refused("cohort", path)


def test_cohort_reports_a_missing_file(tmp_path):
    assert "No such file" in refused(
        "cohort", str(tmp_path / "absent.csv"), "--reliability", "0.8"
    )


def test_load_instrument_checks_then_loads(settings):
    checked = run("load_instrument", str(EXAMPLE), "--check")
    assert (checked["code"], checked["loaded"], checked["path"]) == (
        "wai_sr",
        False,
        None,
    )
    assert not (Path(settings.VAR_DIR) / "instruments").exists()
    loaded = run("load_instrument", str(EXAMPLE))
    assert loaded["loaded"] is True
    assert loaded["path"] == str(
        Path(settings.VAR_DIR) / "instruments" / "wai_sr-1.json"
    )
    assert run("score", "wai_sr", *["3"] * 12)["total"] == 36


def test_load_instrument_refuses_an_invalid_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"code": "phq9"}), encoding="utf-8")
    message = refused("load_instrument", str(path))
    assert "version is required." in message
    assert "items must be a non-empty list." in message


def test_load_instrument_names_the_file_and_field_of_a_malformed_value(tmp_path):
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["items"][2]["required"] = "yes"
    path = tmp_path / "wai.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    message = refused("load_instrument", str(path))
    assert f"{path}: items[3].required must be true or false." in message


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "alliance.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=120,
        check=False,
    )


def test_the_alliance_command_exits_0_with_json_and_2_with_a_message():
    ok = _cli("score", "phq9", "1", "2", "0", "3", "1", "0", "2", "1", "0")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["total"] == 10
    bad = _cli("score", "phq9", "7")
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert "Item 1: 7 is not one of its answers (0, 1, 2, 3)." in bad.stderr
    hyphenated = _cli("load-instrument", str(EXAMPLE), "--check")
    assert hyphenated.returncode == 0, hyphenated.stderr
