"""After the last episode closes the client reads their materials for the
practice's set time, then keeps only their keepsakes (toolbox, relapse-
prevention plan, safety plan)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.clients.models import (
    PORTAL_KEEPSAKES,
    PORTAL_OPEN,
    PORTAL_READ,
    Client,
)
from alliance.clients.services import open_episode, transition_episode


def _close(cleo, alice, days_ago=0):
    transition_episode(
        cleo.current_episode(),
        "closed",
        by=alice,
        reason="No reply.",
        discharge="not_suitable",
        at=timezone.now() - timedelta(days=days_ago),
    )


def test_access_is_open_while_care_is_open(cleo):
    assert cleo.portal_access() == PORTAL_OPEN
    assert cleo.portal_read_until() is None


def test_an_open_episode_keeps_the_portal_open_even_if_dated_earlier(cleo, alice):
    # A new episode backdated (say, to the referral) before the closed one's
    # start: care is open again, and the portal's episode is the new one.
    first = cleo.current_episode()
    _close(cleo, alice)
    again = open_episode(
        cleo, by=alice, reason="Came back.", at=first.opened_at - timedelta(days=3)
    )
    fresh = Client.objects.get(pk=cleo.pk)
    assert fresh.portal_access() == PORTAL_OPEN
    assert fresh.portal_episode() == again
    assert fresh.portal_read_until() is None


def test_a_closed_course_has_no_portal_episode(cleo, alice):
    _close(cleo, alice)
    fresh = Client.objects.get(pk=cleo.pk)
    assert fresh.portal_episode() is None
    assert fresh.portal_access() == PORTAL_READ


@pytest.mark.parametrize(
    ("days_ago", "access"),
    [
        (0, PORTAL_READ),
        (89, PORTAL_READ),
        (90, PORTAL_KEEPSAKES),
        (400, PORTAL_KEEPSAKES),
    ],
)
def test_read_access_lasts_the_practice_days(cleo, alice, days_ago, access):
    _close(cleo, alice, days_ago)
    assert cleo.portal_access() == access


def test_the_practice_sets_the_days(cleo, alice):
    _close(cleo, alice, 20)
    practice = cleo.practice
    practice.portal_days_after_close = 14
    practice.save()
    cleo.refresh_from_db()
    assert cleo.portal_access() == PORTAL_KEEPSAKES


def test_in_the_read_period_pages_open_and_changes_are_refused(
    portal, cleo, alice, schedule
):
    _close(cleo, alice)
    assert portal.get(reverse("portal:progress")).status_code == 200
    response = portal.post(reverse("portal:start", args=[schedule.uuid]))
    assert response.status_code == 403
    assert "can be read but no longer changed" in response.text
    assert AuditEvent.objects.filter(
        action="portal.read_only", outcome="denied"
    ).exists()


def test_after_the_read_period_only_keepsakes_open(portal, cleo, alice):
    _close(cleo, alice, 120)
    response = portal.get(reverse("portal:progress"))
    assert response.status_code == 403
    assert "coping toolbox, relapse-prevention plan and safety plan" in response.text
    assert portal.get(reverse("safety:mine")).status_code == 200
    assert AuditEvent.objects.filter(action="portal.ended", outcome="denied").exists()


def test_the_home_page_shows_the_read_period(portal, cleo, alice):
    _close(cleo, alice, 10)
    response = portal.get(reverse("portal:home"))
    assert response.status_code == 200
    until = cleo.portal_read_until()
    assert f"until {until:%-d %B %Y}" in response.text


def test_after_the_read_period_the_home_page_keeps_the_keepsakes(portal, cleo, alice):
    _close(cleo, alice, 120)
    response = portal.get(reverse("portal:home"))
    assert response.status_code == 200
    assert "Your therapy has ended" in response.text
    assert reverse("toolbox:mine") in response.text
    assert reverse("safety:mine") in response.text
    # The navigation offers only what still opens.
    assert reverse("messaging:mine") not in response.text
    assert reverse("portal:progress") not in response.text
    assert portal.get(reverse("toolbox:mine")).status_code == 200
