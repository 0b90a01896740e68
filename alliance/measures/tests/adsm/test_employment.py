"""Employment status at the start and the end of an episode, and the WSAS and
employment summary for the outcomes page and the per-episode CSV."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.measures.employment import (
    EpisodeWork,
    episode_employment_fields,
    practice_work_summary,
    summarise,
)
from alliance.measures.models import EmploymentStatus
from alliance.measures.services import record_employment
from alliance.measures.tests.adsm.helpers import record
from conftest import make_client


def test_one_status_per_stage_the_latest_kept(cleo, alice):
    episode = cleo.current_episode()
    record_employment(episode, stage="start", status="02", by=alice)
    record_employment(episode, stage="start", status="04", by=alice)
    record_employment(episode, stage="end", status="01", by=alice)
    rows = {r.stage: r.status for r in EmploymentStatus.objects.filter(episode=episode)}
    assert rows == {"start": "04", "end": "01"}
    details = [
        e.detail
        for e in AuditEvent.objects.filter(action="employment_status.record").order_by(
            "pk"
        )
    ]
    assert details[1] == {"stage": "start", "status": "04", "before": "02"}
    assert details[2] == {"stage": "end", "status": "01", "before": None}


@pytest.mark.parametrize(
    ("stage", "status", "message"),
    [("later", "01", "at assessment or at the end"), ("start", "99", "from the list")],
)
def test_bad_input_is_refused(cleo, alice, stage, status, message):
    with pytest.raises(ValidationError, match=message):
        record_employment(cleo.current_episode(), stage=stage, status=status, by=alice)
    assert not EmploymentStatus.objects.exists()


def test_the_chart_records_and_shows_the_status(as_user, alice, cleo):
    http = as_user(alice)
    episode = cleo.current_episode()
    url = reverse("measures:employment", args=[episode.uuid])
    response = http.post(url, {"stage": "start", "status": "02"}, follow=True)
    assert "Employment status at assessment: unemployed and looking for work." in (
        response.content.decode()
    )
    assert "Unemployed and looking for work" in response.content.decode()
    response = http.post(url, {"stage": "start", "status": "x"}, follow=True)
    assert "The employment status was not saved." in response.content.decode()
    assert EmploymentStatus.objects.get(episode=episode).status == "02"


def test_changes_between_start_and_end():
    assert EpisodeWork(1, start="02", end="01").change == "into_work"
    assert EpisodeWork(1, start="01", end="04").change == "out_of_work"
    assert EpisodeWork(1, start="01", end="01").change == "stayed_employed"
    assert EpisodeWork(1, start="03", end="08").change == "stayed_not_employed"
    assert EpisodeWork(1, start="ZZ", end="01").change == ""
    assert EpisodeWork(1, start="02").change == ""


def test_the_summary_means_and_counts():
    rows = [
        EpisodeWork(1, 24, 12, 3, "02", "01"),
        EpisodeWork(2, 16, 14, 2, "01", "01"),
        EpisodeWork(3, 30, None, 1, "01", ""),
        EpisodeWork(4, None, None, 0, "04", "04"),
    ]
    summary = summarise(rows)
    assert summary.wsas_paired == 2
    assert (summary.wsas_mean_first, summary.wsas_mean_last) == (20, 13)
    assert summary.wsas_mean_change == -7
    assert (summary.start_recorded, summary.both_recorded) == (4, 3)
    assert (summary.employed_at_start, summary.employed_at_end) == (2, 2)
    assert summary.changes == {
        "into_work": 1,
        "out_of_work": 0,
        "stayed_employed": 1,
        "stayed_not_employed": 1,
    }
    html = render_to_string("measures/_wsas_employment.html", {"work": summary})
    assert "Mean 20.0 at the first score and 13.0 at the last" in html
    assert "1 moved into work" in html


def test_fields_and_practice_summary_from_the_record(practice, alice):
    client = make_client(alice, given_name="Wes")
    episode = client.current_episode()
    record(episode, "wsas", [26, 18, 9])
    record_employment(episode, stage="start", status="04", by=alice)
    record_employment(episode, stage="end", status="01", by=alice)
    assert episode_employment_fields(episode) == {
        "wsas_first": "26",
        "wsas_last": "9",
        "wsas_change": "-17",
        "employment_at_start": "Long-term sick or disabled",
        "employment_at_end": "Employed",
        "employment_change": "into work",
    }
    summary = practice_work_summary(practice)
    assert summary.wsas_paired == 1
    assert summary.changes["into_work"] == 1
    assert practice_work_summary(practice, clinician_ids=[]).wsas_paired == 0
