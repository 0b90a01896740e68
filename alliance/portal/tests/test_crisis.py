"""The practice's crisis lines are on every portal page, and come first right
after an answer that signals risk."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alliance.alerts.models import RiskAlert
from alliance.measures.models import Administration
from alliance.measures.services import save_answers, start_administration

PHQ9 = {f"q{n}": 1 for n in range(1, 9)} | {"q10": 0}


def _crisis_box(page: str) -> bool:
    return (
        "If you need help now" in page
        and "Samaritans: 116 123 (free, 24 hours)" in page
        and "Emergency: 999" in page
        and "Messages are not monitored around the clock." in page
    )


@pytest.fixture
def draft(cleo):
    return start_administration(cleo.current_episode(), "phq9", mode="portal")


def test_every_portal_page_shows_the_crisis_lines(portal, schedule, draft):
    save_answers(draft, {**PHQ9, "q9": 0})
    pages = [
        reverse("portal:home"),
        reverse("portal:progress"),
        reverse("portal:answer", args=[draft.uuid]),
        reverse("portal:answer", args=[draft.uuid]) + "?step=11",
    ]
    for url in pages:
        assert _crisis_box(portal.get(url).text), url
    done = portal.post(reverse("portal:submit", args=[draft.uuid]), follow=True)
    assert _crisis_box(done.text)


def test_a_risk_answer_shows_crisis_lines_straight_away(portal, alice, draft):
    # The alert is raised as the client saves the answer, before submitting.
    save_answers(draft, {**PHQ9, "q9": 2}, by=draft.client.user)
    response = portal.post(reverse("portal:submit", args=[draft.uuid]), follow=True)
    page = response.text
    assert "Thank you for telling us" in page
    assert "You do not have to manage this on your own." in page
    assert page.index("You do not have to manage") < page.index("Samaritans")
    # The lines come before the rest of the page, and only once.
    assert page.index("Samaritans") < page.index("Your answers are saved")
    assert page.count("Samaritans: 116 123") == 1
    assert "CANARY" not in page
    alert = RiskAlert.objects.get()
    assert alert.source == "PHQ-9 item 9"
    assert alert.raised_by.role == "client"
    assert Administration.objects.get().risk is True


def test_no_risk_answer_gets_a_plain_thank_you(portal, draft):
    save_answers(draft, {**PHQ9, "q9": 0})
    page = portal.post(reverse("portal:submit", args=[draft.uuid]), follow=True).text
    assert "Thank you for telling us" not in page
    assert "<h1>Thank you</h1>" in page


def test_a_practice_without_crisis_lines_still_says_where_to_turn(portal, practice):
    practice.crisis_lines = ""
    practice.save(update_fields=["crisis_lines"])
    page = portal.get(reverse("portal:home")).text
    assert "call your local emergency number now" in page
    assert "Messages are not monitored around the clock." in page
