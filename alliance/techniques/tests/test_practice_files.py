from __future__ import annotations

import logging
import os

import pytest

from alliance.techniques.library import (
    all_techniques,
    get_technique,
    practice_dir,
    search,
)
from alliance.techniques.tests.helpers import write_technique


def test_it_reads_the_practice_folder_from_the_setting(settings, tmp_path):
    settings.ALLIANCE_TECHNIQUES_DIR = str(tmp_path / "elsewhere")
    assert practice_dir() == tmp_path / "elsewhere"


def test_it_defaults_to_the_var_folder(settings, tmp_path):
    del settings.ALLIANCE_TECHNIQUES_DIR
    settings.VAR_DIR = tmp_path
    assert practice_dir() == tmp_path / "techniques"


def test_a_missing_practice_folder_leaves_the_built_in_library(settings, tmp_path):
    built_in = len(all_techniques())
    settings.ALLIANCE_TECHNIQUES_DIR = tmp_path / "absent"
    assert len(all_techniques()) == built_in


def test_it_adds_a_practice_technique(practice_folder):
    built_in = len(all_techniques())
    write_technique(practice_folder, "walking-therapy")
    technique = get_technique("walking-therapy")
    assert technique.source == "practice"
    assert technique.is_practice_version is True
    assert technique.name == "Walking and talking"
    assert len(all_techniques()) == built_in + 1
    assert [t.slug for t in search("walking", approach="skills")] == ["walking-therapy"]


def test_a_practice_file_overrides_the_built_in_one(practice_folder):
    built_in = len(all_techniques())
    write_technique(
        practice_folder,
        "paced-breathing",
        name="Paced breathing (our version)",
        approach="mindfulness_relaxation",
    )
    technique = get_technique("paced-breathing")
    assert technique.source == "practice"
    assert technique.name == "Paced breathing (our version)"
    assert len(all_techniques()) == built_in
    assert [t.slug for t in all_techniques()].count("paced-breathing") == 1


def test_it_reloads_a_changed_file(practice_folder):
    path = write_technique(practice_folder, "walking-therapy", version=1)
    assert get_technique("walking-therapy").version == 1
    write_technique(practice_folder, "walking-therapy", version=2)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert get_technique("walking-therapy").version == 2


def test_it_forgets_a_removed_file(practice_folder):
    path = write_technique(practice_folder, "walking-therapy")
    assert get_technique("walking-therapy").source == "practice"
    path.unlink()
    with pytest.raises(KeyError):
        get_technique("walking-therapy")


def test_it_skips_and_logs_an_invalid_file(practice_folder, caplog):
    built_in = len(all_techniques())
    write_technique(practice_folder, "walking-therapy")
    write_technique(practice_folder, "broken", approach="astrology", problems=[])
    (practice_folder / "garbled.toml").write_text("name = 'unclosed\n")
    with caplog.at_level(logging.WARNING, logger="alliance.techniques.library"):
        techniques = all_techniques()
    assert len(techniques) == built_in + 1
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        f"Skipping technique file {practice_folder / 'broken.toml'}",
        f"Skipping technique file {practice_folder / 'garbled.toml'}",
    ]
    assert "approach: 'astrology' is not known" in caplog.records[0].getMessage()


def test_an_invalid_override_keeps_the_built_in_version(practice_folder):
    write_technique(practice_folder, "body-scan", steps=[])
    assert get_technique("body-scan").source == "built-in"


def test_it_ignores_files_that_are_not_toml(practice_folder):
    built_in = len(all_techniques())
    (practice_folder / "notes.txt").write_text("Ideas for new techniques")
    (practice_folder / ".walking-therapy.toml.swp").write_text("editor swap file")
    assert len(all_techniques()) == built_in
