"""The portal pages for agreeing the work together: the consent text and the
plan to sign, and the client's own goal ratings; own record only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.clients.models import Consent
from alliance.plans.models import GoalSelfRating, PlanAcknowledgement
from alliance.plans.tests.helpers import make_goal, make_plan


@pytest.fixture
def version(cleo):
    episode = cleo.current_episode()
    return make_plan(episode, [make_goal(episode, client_words="Feel less alone")])


def test_the_plan_page_shows_the_plan_and_goals_in_plain_words(portal, version):
    body = portal.get(reverse("portal:plan")).content.decode()
    assert "Your treatment plan" in body
    assert "Feel less alone" in body
    assert "thoughts, feelings and actions" in body
    assert version.content_digest() in body
    assert AuditEvent.objects.filter(action="portal.plan_view").exists()


def test_signing_the_plan_through_the_page(portal, cleo, version):
    url = reverse("portal:sign_plan", args=[version.uuid])
    refused = portal.post(url, {"signed_name": "Cleo Example", "digest": "x"})
    assert refused.status_code == 302 and not PlanAcknowledgement.objects.exists()
    page = portal.post(
        url,
        {
            "signed_name": "Cleo Example",
            "agree": "yes",
            "digest": version.content_digest(),
        },
        follow=True,
    )
    assert "Your agreement to the plan is recorded" in page.content.decode()
    assert PlanAcknowledgement.objects.get().signed_name == "Cleo Example"
    assert "You agreed to this version" in page.content.decode()


def test_rating_a_goal_through_the_page(portal, version):
    goal = version.goals.get()
    url = reverse("portal:rate_goal", args=[goal.uuid])
    page = portal.post(url, {"score": "12"}, follow=True)
    assert "0 to 10" in page.content.decode()
    assert not GoalSelfRating.objects.exists()
    page = portal.post(url, {"score": "3", "note": "Better week"}, follow=True)
    assert "Your last rating: <strong>3 out of 10</strong>" in page.content.decode()
    assert GoalSelfRating.objects.get().note == "Better week"


def test_signing_consent_through_the_page(portal, consent_text):
    body = portal.get(reverse("portal:consent")).content.decode()
    assert "What therapy involves" in body and consent_text.content_digest() in body
    portal.post(
        reverse("portal:sign_consent", args=[consent_text.uuid]),
        {
            "signed_name": "Cleo Example",
            "agree": "yes",
            "digest": consent_text.content_digest(),
        },
    )
    assert Consent.objects.get().digest == consent_text.content_digest()
    assert (
        "You agreed to this version"
        in portal.get(reverse("portal:consent")).content.decode()
    )


def test_cleo_cannot_sign_or_rate_dans(portal, bob, dan):
    episode = dan.current_episode()
    goal = make_goal(episode)
    dans = make_plan(episode, [goal])
    sign = portal.post(
        reverse("portal:sign_plan", args=[dans.uuid]),
        {"signed_name": "Cleo", "agree": "yes", "digest": dans.content_digest()},
    )
    rate = portal.post(reverse("portal:rate_goal", args=[goal.uuid]), {"score": "5"})
    assert (sign.status_code, rate.status_code) == (404, 404)
    assert not PlanAcknowledgement.objects.exists()
    assert not GoalSelfRating.objects.exists()


def test_staff_cannot_use_the_portal_pages(as_user, alice, version):
    http = as_user(alice)
    assert http.get(reverse("portal:plan")).status_code == 403
    signed = http.post(reverse("portal:sign_plan", args=[version.uuid]))
    assert signed.status_code == 403
