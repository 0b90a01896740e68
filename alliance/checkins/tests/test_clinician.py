"""The clinician's check-in page and the chart card: notes decrypted,
feelings, "yes" answers and very low moods flagged; access through
permissions.get_client; a bounded number of queries."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alliance.alerts.models import RiskAlert
from alliance.audit.models import AuditEvent
from alliance.checkins.models import CheckIn
from alliance.checkins.selectors import chart_checkins, portal_checkins


def _url(client):
    return reverse("checkins:client", args=[client.uuid])


def test_alice_reads_every_check_in_with_flags(as_user, alice, cleo, check_in):
    check_in(mood=7, feelings=["proud"], note="Finished the report.")
    check_in(mood=1, note="Everything is grey.")
    flagged = check_in(mood=3, safety_concern=True, note="Bad night.")
    check_in(mood=9, at=timezone.now() - timedelta(days=100), note="Long ago.")
    response = as_user(alice).get(_url(cleo))
    body = response.text
    assert response.status_code == 200
    for note in (
        "Finished the report.",
        "Everything is grey.",
        "Bad night.",
        "Long ago.",
    ):
        assert note in body
    assert "Proud" in body
    assert "Very low" in body
    alert = RiskAlert.objects.get(source_uuid=flagged.uuid)
    assert reverse("chart:alert", args=[alert.uuid]) in body
    assert "Open alert" in body
    assert "Said <strong>yes</strong> to thoughts of harming themselves" in body
    assert "<svg" in body
    assert "very low mood (0-1)" in body
    assert " style=" not in body
    assert AuditEvent.objects.filter(
        action="checkin.list", actor=alice, client_uuid=cleo.uuid
    ).exists()


def test_an_acknowledged_alert_is_shown_as_such(as_user, alice, cleo, check_in):
    from alliance.alerts.services import acknowledge_alert

    check_in(safety_concern=True)
    acknowledge_alert(RiskAlert.objects.get(), by=alice, action_taken="Phoned her.")
    assert "Alert acknowledged" in as_user(alice).get(_url(cleo)).text


def test_the_supervisor_reads(as_user, sam, cleo, check_in):
    check_in(note="Seen by Sam.")
    assert "Seen by Sam." in as_user(sam).get(_url(cleo)).text


@pytest.mark.parametrize(("name", "status"), [("bob", 404), ("ada", 403)])
def test_others_are_refused(as_user, cleo, check_in, request, name, status):
    check_in(note="Not for them.")
    response = as_user(request.getfixturevalue(name)).get(_url(cleo))
    assert response.status_code == status
    assert "Not for them." not in response.text
    assert AuditEvent.objects.filter(outcome="denied").exists()


def test_the_client_has_no_clinician_page(portal, cleo):
    assert portal.get(_url(cleo)).status_code == 403


def test_a_hostile_page_number_is_harmless(as_user, alice, cleo, check_in):
    check_in()
    for page in ("x", "-1", "99999999999999999999", "' OR 1=1--"):
        response = as_user(alice).get(_url(cleo), {"page": page})
        assert response.status_code == 200


def test_the_card_summarises_the_last_eight_weeks(cleo, check_in):
    check_in(mood=9, at=timezone.now() - timedelta(days=60))
    check_in(mood=2, at=timezone.now() - timedelta(days=3), safety_concern=True)
    latest = check_in(mood=5, feelings=["calm"])
    card = chart_checkins(cleo)
    assert card.count == 2
    assert card.latest == latest
    assert card.any_safety_concern is True
    assert card.safety_concerns == 1
    assert card.very_low == 0
    assert [p.mood for p in card.points] == [2, 5]


def test_the_card_shows_the_latest_even_when_older(cleo, check_in):
    old = check_in(mood=4, at=timezone.now() - timedelta(days=90))
    card = chart_checkins(cleo)
    assert card.count == 0
    assert card.latest == old
    assert card.any_safety_concern is False
    html = render_to_string("checkins/_chart_checkins.html", {"chart_checkins": card})
    assert "mood <strong>4/10</strong>" in html
    assert "0 check-ins in the last eight weeks" in html


def test_the_card_with_no_check_ins(cleo):
    card = chart_checkins(cleo)
    assert card.latest is None
    html = render_to_string("checkins/_chart_checkins.html", {"chart_checkins": card})
    assert "No check-ins yet." in html
    assert reverse("checkins:client", args=[cleo.uuid]) in html


def test_the_card_does_not_decrypt_notes(cleo, check_in):
    check_in(note="Private words.")
    html = render_to_string(
        "checkins/_chart_checkins.html", {"chart_checkins": chart_checkins(cleo)}
    )
    assert "Private words." not in html


def _many(cleo, n):
    now = timezone.now()
    CheckIn.objects.bulk_create(
        CheckIn(
            client=cleo,
            episode=cleo.current_episode(),
            mood=i % 11,
            feelings="calm,sad",
            safety_concern=i % 7 == 0,
            submission_key=uuid.uuid4(),
            created_at=now - timedelta(hours=8 * i),
        )
        for i in range(n)
    )


def test_the_card_runs_a_bounded_number_of_queries(cleo, django_assert_max_num_queries):
    from alliance.clients.models import Client

    _many(cleo, 150)
    fresh = Client.objects.get(pk=cleo.pk)
    with django_assert_max_num_queries(3):
        card = chart_checkins(fresh)
        render_to_string("checkins/_chart_checkins.html", {"chart_checkins": card})
    assert card.count > 100


def test_the_page_runs_a_bounded_number_of_queries(
    as_user, alice, cleo, django_assert_max_num_queries
):
    _many(cleo, 10)
    http = as_user(alice)
    http.get(_url(cleo))
    with django_assert_max_num_queries(25) as few:
        http.get(_url(cleo))
    _many(cleo, 150)
    with django_assert_max_num_queries(len(few.captured_queries)):
        http.get(_url(cleo))


def test_the_portal_card(cleo, check_in, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        empty = portal_checkins(cleo)
    assert empty.last is None
    assert empty.can_check_in is True
    checkin = check_in()
    card = portal_checkins(cleo)
    assert card.last == checkin
    html = render_to_string("checkins/_portal_card.html", {"portal_checkins": card})
    assert "You last checked in on" in html
    assert reverse("checkins:new") in html
    assert "Check in now" in html
    assert reverse("checkins:mine") in html
