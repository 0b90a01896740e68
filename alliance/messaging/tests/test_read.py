"""Unread counts, and marking a thread read when the other side opens it."""

from __future__ import annotations

from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.messaging.models import Message
from alliance.messaging.selectors import (
    chart_messages,
    portal_messages,
    unread_by_client_for_clinician,
    unread_for_client,
)
from alliance.messaging.services import read_thread
from alliance.messaging.tests.helpers import from_client, from_clinician
from conftest import make_client


def test_the_client_opening_the_thread_reads_the_clinicians_messages(portal, cleo):
    from_clinician(cleo, "One")
    from_clinician(cleo, "Two")
    mine = from_client(cleo, "Mine")
    assert unread_for_client(cleo) == 2
    assert portal_messages(cleo).unread == 2
    page = portal.get(reverse("messaging:mine")).content.decode()
    assert page.count('<span class="badge due">New</span>') == 2
    assert unread_for_client(cleo) == 0
    assert portal_messages(cleo).unread == 0
    # The client's own message still waits for the clinician.
    mine.refresh_from_db()
    assert mine.read_at is None
    event = AuditEvent.objects.get(action="message.read")
    assert event.actor == cleo.user
    assert event.client_uuid == cleo.uuid
    assert event.detail == {"marked": 2}
    # Seen once as new, then no longer.
    again = portal.get(reverse("messaging:mine")).content.decode()
    assert '<span class="badge due">New</span>' not in again


def test_the_primary_clinician_opening_the_thread_reads_the_clients(
    as_user, alice, cleo
):
    from_client(cleo, "Hello")
    sent = from_clinician(cleo, "Reply")
    assert unread_by_client_for_clinician(alice) == [(cleo, 1)]
    assert chart_messages(cleo).unread == 1
    as_user(alice).get(reverse("messaging:thread", args=[cleo.uuid]))
    assert unread_by_client_for_clinician(alice) == []
    assert chart_messages(cleo).unread == 0
    sent.refresh_from_db()
    assert sent.read_at is None


def test_the_supervisor_reading_marks_nothing(as_user, sam, cleo):
    from_client(cleo, "Hello")
    page = as_user(sam).get(reverse("messaging:thread", args=[cleo.uuid]))
    assert "Not yet read by the primary clinician" in page.content.decode()
    assert Message.objects.get().read_at is None
    event = AuditEvent.objects.get(action="message.read")
    assert event.actor == sam
    assert event.detail == {"marked": 0}


def test_the_clinician_sees_when_the_client_read_a_message(as_user, alice, cleo):
    from_clinician(cleo, "Reply")
    read_thread(cleo, by=cleo.user)
    page = as_user(alice).get(reverse("messaging:thread", args=[cleo.uuid]))
    assert "Read " in page.content.decode()
    assert "Not read yet" not in page.content.decode()


def test_unread_counts_cover_only_the_clinicians_own_clients(alice, bob, sam, cleo):
    other = make_client(alice, given_name="Olive")
    from django.contrib.auth import get_user_model

    other.user = get_user_model().objects.create_user(
        "olive@example.net", "x", full_name="Olive", role="client"
    )
    other.save(update_fields=["user"])
    from_client(cleo, "a")
    from_client(cleo, "b")
    from_client(other, "c")
    assert unread_by_client_for_clinician(alice) == [(cleo, 2), (other, 1)]
    assert unread_by_client_for_clinician(bob) == []
    # A supervisor answers none of alice's clients' messages.
    assert unread_by_client_for_clinician(sam) == []


def test_unread_counts_are_one_query(alice, cleo, django_assert_num_queries):
    from_client(cleo, "a")
    with django_assert_num_queries(1):
        unread_by_client_for_clinician(alice)


def test_the_chart_card_shows_the_latest_and_the_unread(alice, cleo):
    for n in range(5):
        from_client(cleo, f"Message {n}")
    card = chart_messages(cleo)
    assert [m.body for m in card.latest] == ["Message 2", "Message 3", "Message 4"]
    assert card.unread == 5
    assert card.has_portal is True


def test_the_portal_card_counts_only_the_care_teams_messages(cleo):
    assert portal_messages(cleo).unread == 0
    assert portal_messages(cleo).last_at is None
    from_client(cleo)
    assert portal_messages(cleo).unread == 0
    from_clinician(cleo)
    assert portal_messages(cleo).unread == 1
