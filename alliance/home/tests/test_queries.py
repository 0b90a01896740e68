"""The home pages ask the same number of queries whatever the caseload
(issue #13): counted with a small caseload, then again after it has grown."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import Cover, User
from alliance.alerts.services import raise_alert
from alliance.measures.tests.admin.helpers import days_ago, phq9, record
from alliance.notes.tests.helpers import signed, start
from conftest import make_client


def _queries(http, url) -> list[str]:
    http.get(url)  # the first request may fill caches
    with CaptureQueriesContext(connection) as queries:
        response = http.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def _grow(clinician, n: int, *, offset: int = 0) -> None:
    """Clients with an unsigned note, a signed one, an alert and two scores."""
    for i in range(offset, offset + n):
        client = make_client(clinician, given_name=f"Grow{i}")
        signed(client, hours_ago=30 + i)
        start(client, hours_ago=2 + i)
        raise_alert(client, source="Session risk check", summary="x")
        record(client, "phq9", phq9(18), at=days_ago(40))
        record(client, "phq9", phq9(9), at=days_ago(3))


def test_the_clinician_home_asks_as_many_queries_for_a_larger_caseload(
    as_user, alice, cleo
):
    http = as_user(alice)
    _grow(alice, 1)
    small = _queries(http, reverse("home:index"))
    _grow(alice, 6, offset=1)
    large = _queries(http, reverse("home:index"))
    assert len(large) == len(small)


def test_the_supervisor_home_asks_as_many_queries_and_supervision_once(
    as_user, sam, alice, bob
):
    from alliance.accounts.models import Supervision

    http = as_user(sam)
    _grow(alice, 1)
    small = _queries(http, reverse("home:index"))
    Supervision.objects.create(supervisor=sam, supervisee=bob)
    _grow(alice, 3, offset=1)
    _grow(bob, 3, offset=4)
    large = _queries(http, reverse("home:index"))
    assert len(large) == len(small)
    assert sum('FROM "accounts_supervision"' in sql for sql in large) == 1
    page = http.get(reverse("home:index")).content
    assert b"Open risk alerts (7)" in page


def test_the_home_of_a_colleague_on_cover_asks_cover_once(as_user, alice, bob):
    today = timezone.localdate()
    Cover.objects.create(
        practice=alice.practice,
        clinician=alice,
        cover=bob,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=1),
        created_by=alice,
    )
    http = as_user(bob)
    _grow(alice, 1)
    small = _queries(http, reverse("home:index"))
    _grow(alice, 4, offset=1)
    large = _queries(http, reverse("home:index"))
    assert len(large) == len(small)
    # Who bob covers is asked once; the arrangements once more, for the card.
    assert sum('FROM "accounts_cover"' in sql for sql in large) == 2
    assert b"Covering for Alice Clinician" in http.get(reverse("home:index")).content


def test_the_admin_home_counts_unheld_caseloads_in_one_query(
    as_user, ada, alice, bob, practice
):
    http = as_user(ada)
    _grow(alice, 1)
    User.objects.filter(pk=alice.pk).update(is_active=False)
    small = _queries(http, reverse("home:index"))
    for n in range(3):
        gone = User.objects.create_user(
            f"gone{n}@example.org",
            full_name=f"Gone {n}",
            role="clinician",
            practice=practice,
        )
        _grow(gone, 2, offset=10 + 2 * n)
        User.objects.filter(pk=gone.pk).update(is_active=False)
    # A deactivated clinician whose clients are all discharged is not listed.
    User.objects.filter(pk=bob.pk).update(is_active=False)
    large = _queries(http, reverse("home:index"))
    assert len(large) == len(small)
    page = http.get(reverse("home:index")).content.decode()
    assert (
        "Alice Clinician is deactivated but still the primary clinician of 1 client "
        in page
    )
    assert "Gone 2 is deactivated but still the primary clinician of 2 clients" in page
    assert "Bob Clinician is deactivated" not in page
