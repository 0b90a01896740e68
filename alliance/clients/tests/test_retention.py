"""``alliance retention``: which records are due for disposal review. It lists
and audits; it never deletes or changes anything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from alliance.audit.models import AuditEvent
from alliance.clients.retention import (
    BIRTHDAY_25,
    BIRTHDAY_26,
    YEARS_AFTER_CARE,
    add_years,
    due_date,
    due_for_disposal,
)
from alliance.clients.services import open_episode, transition_episode
from conftest import make_client


@pytest.fixture(autouse=True)
def _eight_years(practice, monkeypatch):
    """These tests were written around an 8-year period (the Code's general
    adult rule); the default for therapy records is 20."""
    from alliance.accounts.models import Practice

    practice.retention_years = 8
    practice.save(update_fields=["retention_years"])
    field = Practice._meta.get_field("retention_years")
    monkeypatch.setattr(field, "default", 8)


def _closed(clinician, name, *, at, born=date(1980, 4, 2), discharge="completed"):
    """A client whose only episode closed at ``at`` (UTC)."""
    opened = datetime(at.year - 1, 1, 10, 9, 0, tzinfo=UTC)
    client = make_client(clinician, given_name=name, date_of_birth=born, at=opened)
    transition_episode(
        client.current_episode(),
        "closed",
        by=clinician,
        reason="Care ended.",
        discharge=discharge,
        at=at,
    )
    return client


def _noon(day):
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


def run(*args):
    out = StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def run_json(*args):
    return json.loads(run(*args, "--json"))


def listed(*args):
    return [
        row["client"]
        for practice in run_json(*args)["practices"]
        for row in practice["due"]
    ]


def refused(*args):
    with pytest.raises(CommandError) as caught:
        call_command("retention", *args, stdout=StringIO())
    assert caught.value.returncode == 2
    return str(caught.value)


# -- the rule -------------------------------------------------------------------


def test_an_adult_record_is_due_on_the_anniversary():
    day, rule = due_date(closed_on=date(2015, 6, 10), born=date(1980, 1, 1), years=8)
    assert (day, rule) == (date(2023, 6, 10), YEARS_AFTER_CARE)


@pytest.mark.parametrize(
    ("born", "due", "rule"),
    [
        # 17 when care ended: the 26th birthday, later than 8 years after.
        (date(2000, 1, 15), date(2026, 1, 15), BIRTHDAY_26),
        # 15 when care ended: the 25th birthday.
        (date(2002, 3, 1), date(2027, 3, 1), BIRTHDAY_25),
        # 18 on the day care ended: an adult.
        (date(1999, 6, 10), date(2025, 6, 10), YEARS_AFTER_CARE),
    ],
)
def test_a_child_s_record_is_kept_to_the_25th_or_26th_birthday(born, due, rule):
    assert due_date(closed_on=date(2017, 6, 10), born=born, years=8) == (due, rule)


def test_a_longer_practice_period_wins_over_the_birthday():
    day, rule = due_date(closed_on=date(2017, 6, 10), born=date(2002, 3, 1), years=20)
    assert (day, rule) == (date(2037, 6, 10), YEARS_AFTER_CARE)


def test_29_february_moves_to_1_march_never_earlier():
    assert add_years(date(2016, 2, 29), 8) == date(2024, 2, 29)
    assert add_years(date(2016, 2, 29), 1) == date(2017, 3, 1)


# -- who is listed ----------------------------------------------------------------


def test_the_day_before_the_due_day_it_is_not_listed_and_on_the_day_it_is(
    practice, alice
):
    client = _closed(alice, "Ivy", at=_noon(date(2015, 6, 10)))
    assert due_for_disposal(practice, date(2023, 6, 9)) == []
    [record] = due_for_disposal(practice, date(2023, 6, 10))
    assert record.client_uuid == str(client.uuid)
    assert record.due_since == date(2023, 6, 10)
    assert record.last_closed == date(2015, 6, 10)
    assert record.initials == "IE"
    assert record.discharge_reason == "completed"


def test_the_closing_day_is_the_practice_s_local_day(practice, alice):
    # 23:30 UTC on 10 June is 00:30 on 11 June in London (summer time).
    _closed(alice, "Ivy", at=datetime(2015, 6, 10, 23, 30, tzinfo=UTC))
    assert due_for_disposal(practice, date(2023, 6, 10)) == []
    [record] = due_for_disposal(practice, date(2023, 6, 11))
    assert record.last_closed == date(2015, 6, 11)


def test_the_practice_sets_the_years(practice, alice):
    _closed(alice, "Ivy", at=_noon(date(2015, 6, 10)))
    practice.retention_years = 20
    practice.save(update_fields=["retention_years"])
    assert due_for_disposal(practice, date(2034, 6, 10)) == []
    assert len(due_for_disposal(practice, date(2035, 6, 10))) == 1


def test_minors_at_closing(practice, alice):
    seventeen = _closed(
        alice, "Sol", born=date(2000, 1, 15), at=_noon(date(2017, 6, 10))
    )
    fifteen = _closed(alice, "Fay", born=date(2002, 3, 1), at=_noon(date(2017, 6, 10)))
    # Eight years after care ended, neither is due yet.
    assert due_for_disposal(practice, date(2025, 6, 10)) == []
    assert listed("--as-of", "2026-01-14") == []
    assert listed("--as-of", "2026-01-15") == [str(seventeen.uuid)]
    assert listed("--as-of", "2027-02-28") == [str(seventeen.uuid)]
    assert listed("--as-of", "2027-03-01") == [str(seventeen.uuid), str(fifteen.uuid)]
    rules = {
        row["client"]: row["rule"]
        for row in run_json("--as-of", "2027-03-01")["practices"][0]["due"]
    }
    assert rules == {str(seventeen.uuid): BIRTHDAY_26, str(fifteen.uuid): BIRTHDAY_25}


def test_a_client_with_an_open_episode_is_never_listed(practice, alice):
    client = _closed(alice, "Ivy", at=_noon(date(2010, 6, 10)))
    open_episode(client, by=alice, reason="Came back", previous=client.episodes.get())
    assert listed("--as-of", "2040-01-01") == []


def test_a_client_in_care_now_is_never_listed(practice, alice, cleo):
    assert listed("--as-of", "2099-01-01") == []


def test_the_last_of_several_episodes_counts(practice, alice):
    client = _closed(alice, "Ivy", at=_noon(date(2010, 6, 10)))
    again = open_episode(
        client,
        by=alice,
        reason="Came back",
        previous=client.episodes.get(),
        at=_noon(date(2014, 1, 6)),
    )
    transition_episode(
        again,
        "closed",
        by=alice,
        reason="Ended",
        discharge="moved",
        at=_noon(date(2015, 6, 10)),
    )
    assert listed("--as-of", "2023-06-09") == []
    [row] = run_json("--as-of", "2023-06-10")["practices"][0]["due"]
    assert (row["last_closed"], row["discharge_reason"]) == ("2015-06-10", "moved")
    assert row["discharge_label"] == "Client moved away"


def test_it_filters_by_practice(practice, other_practice, alice):
    from alliance.accounts.models import User

    here = _closed(alice, "Ivy", at=_noon(date(2010, 6, 10)))
    olga = User.objects.create_user(
        "olga@example.org",
        "pw",
        full_name="Olga Other",
        role="clinician",
        practice=other_practice,
    )
    there = _closed(olga, "Tom", at=_noon(date(2010, 6, 10)))
    assert sorted(listed("--as-of", "2024-01-01")) == sorted(
        [str(here.uuid), str(there.uuid)]
    )
    only = run_json("--as-of", "2024-01-01", "--practice", str(other_practice.uuid))
    assert [p["practice"] for p in only["practices"]] == [str(other_practice.uuid)]
    assert [row["client"] for row in only["practices"][0]["due"]] == [str(there.uuid)]
    assert only["total"] == 1


# -- output -----------------------------------------------------------------------


def test_the_json_is_machine_readable(practice, alice):
    client = _closed(alice, "Ivy", at=_noon(date(2015, 6, 10)), discharge="dropped_out")
    result = run_json("--as-of", "2024-01-01")
    assert result["as_of"] == "2024-01-01"
    assert result["total"] == 1
    [report] = result["practices"]
    assert report["practice"] == str(practice.uuid)
    assert report["name"] == "Riverside Therapy"
    assert report["retention_years"] == 8
    assert report["as_of"] == "2024-01-01"
    assert report["due"] == [
        {
            "client": str(client.uuid),
            "initials": "IE",
            "last_closed": "2015-06-10",
            "discharge_reason": "dropped_out",
            "discharge_label": "Client stopped attending",
            "due_since": "2023-06-10",
            "rule": "years_after_care",
        }
    ]


def test_the_table_shows_uuid_initials_dates_and_a_total_but_no_names(practice, alice):
    client = _closed(alice, "Ivy", at=_noon(date(2015, 6, 10)))
    output = run("--as-of", "2024-01-01")
    assert "Riverside Therapy" in output
    assert "records kept 8 years after care ends; as of 2024-01-01" in output
    row = next(line for line in output.splitlines() if str(client.uuid) in line)
    assert row.split() == [
        str(client.uuid),
        "IE",
        "2015-06-10",
        "completed",
        "2023-06-10",
        "8",
        "years",
        "after",
        "care",
    ]
    assert "Ivy" not in output
    assert "Example" not in output
    assert output.splitlines()[-1] == (
        "Total: 1 client record due for disposal review. Nothing was deleted or "
        "changed."
    )


def test_with_nothing_due_it_says_so(practice):
    output = run("--as-of", "2024-01-01")
    assert "No client records are due." in output
    assert output.splitlines()[-1].startswith("Total: 0 client records due")


# -- it changes nothing, and says what it did -------------------------------------


def _counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.managed and model is not AuditEvent
    }


def test_it_deletes_and_changes_nothing(practice, alice, cleo):
    client = _closed(alice, "Ivy", at=_noon(date(2010, 6, 10)))
    before = _counts()
    episode = client.episodes.get()
    run("--as-of", "2024-01-01")
    run_json("--as-of", "2024-01-01")
    assert _counts() == before
    episode.refresh_from_db()
    assert (episode.phase, episode.discharge_reason) == ("closed", "completed")


def test_it_records_one_audit_event_per_run(practice, alice):
    _closed(alice, "Ivy", at=_noon(date(2010, 6, 10)))
    run("--as-of", "2024-01-01", "--practice", str(practice.uuid))
    event = AuditEvent.objects.get(action="retention.list")
    assert event.actor is None
    assert event.actor_label == "system"
    assert event.detail["as_of"] == "2024-01-01"
    assert event.detail["practice"] == str(practice.uuid)
    assert event.detail["practices"] == 1
    assert event.detail["due"] == 1


# -- bad input --------------------------------------------------------------------


@pytest.mark.parametrize("day", ["2026-02-30", "yesterday", "31/01/2026", ""])
def test_a_bad_date_exits_2(practice, day):
    assert "is not a date; write it as YYYY-MM-DD" in refused("--as-of", day)
    assert not AuditEvent.objects.filter(action="retention.list").exists()


@pytest.mark.parametrize(
    "value", ["not-a-uuid", "3f1c1e2a-0000-4000-8000-000000000000", "' OR 1=1--"]
)
def test_an_unknown_practice_exits_2(practice, value):
    assert "There is no practice" in refused("--practice", value)
    assert not AuditEvent.objects.filter(action="retention.list").exists()


def test_the_alliance_command_prints_the_message_on_stderr(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "alliance.cli", "retention", "--as-of", "2026-13-01"],
        capture_output=True,
        text=True,
        env={**os.environ, "DEBUG": "1", "ALLIANCE_VAR_DIR": str(tmp_path)},
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "'2026-13-01' is not a date; write it as YYYY-MM-DD" in result.stderr
