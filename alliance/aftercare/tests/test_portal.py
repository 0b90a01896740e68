"""The client's aftercare pages: their check-ins, the four questions, and
asking for a booster session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alliance.aftercare.models import BoosterRequest, FollowUp
from alliance.aftercare.selectors import due_followups, portal_aftercare
from alliance.aftercare.services import run_followups
from alliance.aftercare.tests.helpers import noon, to_active, to_aftercare
from alliance.audit.models import AuditEvent
from alliance.clients.services import transition_episode

GOOD = {"wellbeing": "7", "note": "", "using_plan": "sometimes", "wants_contact": "no"}


@pytest.fixture
def open_followup(treated, alice):
    to_aftercare(treated, alice, at=noon(40))
    run_followups(now=timezone.now() - timedelta(minutes=5))
    return FollowUp.objects.get(episode=treated, status="open")


def _url(followup):
    return reverse("aftercare:followup", args=[followup.uuid])


def test_the_list_shows_the_clients_checkins(portal, open_followup):
    response = portal.get(reverse("aftercare:mine"))
    assert response.status_code == 200
    assert "1-month follow-up" in response.text
    assert "ready now" in response.text
    assert "opens on" in response.text  # the 3- and 6-month ones
    assert _url(open_followup) in response.text
    assert "Samaritans" in response.text  # crisis lines on every portal page
    assert AuditEvent.objects.filter(action="followup.portal_list").exists()


def test_the_checkin_links_its_questionnaires(portal, open_followup):
    [draft] = open_followup.administrations.all()
    response = portal.get(_url(open_followup))
    assert response.status_code == 200
    assert reverse("portal:answer", args=[draft.uuid]) in response.text
    assert "How have things been since we finished?" in response.text
    # The questionnaire also waits on the portal home.
    home = portal.get(reverse("portal:home"))
    assert reverse("portal:answer", args=[draft.uuid]) in home.text


def test_it_stores_the_answers_encrypted(portal, open_followup):
    data = {**GOOD, "note": "Slept better CANARY-followup"}
    response = portal.post(_url(open_followup), data)
    assert response.status_code == 302
    open_followup.refresh_from_db()
    assert open_followup.answer_dict() == {
        "wellbeing": 7,
        "note": "Slept better CANARY-followup",
        "using_plan": "sometimes",
        "wants_contact": False,
    }
    assert open_followup.answered_at is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT answers FROM aftercare_followup WHERE id = %s", [open_followup.pk]
        )
        (raw,) = cursor.fetchone()
    assert "CANARY" not in raw
    assert AuditEvent.objects.filter(
        action="followup.answer", object_uuid=open_followup.uuid
    ).exists()
    # Still open: its PHQ-9 is not in yet.
    assert open_followup.status == "open"
    assert due_followups(open_followup.client) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"wellbeing": "11"}, "Choose a number from 0 to 10."),
        ({"wellbeing": "-1"}, "Choose a number from 0 to 10."),
        ({"wellbeing": ""}, "Choose a number for how things have been."),
        ({"using_plan": "maybe"}, "Choose yes, sometimes or no."),
        ({"wants_contact": "perhaps"}, "Choose yes or no."),
        (
            {"wants_contact": ""},
            "Say whether you would like to talk to your clinician.",
        ),
        ({"note": "x" * 1001}, "Keep the note to 1000 characters or fewer."),
    ],
)
def test_bad_answers_change_nothing(portal, open_followup, change, message):
    response = portal.post(_url(open_followup), {**GOOD, **change})
    assert response.status_code == 200
    assert message in response.text
    open_followup.refresh_from_db()
    assert open_followup.answers == ""
    assert open_followup.answered_at is None
    assert not BoosterRequest.objects.exists()


def test_a_resent_form_changes_nothing(portal, open_followup):
    portal.post(_url(open_followup), GOOD)
    portal.post(_url(open_followup), {**GOOD, "wellbeing": "1", "wants_contact": "yes"})
    open_followup.refresh_from_db()
    assert open_followup.answer_dict()["wellbeing"] == 7
    assert not BoosterRequest.objects.exists()
    assert AuditEvent.objects.filter(action="followup.answer").count() == 1


def test_wanting_to_talk_asks_for_a_booster(portal, open_followup):
    portal.post(_url(open_followup), {**GOOD, "wants_contact": "yes"})
    booster = BoosterRequest.objects.get()
    assert booster.status == "requested"
    assert booster.followup == open_followup
    assert booster.episode == open_followup.episode


def test_a_closed_checkin_cannot_be_answered(portal, open_followup):
    FollowUp.objects.filter(pk=open_followup.pk).update(status="missed")
    response = portal.post(_url(open_followup), GOOD)
    assert response.status_code == 200
    assert "closed before it was finished" in response.text
    open_followup.refresh_from_db()
    assert open_followup.answered_at is None


def test_after_closing_it_is_read_only(portal, open_followup, alice):
    transition_episode(
        open_followup.episode,
        "closed",
        by=alice,
        reason="Aftercare ended",
        discharge="completed",
    )
    assert portal.get(_url(open_followup)).status_code == 200
    response = portal.post(_url(open_followup), GOOD)
    assert response.status_code == 403
    response = portal.post(reverse("aftercare:request_booster"), {"note": ""})
    assert response.status_code == 403
    assert not BoosterRequest.objects.exists()


def test_another_clients_checkin_is_404(portal, dan, bob, consent_text):
    episode = to_active(dan.current_episode(), bob, consent_text, at=noon(100))
    to_aftercare(episode, bob, at=noon(40))
    followup = FollowUp.objects.filter(client=dan).first()
    assert portal.get(_url(followup)).status_code == 404
    assert portal.post(_url(followup), GOOD).status_code == 404
    assert AuditEvent.objects.filter(
        action="followup.view", outcome="denied", object_uuid=followup.uuid
    ).exists()


def test_staff_have_no_aftercare_portal(as_user, alice, open_followup):
    http = as_user(alice)
    assert http.get(reverse("aftercare:mine")).status_code == 403
    assert http.get(_url(open_followup)).status_code == 403
    assert http.post(reverse("aftercare:request_booster")).status_code == 403


def test_gets_only_on_the_booster_url(portal, in_aftercare):
    assert portal.get(reverse("aftercare:request_booster")).status_code == 405


def test_the_client_asks_for_a_booster_once(portal, cleo, in_aftercare):
    url = reverse("aftercare:request_booster")
    response = portal.post(url, {"note": "Struggling again"}, follow=True)
    assert "will be in touch" in response.text
    portal.post(url, {"note": "Second tap"})
    booster = BoosterRequest.objects.get()
    assert booster.status == "requested"
    assert booster.note == "Struggling again"
    assert booster.episode == in_aftercare
    assert AuditEvent.objects.filter(action="booster.request").count() == 1
    page = portal.get(reverse("aftercare:mine"))
    assert "You asked for a booster session" in page.text


def test_a_booster_needs_aftercare(portal, cleo):
    response = portal.post(
        reverse("aftercare:request_booster"), {"note": ""}, follow=True
    )
    assert "contact your clinician directly" in response.text
    assert not BoosterRequest.objects.exists()


def test_a_too_long_booster_note_changes_nothing(portal, in_aftercare):
    response = portal.post(reverse("aftercare:request_booster"), {"note": "x" * 1001})
    assert response.status_code == 200
    assert "Keep the note to 1000 characters or fewer." in response.text
    assert not BoosterRequest.objects.exists()


def test_the_portal_card(cleo, in_aftercare):
    assert portal_aftercare(cleo).can_request is True
    run_followups(now=noon(0))
    card = portal_aftercare(cleo)
    assert [f.months for f in card.open] == [6]
    html = render_to_string("aftercare/_portal_card.html", {"portal_aftercare": card})
    assert "Your 6-month follow-up check-in is ready" in html
    assert reverse("aftercare:followup", args=[card.open[0].uuid]) in html


def test_no_card_without_aftercare(cleo):
    assert portal_aftercare(cleo) is None
    assert render_to_string("aftercare/_portal_card.html", {}).strip() == ""


def test_the_digest_counts_unanswered_checkins(cleo, open_followup):
    assert due_followups(cleo, now=timezone.now()) == [open_followup]
