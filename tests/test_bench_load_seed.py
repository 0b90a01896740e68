"""``bench/load.py`` seeds the people its load test drives and the pages they
open: a run on a fresh machine must not stop at seeding (a renamed URL once
broke it unnoticed), and every page it will request answers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from django.test import Client as HttpClient

from alliance.accounts.models import User
from conftest import log_in

LOAD = Path(__file__).resolve().parent.parent / "bench" / "load.py"


def _load_module():
    spec = importlib.util.spec_from_file_location("bench_load", LOAD)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_load_test_seeds_people_whose_pages_answer(db):
    load = _load_module()
    clinicians, clients = load.seed(1, 1)
    assert [c["email"] for c in clients] == ["portal0@load.example"]
    [clinician] = clinicians
    http = log_in(HttpClient(), User.objects.get(email=clinician["email"]))
    assert len(clinician["charts"]) == 3
    for chart, history in clinician["charts"]:
        assert http.get(chart).status_code == 200
        assert http.get(history).status_code == 200
    # A second run finds the same accounts.
    again, _ = load.seed(1, 1)
    assert again[0]["email"] == clinician["email"]
    assert sorted(again[0]["charts"]) == sorted(clinician["charts"])
