"""The supervisor's overview of their supervisees (home:supervisees): the
figures per supervisee, only current supervisees, and a fixed number of
queries however many supervisees and clients there are."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.accounts.models import Supervision
from alliance.alerts.services import raise_alert
from alliance.audit.models import AuditEvent
from alliance.home.supervisees import supervisee_overview
from alliance.home.tests.test_queries import _grow
from alliance.measures.models import MeasureSchedule
from alliance.measures.tests.admin.helpers import days_ago, phq9, record
from alliance.notes.tests.helpers import signed, start

URL = reverse("home:supervisees")


def _row(rows, person):
    return next(row for row in rows if row.clinician == person)


def test_it_counts_each_supervisees_figures(sam, alice, bob, cleo, dan):
    Supervision.objects.create(supervisor=sam, supervisee=bob)
    start(cleo, hours_ago=3)
    start(cleo, hours_ago=5)
    signed(cleo, hours_ago=27)
    raise_alert(cleo, source="Session risk check", summary="x")
    raise_alert(dan, source="Session risk check", summary="y")
    # Worse than at the start: not on track.
    record(cleo, "phq9", phq9(8), at=days_ago(40))
    record(cleo, "phq9", phq9(24), at=days_ago(3))
    MeasureSchedule.objects.create(
        episode=cleo.episodes.get(),
        instrument="gad7",
        when=MeasureSchedule.When.ONCE,
        created_by=alice,
        next_due=sam.practice.today() - timedelta(days=2),
    )
    rows = supervisee_overview(sam)
    assert [row.clinician for row in rows] == sorted(
        [alice, bob], key=lambda p: p.full_name
    )
    mine = _row(rows, alice)
    assert mine.in_care == 1
    assert mine.open_alerts == 1
    assert mine.unsigned == 2
    assert mine.awaiting_cosign == 1
    assert mine.off_track == 1
    assert mine.measures_due == 1
    assert mine.reviews_overdue == 0
    assert mine.outcomes is not None
    bobs = _row(rows, bob)
    assert (bobs.open_alerts, bobs.unsigned, bobs.off_track, bobs.measures_due) == (
        1,
        0,
        0,
        0,
    )


def test_it_leaves_out_ended_supervision(sam, alice, bob):
    from django.utils import timezone

    Supervision.objects.create(supervisor=sam, supervisee=bob, ended_at=timezone.now())
    assert [row.clinician for row in supervisee_overview(sam)] == [alice]


def test_it_is_empty_for_someone_supervising_nobody(alice):
    assert supervisee_overview(alice) == []


def test_the_page_shows_the_rows_and_audits(as_user, sam, alice, cleo):
    signed(cleo, hours_ago=27)
    response = as_user(sam).get(URL)
    assert response.status_code == 200
    assert alice.full_name.encode() in response.content
    # Counts only: no client names on the overview.
    assert cleo.display_name.encode() not in response.content
    assert f"supervisee={alice.uuid}".encode() in response.content
    event = AuditEvent.objects.filter(action="supervisees.view").get()
    assert event.actor == sam
    assert event.detail == {"supervisees": 1}


def test_it_asks_as_many_queries_for_more_supervisees(as_user, sam, alice, bob):
    http = as_user(sam)
    _grow(alice, 1)
    http.get(URL)
    with CaptureQueriesContext(connection) as small:
        http.get(URL)
    Supervision.objects.create(supervisor=sam, supervisee=bob)
    _grow(alice, 3, offset=1)
    _grow(bob, 3, offset=4)
    http.get(URL)
    with CaptureQueriesContext(connection) as large:
        response = http.get(URL)
    assert len(response.context["rows"]) == 2
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large.captured_queries) <= 20


def test_it_counts_overdue_plan_reviews(sam, alice, cleo):
    from django.utils import timezone

    from alliance.plans.models import TreatmentPlanVersion
    from alliance.plans.tests.helpers import make_goal, make_plan

    episode = cleo.current_episode()
    version = make_plan(
        episode,
        [make_goal(episode)],
        next_review=timezone.localdate() + timedelta(days=3),
    )
    assert _row(supervisee_overview(sam), alice).reviews_overdue == 0
    TreatmentPlanVersion.objects.filter(pk=version.pk).update(
        next_review=timezone.localdate() - timedelta(days=2)
    )
    assert _row(supervisee_overview(sam), alice).reviews_overdue == 1


def test_the_page_links_each_supervisees_supervision_records(as_user, sam, alice):
    page = as_user(sam).get(URL)
    assert f"/supervision/?supervisee={alice.uuid}".encode() in page.content
    assert f"/supervision/new/?supervisee={alice.uuid}".encode() in page.content
