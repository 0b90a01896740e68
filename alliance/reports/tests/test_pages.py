"""The report pages and their CSVs: who sees whose figures, the CSV is the
page's table, bad periods are explained, reading and exporting are audited,
and a page costs the same number of queries whatever the caseload."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from django.urls import reverse

from alliance import permissions
from alliance.audit.models import AuditEvent
from alliance.reports.tests.helpers import appointment, at, episode

SLUGS = ("caseload", "attendance", "waits", "discharges")
SPRING = {"since": "2026-03-01", "until": "2026-04-30"}


@pytest.fixture
def world(alice, bob, sam):
    a = episode(
        alice, "Ash", at(2026, 1, 5), [("closed", at(2026, 3, 3))], reason="completed"
    )
    b = episode(bob, "Bo", at(2026, 1, 5), [("closed", at(2026, 3, 4))], reason="moved")
    appointment(a, at(2026, 3, 2, 10))
    appointment(a, at(2026, 3, 1, 10), "no_show")
    appointment(b, at(2026, 3, 2, 11), "cancelled")
    episode(alice, "Cal", at(2026, 3, 5))
    episode(bob, "Dot", at(2026, 3, 6))
    return a, b


def _table(response) -> list[list[str]]:
    """The page's table as text cells, header, rows and totals."""
    html = response.content.decode().split('<table class="report-table">', 1)[1]
    html = html.split("</table>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def test_report_scope_follows_the_role(alice, bob, sam, ada, zed, cleo):
    assert permissions.report_scope(ada) == [alice, bob, sam]
    assert permissions.report_scope(sam) == [alice, sam]
    assert permissions.report_scope(alice) == [alice]
    assert permissions.report_scope(zed) == []
    assert permissions.report_scope(cleo.user) == []


def test_the_index_lists_every_report_and_the_nav_links_it(as_user, alice, ada):
    content = as_user(alice).get(reverse("reports:index")).content.decode()
    for slug in SLUGS:
        assert reverse(f"reports:{slug}") in content
    assert f'href="{reverse("reports:index")}"' in content
    assert reverse("audit:log") not in content.split("<main", 1)[1]
    admin = as_user(ada).get(reverse("reports:index")).content.decode()
    assert reverse("audit:log") in admin.split("<main", 1)[1]


@pytest.mark.parametrize("slug", SLUGS)
def test_the_csv_is_the_pages_table(as_user, ada, world, slug):
    http = as_user(ada)
    page = http.get(reverse(f"reports:{slug}"), SPRING)
    assert page.status_code == 200
    download = http.get(reverse(f"reports:{slug}_csv"), SPRING)
    assert download["Content-Type"].startswith("text/csv")
    assert (
        f"alliance-{slug}-from-2026-03-01-to-2026-04-30.csv"
        in (download["Content-Disposition"])
    )
    assert _csv(download) == _table(page)
    # The page links to the same filter's CSV.
    assert f"{reverse(f'reports:{slug}_csv')}?since=2026-03-01" in page.content.decode()


@pytest.mark.parametrize("slug", SLUGS)
def test_a_clinician_sees_only_their_own_figures(as_user, alice, world, slug):
    page = as_user(alice).get(reverse(f"reports:{slug}"), SPRING)
    text = page.content.decode()
    assert "Alice Clinician" in text
    assert "Bob Clinician" not in text
    # No clinician to choose: only their own figures.
    assert 'name="clinician"' not in text


def test_a_clinicians_numbers_are_their_own(as_user, alice, world):
    rows = _table(as_user(alice).get(reverse("reports:attendance"), SPRING))
    assert rows[1:] == [
        ["2026-03", "Alice Clinician", "1", "0", "0", "1", "0", "2"],
        ["Total", "", "1", "0", "0", "1", "0", "2"],
    ]
    rows = _table(as_user(alice).get(reverse("reports:discharges"), SPRING))
    assert rows[0] == ["Reason", "Ending", "Alice Clinician", "Total"]
    assert rows[-1] == ["Total", "", "1", "1"]


def test_a_supervisor_sees_theirs_and_their_supervisees(as_user, sam, world):
    text = as_user(sam).get(reverse("reports:caseload"), SPRING).content.decode()
    assert "Alice Clinician" in text
    assert "Bob Clinician" not in text
    assert 'name="clinician"' in text


def test_the_admin_may_pick_one_clinician(as_user, ada, bob, world):
    rows = _table(
        as_user(ada).get(
            reverse("reports:discharges"), {**SPRING, "clinician": str(bob.uuid)}
        )
    )
    assert rows[0] == ["Reason", "Ending", "Bob Clinician", "Total"]
    assert rows[-1] == ["Total", "", "1", "1"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "2026-02-30"}, "Enter a valid date."),
        ({"since": "2026-04-01", "until": "2026-03-01"}, "before its start"),
        ({"until": "1066-10-14"}, "Choose a date between"),
        ({"by": "fortnight"}, "Count by month or by week."),
    ],
)
def test_a_bad_period_is_explained(as_user, alice, query, message):
    response = as_user(alice).get(reverse("reports:attendance"), query)
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text
    assert "could not be counted" in text
    assert not AuditEvent.objects.filter(action="report.view").exists()
    download = as_user(alice).get(reverse("reports:attendance_csv"), query)
    assert download.status_code == 302
    assert not AuditEvent.objects.filter(action="report.export").exists()


def test_a_clinician_outside_the_scope_cannot_be_chosen(as_user, sam, bob):
    response = as_user(sam).get(
        reverse("reports:caseload"), {"clinician": str(bob.uuid)}
    )
    assert "Choose a clinician from the list." in response.content.decode()


def test_reading_and_exporting_are_audited(as_user, alice, world):
    http = as_user(alice)
    http.get(reverse("reports:waits"), SPRING)
    http.get(reverse("reports:waits_csv"), {**SPRING, "clinician": "ignored"})
    seen = AuditEvent.objects.get(action="report.view")
    assert seen.actor == alice
    assert seen.detail == {
        "report": "waits",
        "since": "2026-03-01",
        "until": "2026-04-30",
        "clinician": "",
    }
    exported = AuditEvent.objects.get(action="report.export")
    assert exported.detail["report"] == "waits"


@pytest.mark.parametrize("slug", SLUGS)
def test_a_report_costs_the_same_queries_for_more_clients(
    as_user, ada, alice, bob, world, slug, django_assert_max_num_queries
):
    http = as_user(ada)
    url = reverse(f"reports:{slug}")
    http.get(url, SPRING)
    for n in range(8):
        ep = episode(alice if n % 2 else bob, f"Extra{n}", at(2026, 1, 5))
        appointment(ep, at(2026, 3, 10 + n, 9))
    with django_assert_max_num_queries(16):
        assert http.get(url, SPRING).status_code == 200
