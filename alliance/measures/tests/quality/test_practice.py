"""The US measures for a practice, from scores and diagnoses recorded through
the services, and the ``alliance quality`` command."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from alliance.measures.quality import quality_summary
from alliance.measures.services import record_administration
from alliance.measures.tests.adsm.helpers import answers_for, diagnose
from conftest import make_client


def _phq(episode, total, day):
    at = datetime.combine(day, time(12), tzinfo=episode.client.practice.zone)
    record_administration(
        episode, "phq9", answers_for("phq9", total), by=episode.clinician, at=at
    )


def _client(clinician, name, codes, scores, **extra):
    client = make_client(clinician, given_name=name, **extra)
    episode = client.current_episode()
    first = scores[0][0]
    diagnose(
        episode,
        *codes,
        at=datetime.combine(first, time(9), tzinfo=client.practice.zone),
    )
    for day, total in scores:
        _phq(episode, total, day)
    return client


@pytest.fixture
def world(alice):
    dep = (("icd10cm", "F32.1"),)
    _client(alice, "Remits", dep, [(date(2024, 2, 1), 16), (date(2025, 2, 10), 3)])
    _client(alice, "Responds", dep, [(date(2024, 3, 1), 18), (date(2025, 3, 1), 9)])
    _client(alice, "Mild", dep, [(date(2024, 3, 1), 9), (date(2025, 3, 1), 2)])
    _client(
        alice,
        "Anxious",
        (("icd10cm", "F41.1"),),
        [(date(2024, 3, 1), 15), (date(2025, 3, 1), 2)],
    )
    _client(
        alice,
        "Bipolar",
        (("icd10cm", "F32.1"), ("icd10cm", "F31.3")),
        [(date(2024, 3, 1), 15), (date(2025, 3, 1), 2)],
    )
    _client(
        alice,
        "Young",
        dep,
        [(date(2024, 4, 1), 12), (date(2025, 4, 1), 4)],
        date_of_birth=date(2008, 11, 1),
    )


def test_the_practice_figures(practice, world):
    summary = quality_summary(
        practice, date(2024, 1, 1), date(2024, 12, 31), as_of=date(2026, 1, 1)
    )
    twelve = {r.measure.key: r for r in summary.results}["remission_12"]
    # Index events: Remits, Responds, Bipolar, Young (Mild's 9 is not above 9;
    # Anxious has no depression diagnosis).
    assert (twelve.initial, twelve.excluded, twelve.denominator) == (4, 1, 3)
    assert twelve.numerator == 2  # Remits 3, Young 4; Responds 9
    assert twelve.by_stratum == {"18 and over": [1, 2], "12–17": [1, 1]}
    response = {r.measure.key: r for r in summary.results}["response_12"]
    assert response.numerator == 3  # 18 → 9 is exactly half
    assert summary.exclusions["Bipolar disorder"] == 1


def test_the_command_prints_json(practice, world):
    out = StringIO()
    call_command(
        "quality",
        "--practice",
        str(practice.uuid),
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--as-of",
        "2026-01-01",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    first = result["measures"][0]
    assert first["ids"] == "CMS159v12 · NQF 0710"
    assert (first["numerator"], first["denominator"], first["percent"]) == (2, 3, 66.7)
    assert any("palliative" in line for line in result["exclusions_not_applied"])


def test_the_command_refuses_bad_input(practice):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command(
            "quality",
            "--practice",
            str(practice.uuid),
            "--from",
            "soon",
            "--to",
            "2024-12-31",
        )
    with pytest.raises(CommandError, match="no practice"):
        call_command(
            "quality",
            "--practice",
            "nope",
            "--from",
            "2024-01-01",
            "--to",
            "2024-12-31",
        )
    with pytest.raises(CommandError, match="end on or after"):
        call_command(
            "quality",
            "--practice",
            str(practice.uuid),
            "--from",
            "2024-12-31",
            "--to",
            "2024-01-01",
        )


def test_the_partial_shows_the_figures(practice, world):
    from django.template.loader import render_to_string

    summary = quality_summary(
        practice, date(2024, 1, 1), date(2024, 12, 31), as_of=date(2026, 1, 1)
    )
    html = render_to_string("measures/_us_quality.html", {"us_quality": summary})
    assert "CMS159v12 · NQF 0710" in html
    assert "2 / 3 (66.7%)" in html
    assert "Hospice or palliative care" in html
    assert "<td>1 / 1</td>" in html  # the 12–17 stratum


def test_the_outcome_sections_render_together(practice, world):
    from django.template.loader import render_to_string

    from alliance.measures.outcome_sections import outcome_sections

    context = outcome_sections(
        practice, start_day=date(2024, 1, 1), end_day=date(2024, 12, 31)
    )
    assert context["us_quality"].results[0].numerator == 2
    html = render_to_string("measures/_outcome_sections.html", context)
    for heading in (
        "Outcomes on the paired anxiety measure",
        "Functioning and employment",
        "US depression measures",
    ):
        assert heading in html
    default = outcome_sections(practice, today=date(2026, 1, 1))
    assert default["us_quality"].end == date(2024, 11, 1)
