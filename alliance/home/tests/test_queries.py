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
from conftest import make_client, query_plan


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


def _every_card(clinician, n: int, *, offset: int = 0) -> None:
    """Clients each with a row on every card of the home: an appointment
    today with a pending request to move it, a booster asked for, a plan
    review due, a measure due, a track off course, an unread message, an
    open alert and unsigned and signed notes (``_grow``)."""
    from alliance.aftercare.models import BoosterRequest
    from alliance.home.tests.test_caseload import _plan, _schedule
    from alliance.measures.models import MeasureTrack
    from alliance.messaging.models import Message
    from alliance.scheduling.models import Appointment, AppointmentRequest

    _grow(clinician, n, offset=offset)
    clients = list(
        clinician.caseload.filter(given_name__startswith="Grow").order_by("-id")[:n]
    )
    start = timezone.now().replace(second=0, microsecond=0)
    for client in clients:
        episode = client.current_episode()
        appointment = Appointment.objects.create(
            clinician=clinician,
            client=client,
            episode=episode,
            starts_at=start,
            ends_at=start + timedelta(minutes=50),
            created_by=clinician,
        )
        AppointmentRequest.objects.create(
            appointment=appointment,
            kind=AppointmentRequest.Kind.CANCEL,
            message="Unwell",
            requested_by=clinician,
            requested_at=timezone.now(),
        )
        BoosterRequest.objects.create(
            client=client, episode=episode, status="requested", requested_at=start
        )
        _plan(client, review_in_days=2)
        _schedule(client, due_in_days=0)
        # _grow's two scores made a track; its verdict turns.
        MeasureTrack.objects.filter(client=client).update(on_track=False)
        Message.objects.create(
            client=client, sender=clinician, from_client=True, body="Hello"
        )


def test_every_home_card_reads_nothing_more_per_row(as_user, alice, sam, bob):
    """The home's lists read only the columns they show (issue #13): with a
    row on every card, one client or four, the same queries, and every card
    shows its rows. The supervisor's home also lists a supervisee's notes
    awaiting co-signature."""
    from alliance.accounts.models import Supervision

    Supervision.objects.create(supervisor=sam, supervisee=bob)
    for offset, user in ((0, alice), (20, sam)):
        http = as_user(user)
        _every_card(user, 1, offset=offset)
        _grow(bob, 1, offset=offset + 1)
        small = _queries(http, reverse("home:index"))
        _every_card(user, 3, offset=offset + 2)
        _grow(bob, 3, offset=offset + 5)
        large = _queries(http, reverse("home:index"))
        assert len(large) == len(small), user
        page = http.get(reverse("home:index")).content.decode()
        for heading in (
            "Appointment requests from clients",
            "Booster sessions asked for",
            "Not on track (",
            "Open risk alerts (",
        ):
            assert heading in page, (user, heading)
        for card in ("plan-reviews", "due-measures", "unsigned-notes"):
            assert f'<ul class="{card}">' in page, (user, card)
        assert page.count(" unread</li>") == 4
        if user == sam:
            assert "notes awaiting your co-signature" in page


def test_the_caseload_by_phase_is_counted_from_an_index_alone(alice, cleo, sam):
    """Counting 10,000 open episodes read every episode row; the partial
    index on (clinician, phase) answers the count by itself (issue #13)."""
    from alliance.clients.models import Episode
    from alliance.measures.tests.admin.helpers import move

    make_client(alice, given_name="Cal")
    move(make_client(alice, given_name="Cy").current_episode(), "assessment")
    move(make_client(alice, given_name="Col").current_episode(), "closed")
    with CaptureQueriesContext(connection) as queries:
        Episode.objects.open_in_caseload_of(alice).count_by_phase()
    plan = query_plan(queries.captured_queries[-1]["sql"])
    assert "open_episode_by_clinician" in plan, plan
    # Only the index: PostgreSQL's index-only scan, SQLite's covering index.
    # (For a supervisor's several clinicians PostgreSQL may, on a few test
    # rows, prefer the clinician index; at 10,000 it takes this one.)
    assert "Index Only Scan" in plan or "COVERING INDEX" in plan, plan
    for user in (alice, sam):
        # The closed episode is left out; phases with none are not listed.
        assert Episode.objects.open_in_caseload_of(user).count_by_phase() == {
            "referral": 2,
            "assessment": 1,
        }
    practice = Episode.objects.filter(client__practice_id=alice.practice_id)
    assert practice.open().count_by_phase() == {"referral": 2, "assessment": 1}
