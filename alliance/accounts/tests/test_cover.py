"""Cover for leave: while Alice is away Bob covers her. On the days of the
cover (practice time zone) Bob sees and acknowledges her clients' open risk
alerts and reads and answers their messages; outside them he cannot."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance import permissions
from alliance.accounts.models import Cover
from alliance.accounts.services import arrange_cover, end_cover
from alliance.alerts.services import raise_alert
from alliance.audit.models import AuditEvent
from alliance.messaging.models import Message
from alliance.messaging.services import send_message


def _cover(alice, bob, *, starts: int = 0, ends: int = 0) -> Cover:
    today = alice.practice.today()
    return arrange_cover(
        clinician=alice,
        cover=bob,
        starts_on=today + timedelta(days=starts),
        ends_on=today + timedelta(days=ends),
        by=alice,
    )


@pytest.fixture
def alert(cleo):
    return raise_alert(cleo, source="PHQ-9 item 9", summary="Thoughts of self-harm")


def test_it_shows_the_covering_colleague_the_absent_clinicians_alerts(
    as_user, alice, bob, cleo, dan, alert
):
    dans = raise_alert(dan, source="Session risk check", summary="Dan's own alert")
    _cover(alice, bob, starts=-1, ends=2)
    http = as_user(bob)
    home = http.get(reverse("home:index"))
    assert b"Covering for Alice Clinician" in home.content
    assert alert.get_absolute_url().encode() in home.content
    assert dans.get_absolute_url().encode() in home.content
    assert http.get(alert.get_absolute_url()).status_code == 200
    http.post(alert.get_absolute_url(), {"action_taken": "Called Cleo; she is safe."})
    alert.refresh_from_db()
    assert alert.acknowledged_by == bob
    events = AuditEvent.objects.filter(action="riskalert.edit", actor=bob)
    assert [e.detail.get("via") for e in events] == ["cover"]


def test_it_gives_the_cover_nothing_else_of_the_record(as_user, alice, bob, cleo):
    _cover(alice, bob)
    http = as_user(bob)
    assert http.get(cleo.get_absolute_url()).status_code == 404
    assert http.get(reverse("clients:edit", args=[cleo.uuid])).status_code == 404


@pytest.mark.parametrize("starts,ends", [(1, 3), (-3, -1)])
def test_it_gives_no_access_outside_the_dates(
    as_user, alice, bob, cleo, alert, starts, ends
):
    if ends < 0:
        # Arranged while it was still to come, now over.
        cover = _cover(alice, bob, starts=0, ends=0)
        Cover.objects.filter(pk=cover.pk).update(
            starts_on=cover.starts_on + timedelta(days=starts),
            ends_on=cover.ends_on + timedelta(days=ends),
        )
    else:
        _cover(alice, bob, starts=starts, ends=ends)
    http = as_user(bob)
    assert alert.get_absolute_url().encode() not in http.get("/").content
    assert http.get(alert.get_absolute_url()).status_code == 404
    thread = reverse("messaging:thread", args=[cleo.uuid])
    assert http.get(thread).status_code == 404
    assert http.post(thread, {"body": "Hello"}).status_code == 404
    assert not Message.objects.exists()


def test_it_stops_when_the_cover_is_ended_early(as_user, alice, bob, alert):
    cover = _cover(alice, bob, ends=5)
    http = as_user(bob)
    assert http.get(alert.get_absolute_url()).status_code == 200
    http.post(reverse("accounts:end_cover", args=[cover.uuid]))
    cover.refresh_from_db()
    assert cover.ended_by == bob
    assert http.get(alert.get_absolute_url()).status_code == 404
    with pytest.raises(ValidationError):
        end_cover(cover, by=alice)


def test_it_covers_only_the_named_clinician(as_user, alice, bob, sam, dan):
    # Sam covers Alice, not Bob: Dan's alert and thread stay closed to him.
    _cover(alice, sam)
    dans = raise_alert(dan, source="Session risk check", summary="Dan's")
    http = as_user(sam)
    assert http.get(dans.get_absolute_url()).status_code == 404
    assert http.get(reverse("messaging:thread", args=[dan.uuid])).status_code == 404


def test_it_leaves_the_absent_clinicians_own_access_unchanged(
    as_user, alice, bob, cleo, alert
):
    _cover(alice, bob, ends=3)
    http = as_user(alice)
    assert http.get(cleo.get_absolute_url()).status_code == 200
    assert alert.get_absolute_url().encode() in http.get("/").content
    http.post(alert.get_absolute_url(), {"action_taken": "Spoke to Cleo."})
    alert.refresh_from_db()
    assert alert.acknowledged_by == alice


def test_it_lets_the_cover_read_and_answer_messages(as_user, alice, bob, cleo):
    send_message(cleo, "I am struggling this week.", by=cleo.user)
    _cover(alice, bob)
    http = as_user(bob)
    assert b"Cleo Example" in http.get("/").content
    inbox = http.get(reverse("messaging:inbox"))
    assert b"Cleo Example" in inbox.content
    thread = reverse("messaging:thread", args=[cleo.uuid])
    page = http.get(thread)
    assert b"I am struggling this week." in page.content
    assert b"covering for Alice Clinician" in page.content
    http.post(thread, {"body": "Alice is away; I am Bob, covering. Can we talk?"})
    reply = Message.objects.get(from_client=False)
    assert reply.sender == bob
    sent = AuditEvent.objects.get(action="message.send", actor=bob)
    assert sent.detail["via"] == "cover"
    assert AuditEvent.objects.filter(
        action="client.view", actor=bob, detail__via="cover"
    ).exists()


def test_it_reads_today_in_the_practice_time_zone(alice, bob, practice):
    practice.time_zone = "Pacific/Auckland"
    practice.save()
    alice.refresh_from_db()
    bob.refresh_from_db()
    Cover.objects.create(
        practice=practice,
        clinician=alice,
        cover=bob,
        starts_on=date(2026, 1, 2),
        ends_on=date(2026, 1, 2),
        created_by=alice,
    )
    # 23:30 on 1 January in London is already 2 January in Auckland.
    late = datetime(2026, 1, 1, 23, 30, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=late):
        assert permissions.covered_clinician_ids(bob) == [alice.pk]
    with mock.patch("django.utils.timezone.now", return_value=late.replace(hour=10)):
        assert permissions.covered_clinician_ids(bob) == []


def test_it_refuses_cover_that_makes_no_sense(alice, bob, sam, zed, ada):
    today = alice.practice.today()
    cases = [
        (dict(clinician=alice, cover=alice), "other than"),
        (dict(clinician=alice, cover=zed), "active clinician in this practice"),
        (dict(clinician=alice, cover=ada), "active clinician in this practice"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError, match=message):
            arrange_cover(starts_on=today, ends_on=today, by=alice, **kwargs)
    with pytest.raises(ValidationError, match="cannot come before"):
        arrange_cover(
            clinician=alice,
            cover=bob,
            starts_on=today,
            ends_on=today - timedelta(days=1),
            by=alice,
        )
    with pytest.raises(ValidationError, match="own cover"):
        arrange_cover(
            clinician=alice, cover=sam, starts_on=today, ends_on=today, by=bob
        )
    assert not Cover.objects.exists()


def test_it_lists_own_arrangements_and_the_practices_for_the_admin(
    as_user, alice, bob, sam, ada
):
    _cover(alice, bob)
    assert b"Bob Clinician" in as_user(alice).get(reverse("accounts:cover")).content
    assert b"Alice Clinician" in as_user(bob).get(reverse("accounts:cover")).content
    assert (
        b"No cover arrangements" in as_user(sam).get(reverse("accounts:cover")).content
    )
    page = as_user(ada).get(reverse("accounts:cover"))
    assert b"Alice Clinician" in page.content


def test_the_admin_arranges_cover_for_a_clinician(as_user, ada, alice, bob):
    today = alice.practice.today()
    response = as_user(ada).post(
        reverse("accounts:cover"),
        {
            "clinician": alice.pk,
            "cover": bob.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    cover = Cover.objects.get()
    assert (cover.clinician, cover.cover, cover.created_by) == (alice, bob, ada)
