"""The outcomes CSV: the page's rows, as an attachment, audited, and safe to
open in a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.measures.outcomes_views import _csv_cell
from alliance.measures.tests.outcomes.helpers import scored_episode

URL = reverse("measures:outcomes_csv")


@pytest.fixture
def episodes(alice, bob):
    return [
        scored_episode(alice, "Rowena", phq9=(18, 7), gad7=(14, 5), sessions=2),
        scored_episode(bob, "Tobias", phq9=(10, 16), gad7=(9, 9), sessions=2),
    ]


def _rows(response):
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def test_it_downloads_the_rows_of_the_page(as_user, alice, episodes):
    response = as_user(alice).get(f"{URL}?since=2020-01-01&until=2100-01-01")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="alliance-outcomes-from-2020-01-01-to-2100-01-01.csv"'
    )
    header, *rows = _rows(response)
    assert header[:4] == [
        "Clinician",
        "Period from",
        "Period to",
        "Ended referrals",
    ]
    assert [row[0] for row in rows] == [
        "Alice Clinician",
        "Whole practice",
        "Still open",
    ]
    alice_row = dict(zip(header, rows[0], strict=True))
    assert alice_row["Recovered"] == "1"
    assert alice_row["Recovery denominator (finished, at caseness)"] == "1"
    assert alice_row["Recovery rate %"] == "100.0"
    assert alice_row["Period from"] == "2020-01-01"
    assert alice_row["A denominator below 10 (unstable)"] == "yes"
    practice_row = dict(zip(header, rows[1], strict=True))
    assert practice_row["Reliable deterioration"] == "1"
    assert practice_row["Reliable deterioration denominator (finished)"] == "2"
    assert practice_row["Reliable deterioration rate %"] == "50.0"


def test_it_gives_the_admin_every_clinician(as_user, ada, episodes):
    rows = _rows(as_user(ada).get(URL))[1:]
    assert [row[0] for row in rows] == [
        "Alice Clinician",
        "Bob Clinician",
        "Whole practice",
        "Still open",
    ]


def test_it_names_no_client(as_user, ada, episodes):
    body = as_user(ada).get(URL).getvalue().decode()
    assert "Rowena" not in body
    assert "Tobias" not in body


def test_it_defuses_spreadsheet_formulas(as_user, ada, practice):
    from alliance.accounts.models import User

    for n, name in enumerate(('=HYPERLINK("x")', "+1", "-1", "@SUM(A1)")):
        User.objects.create_user(
            f"odd{n}@example.org",
            "x" * 16,
            full_name=name,
            role="clinician",
            practice=practice,
        )
    names = [row[0] for row in _rows(as_user(ada).get(URL))[1:-2]]
    assert sorted(names) == sorted(["'+1", "'-1", '\'=HYPERLINK("x")', "'@SUM(A1)"])


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("\tcmd", "'\tcmd"),
        ("Alice", "Alice"),
        ("", ""),
        (12, 12),
    ],
)
def test_it_leaves_plain_cells_alone(value, safe):
    assert _csv_cell(value) == safe


def test_it_records_the_export(as_user, alice, episodes):
    as_user(alice).get(f"{URL}?until=2100-01-01")
    event = AuditEvent.objects.filter(action="outcomes.export").latest("id")
    assert event.actor_id == alice.pk
    assert event.detail == {"since": "", "until": "2100-01-01", "clinician": ""}


def test_it_sends_bad_dates_back_to_the_page(as_user, ada):
    response = as_user(ada).get(f"{URL}?since=2025-02-30")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('measures:outcomes')}?since=2025-02-30"
    assert not AuditEvent.objects.filter(action="outcomes.export").exists()


def test_it_refuses_clients(as_user, cleo):
    assert as_user(cleo.user).get(URL).status_code == 403
