"""The PostgreSQL leg's selection (``--database-tests-only``, alliance/testing.py):
it keeps every test that can reach the database and leaves out the rest, which
the SQLite leg has run and which answer alike on any engine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _collected(*args: str) -> set[str]:
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist"),
            *args,
            "alliance/core/tests/test_health.py",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return {line.split("::")[1] for line in done.stdout.splitlines() if "::" in line}


def test_the_database_leg_keeps_what_reaches_the_database():
    every = _collected()
    database = _collected("--database-tests-only")
    reaching = {
        # The db fixture, directly or through another fixture.
        "test_it_answers_readyz_when_database_and_keys_are_there",
        "test_it_names_the_keys_when_they_cannot_be_loaded",
        # A server of its own on the leg's database: the every_engine mark.
        "test_it_fails_honestly_when_the_database_is_dropped",
    }
    assert database == reaching
    assert every - database == {
        "test_it_answers_healthz_without_touching_the_database",
        "test_it_answers_503_when_a_view_loses_the_database",
        "test_it_leaves_other_errors_to_the_500_handler",
    }
