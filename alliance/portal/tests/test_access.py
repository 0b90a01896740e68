"""A client reaches only their own record; staff have no portal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.measures.models import Administration
from alliance.measures.services import (
    record_administration,
    schedule_measure,
    start_administration,
)
from conftest import TEST_PASSWORD


@pytest.fixture
def dans_draft(bob, dan):
    return start_administration(dan.current_episode(), "phq9", mode="portal")


def test_a_client_signing_in_lands_in_the_portal(client, cleo):
    response = client.post(
        reverse("accounts:login"),
        {"username": "cleo@example.net", "password": TEST_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert "Hello, Cleo" in response.text


def test_cleo_cannot_reach_dans_administrations(portal, dans_draft):
    for name in ("portal:answer", "portal:done"):
        assert portal.get(reverse(name, args=[dans_draft.uuid])).status_code == 404
    response = portal.post(
        reverse("portal:answer", args=[dans_draft.uuid]), {"answer": "1"}
    )
    assert response.status_code == 404
    assert (
        portal.post(reverse("portal:submit", args=[dans_draft.uuid])).status_code == 404
    )
    assert Administration.objects.get(pk=dans_draft.pk).answer_dict() == {}
    refusal = AuditEvent.objects.filter(outcome="denied").latest("id")
    assert refusal.action == "administration.view"
    assert refusal.client_uuid == dans_draft.client.uuid


def test_cleo_cannot_start_dans_schedule(portal, bob, dan):
    schedule = schedule_measure(dan.current_episode(), "phq9", when="once", by=bob)
    response = portal.post(reverse("portal:start", args=[schedule.uuid]))
    assert response.status_code == 404
    assert Administration.objects.count() == 0


def test_cleo_cannot_open_a_clinician_entry_of_her_own(portal, alice, cleo):
    entered = record_administration(
        cleo.current_episode(), "phq9", {f"q{n}": 0 for n in range(1, 10)}, by=alice
    )
    assert portal.get(reverse("portal:done", args=[entered.uuid])).status_code == 404


def test_staff_get_403(as_user, alice, sam, ada, cleo):
    draft = start_administration(cleo.current_episode(), "phq9", mode="portal")
    for user in (alice, sam, ada):
        http = as_user(user)
        assert http.get(reverse("portal:home")).status_code == 403
        assert http.get(reverse("portal:answer", args=[draft.uuid])).status_code == 403


def test_a_client_login_without_a_client_record_gets_403(as_user, practice):
    stray = User.objects.create_user(
        "stray@example.net",
        TEST_PASSWORD,
        full_name="Stray",
        role=User.Role.CLIENT,
        practice=practice,
    )
    http = as_user(stray)
    assert http.get(reverse("portal:home")).status_code == 403
    assert http.get(reverse("home:index"))["Location"] == reverse("portal:home")


def test_clients_have_no_clinical_pages(portal, cleo):
    assert portal.get(cleo.get_absolute_url()).status_code == 403
    assert portal.get(reverse("clients:list")).status_code == 403


def test_portal_reads_are_audited(portal, cleo):
    portal.get(reverse("portal:home"))
    event = AuditEvent.objects.get(action="portal.view")
    assert event.actor == cleo.user
    assert event.client_uuid == cleo.uuid


def test_refusing_another_clients_clinician_entry_is_audited(portal, bob, dan):
    entered = record_administration(
        dan.current_episode(), "phq9", {f"q{n}": 0 for n in range(1, 11)}, by=bob
    )
    for name in ("portal:answer", "portal:done"):
        before = AuditEvent.objects.order_by("-id").first().id
        assert portal.get(reverse(name, args=[entered.uuid])).status_code == 404
        denied = AuditEvent.objects.get(id__gt=before)
        assert denied.outcome == AuditEvent.Outcome.DENIED
        assert denied.object_uuid == entered.uuid
        assert denied.client_uuid == dan.uuid
