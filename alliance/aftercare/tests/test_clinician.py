"""The clinician's side: the chart card and aftercare page, and answering a
booster session (re-open treatment, start a new linked episode, or decline)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alliance.aftercare.models import FollowUp
from alliance.aftercare.selectors import chart_aftercare, open_booster_requests
from alliance.aftercare.services import request_booster, respond_to_booster
from alliance.aftercare.tests.helpers import to_active
from alliance.audit.models import AuditEvent
from alliance.clients.models import Episode
from alliance.clients.services import transition_episode


@pytest.fixture
def booster(cleo, in_aftercare):
    return request_booster(cleo, note="CANARY-Cleo wants help", by=cleo.user)


def _respond(http, booster, action, response="Agreed by phone."):
    return http.post(
        reverse("aftercare:respond", args=[booster.uuid]),
        {"action": action, "response": response},
    )


def test_the_page_shows_followups_answers_and_requests(as_user, alice, cleo, booster):
    response = as_user(alice).get(reverse("aftercare:client", args=[cleo.uuid]))
    assert response.status_code == 200
    assert "1-month follow-up" in response.text
    assert "Booster session requested by the client" in response.text
    assert "CANARY-Cleo wants help" in response.text
    assert "Re-open treatment" in response.text
    assert "Start a new episode" not in response.text  # the episode is open
    assert AuditEvent.objects.filter(action="followup.list").exists()


def test_the_supervisor_reads_without_actions(as_user, sam, cleo, booster):
    response = as_user(sam).get(reverse("aftercare:client", args=[cleo.uuid]))
    assert response.status_code == 200
    assert "Re-open treatment" not in response.text
    assert _respond(as_user(sam), booster, "decline").status_code == 403
    booster.refresh_from_db()
    assert booster.status == "requested"


def test_others_are_refused(as_user, bob, ada, cleo, booster):
    url = reverse("aftercare:client", args=[cleo.uuid])
    assert as_user(bob).get(url).status_code == 404
    assert as_user(ada).get(url).status_code == 403
    assert _respond(as_user(bob), booster, "decline").status_code == 404
    booster.refresh_from_db()
    assert booster.status == "requested"


def test_it_reopens_treatment(as_user, alice, cleo, booster, in_aftercare):
    response = _respond(as_user(alice), booster, "reopen", "Booster agreed")
    assert response.status_code == 302
    in_aftercare.refresh_from_db()
    assert in_aftercare.phase == "active"
    booster.refresh_from_db()
    assert booster.status == "reopened"
    assert booster.response == "Booster agreed"
    assert booster.responded_by == alice
    assert not FollowUp.objects.filter(status__in=FollowUp.PENDING).exists()
    assert AuditEvent.objects.filter(action="booster.reopen").exists()


def test_it_starts_a_new_episode_after_closing(as_user, alice, cleo, booster):
    episode = booster.episode
    transition_episode(
        episode, "closed", by=alice, reason="Aftercare ended", discharge="completed"
    )
    page = as_user(alice).get(reverse("aftercare:client", args=[cleo.uuid]))
    assert "Start a new episode linked to the last" in page.text
    assert "Re-open treatment" not in page.text
    response = _respond(as_user(alice), booster, "new_episode", "Relapse: new referral")
    assert response.status_code == 302
    booster.refresh_from_db()
    assert booster.status == "new_episode"
    new = cleo.current_episode()
    assert booster.new_episode == new
    assert new.previous_episode == episode
    assert new.phase == Episode.Phase.REFERRAL
    assert new.transitions.first().reason == "Relapse: new referral"


def test_reopening_a_closed_episode_is_refused(alice, booster):
    transition_episode(
        booster.episode, "closed", by=alice, reason="Ended", discharge="completed"
    )
    with pytest.raises(ValidationError, match="only while the episode is in aftercare"):
        respond_to_booster(booster, action="reopen", response="x", by=alice)
    booster.refresh_from_db()
    assert booster.status == "requested"


def test_a_new_episode_while_one_is_open_is_refused(as_user, alice, booster):
    response = _respond(as_user(alice), booster, "new_episode")
    assert response.status_code == 302
    booster.refresh_from_db()
    assert booster.status == "requested"
    assert Episode.objects.count() == 1
    page = as_user(alice).get(response["Location"])
    assert "re-open treatment instead" in page.text


def test_it_records_a_decline(as_user, alice, cleo, booster):
    response = _respond(as_user(alice), booster, "decline", "Referred to the GP.")
    assert response.status_code == 302
    assert response["Location"] == reverse("aftercare:client", args=[cleo.uuid])
    booster.refresh_from_db()
    assert booster.status == "declined"
    assert booster.response == "Referred to the GP."
    booster.episode.refresh_from_db()
    assert booster.episode.phase == "aftercare"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "decline", "response": ""}, "Write what you decided or arranged."),
        ({"action": "decline", "response": "x" * 2001}, "2000 characters or fewer"),
        ({"action": "delete", "response": "x"}, "Choose what to do"),
        ({"response": "x"}, "Choose what to do"),
    ],
)
def test_bad_responses_change_nothing(as_user, alice, cleo, booster, data, message):
    http = as_user(alice)
    response = http.post(reverse("aftercare:respond", args=[booster.uuid]), data)
    assert response.status_code == 302
    page = http.get(response["Location"])
    assert message in page.text
    booster.refresh_from_db()
    assert booster.status == "requested"
    assert booster.response == ""


def test_an_answered_request_cannot_be_answered_again(alice, booster):
    respond_to_booster(booster, action="decline", response="Phoned", by=alice)
    with pytest.raises(ValidationError, match="already answered"):
        respond_to_booster(booster, action="decline", response="Again", by=alice)


def test_gets_are_refused_on_respond(as_user, alice, booster):
    url = reverse("aftercare:respond", args=[booster.uuid])
    assert as_user(alice).get(url).status_code == 405


def test_the_home_lists_requests_of_own_clients(alice, bob, cleo, dan, booster):
    assert open_booster_requests(alice) == [booster]
    assert open_booster_requests(bob) == []
    html = render_to_string(
        "aftercare/_home_boosters.html",
        {"booster_requests": open_booster_requests(alice)},
    )
    assert reverse("aftercare:client", args=[cleo.uuid]) in html


def test_the_chart_card(cleo, alice, booster, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        chart = chart_aftercare(cleo)
        html = render_to_string(
            "aftercare/_chart_aftercare.html",
            {"chart_aftercare": chart, "can_edit": True},
        )
    assert [row.followup.months for row in chart.followups] == [1, 3, 6]
    assert chart.next_due.months == 1
    assert [row.booster for row in chart.pending] == [booster]
    assert reverse("aftercare:respond", args=[booster.uuid]) in html
    # The chart card never shows the client's own words.
    assert "CANARY" not in html
    read_only = render_to_string(
        "aftercare/_chart_aftercare.html",
        {"chart_aftercare": chart, "can_edit": False},
    )
    assert "<form" not in read_only


def test_the_chart_card_for_an_episode(cleo, alice, in_aftercare):
    chart = chart_aftercare(in_aftercare)
    assert len(chart.followups) == 3


def test_no_card_without_aftercare(cleo):
    assert chart_aftercare(cleo) is None
    assert chart_aftercare(None) is None
    assert render_to_string("aftercare/_chart_aftercare.html", {}).strip() == ""


def test_a_new_episode_keeps_the_old_followups_on_the_chart(
    cleo, alice, booster, consent_text
):
    transition_episode(
        booster.episode, "closed", by=alice, reason="Ended", discharge="completed"
    )
    respond_to_booster(booster, action="new_episode", response="New referral", by=alice)
    new = cleo.current_episode()
    to_active(new, alice, consent_text, at=timezone.now())
    chart = chart_aftercare(cleo)
    assert len(chart.followups) == 3
    assert chart.pending == []
    assert [b.status for b in chart.answered] == ["new_episode"]


def test_reopening_from_the_chart_settles_pending_requests(alice, booster):
    # The clinician moves the episode on the chart instead of answering here.
    transition_episode(booster.episode, "active", by=alice, reason="Seen again")
    booster.refresh_from_db()
    assert booster.status == "reopened"
    assert booster.responded_by == alice
    assert open_booster_requests(alice) == []
