"""A risk alert asks the clinician to review the safety plan and links to it."""

from __future__ import annotations

from django.urls import reverse

from alliance.alerts.services import raise_alert
from alliance.safety.tests.helpers import write_plan


def test_the_alert_page_links_to_the_plan(as_user, alice, cleo):
    write_plan(cleo)
    alert = raise_alert(cleo, source="PHQ-9 item 9", summary="Answered 2")
    page = as_user(alice).get(alert.get_absolute_url()).text
    assert "Review the safety plan" in page
    assert "version 1, updated" in page
    assert f'href="{reverse("safety:plan", args=[cleo.uuid])}"' in page


def test_without_a_plan_the_alert_page_offers_to_write_one(as_user, alice, cleo):
    alert = raise_alert(cleo, source="Session risk check", summary="Moderate")
    page = as_user(alice).get(alert.get_absolute_url()).text
    assert "has no safety plan yet" in page
    assert "Write a safety plan" in page
