from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from alliance.techniques.tests.helpers import write_technique


def run(*args):
    out = StringIO()
    call_command("check_techniques", *args, stdout=out)
    return out.getvalue()


def test_it_passes_the_built_in_library():
    output = run()
    assert "PROBLEM" not in output
    assert output.splitlines()[-1] == "28 technique files valid, 0 with problems."


def test_it_lists_every_file_when_verbose():
    output = run("--verbosity", "2")
    assert output.count("ok       ") == 28


def test_it_reports_practice_additions_and_overrides(practice_folder):
    write_technique(practice_folder, "walking-therapy")
    write_technique(practice_folder, "body-scan", approach="mindfulness_relaxation")
    output = run()
    assert f"Practice techniques: {practice_folder}\n" in output
    assert (
        f"ok       {practice_folder / 'body-scan.toml'} (replaces the built-in version)"
        in output
    )
    assert f"ok       {practice_folder / 'walking-therapy.toml'} (added)" in output
    assert output.splitlines()[-1] == "30 technique files valid, 0 with problems."


def test_it_says_when_the_practice_folder_is_absent(settings, tmp_path):
    settings.ALLIANCE_TECHNIQUES_DIR = tmp_path / "absent"
    assert "(no such folder; none added yet)" in run()


def test_it_lists_problems_and_exits_2(practice_folder):
    write_technique(practice_folder, "walking-therapy")
    write_technique(practice_folder, "broken", approach="astrology", version=0)
    (practice_folder / "extra.yaml").write_text("name: YAML is not read\n")
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("check_techniques", stdout=out)
    assert caught.value.returncode == 2
    assert str(caught.value) == (
        "2 technique files could not be used and will be skipped until corrected."
    )
    lines = out.getvalue().splitlines()
    broken = lines.index(f"PROBLEM  {practice_folder / 'broken.toml'}")
    assert lines[broken + 1 : broken + 3] == [
        "    - approach: 'astrology' is not known; use one of: cbt, psychodynamic, "
        "solution_focused, mindfulness_relaxation, skills.",
        "    - version: must be a whole number, 1 or more.",
    ]
    extra = lines.index(f"PROBLEM  {practice_folder / 'extra.yaml'}")
    assert lines[extra + 1] == "    - is not read: technique files must end in .toml."
    assert lines[-1] == "29 technique files valid, 2 with problems."


def test_the_alliance_command_exits_2(practice_folder, monkeypatch, capsys):
    from alliance.cli import main

    write_technique(practice_folder, "broken", steps=[])
    with pytest.raises(SystemExit) as caught:
        main(["alliance", "check-techniques"])
    assert caught.value.code == 2
    assert "CommandError: 1 technique file could not be used" in capsys.readouterr().err
