"""Guided exercises any time: the breathing pacer, body scan and grounding open
from the portal (also after therapy ends, as a keepsake), work without
JavaScript as plain lists, and may be logged to the client's own toolbox."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.clients.models import PORTAL_KEEPSAKES
from alliance.toolbox.models import CopingSkill, SkillPractice
from alliance.toolbox.services import client_today, log_guided_exercise
from alliance.toolbox.tests.conftest import close_care
from conftest import TEST_PASSWORD, make_client

pytestmark = pytest.mark.django_db

URL = reverse("toolbox:exercises")


def _log(web, **data):
    return web.post(URL, {"method": "body_scan", "minutes": "5", **data})


def test_it_shows_the_three_exercises_as_lists_without_javascript(portal):
    response = portal.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Paced breathing" in page
    assert "Five things you can see" in page  # the grounding script, as a list
    assert "Feet" in page  # the body scan
    assert 'id="pacer-rhythm"' in page
    assert 'data-log="toolbox"' in page
    assert 'id="id_method"' in page and 'id="id_minutes"' in page
    # Strict CSP: no inline script or style; the existing static script.
    assert "js/homework-relaxation.js" in page
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag
    assert 'style="' not in page
    assert "Tension before" not in page  # the homework log's wording stays there
    assert AuditEvent.objects.filter(action="guided_exercises.view").exists()


def test_the_portal_home_and_menu_link_to_it(portal):
    page = portal.get(reverse("portal:home")).content.decode()
    assert page.count(URL) >= 2  # the card and the menu
    assert "Breathe / ground yourself" in page


def test_it_logs_the_exercise_to_the_clients_own_toolbox(portal, cleo):
    response = _log(portal, helpfulness="7")
    skill = CopingSkill.objects.get(client=cleo)
    assert response.status_code == 302
    assert response["Location"] == reverse("toolbox:skill", args=[skill.uuid])
    assert skill.technique == "body-scan" and skill.title == "Body scan"
    assert skill.added_by == cleo.user
    practice = skill.practices.get()
    assert practice.helpfulness == 7
    assert practice.practised_on == client_today(cleo)
    assert practice.note == "Guided exercise, 5 minutes."
    added = AuditEvent.objects.get(action="coping_skill.add")
    assert added.detail == {"technique": "body-scan", "via": "guided_exercise"}
    assert AuditEvent.objects.filter(action="skill_practice.log").count() == 1


def test_it_reuses_the_skill_already_in_the_toolbox(portal, cleo, skill):
    _log(portal, method="grounding", minutes="3")
    _log(portal, method="grounding", minutes="4")
    assert CopingSkill.objects.filter(client=cleo).count() == 1
    assert skill.practices.count() == 2


def test_the_same_form_sent_twice_logs_once(portal, cleo):
    key = str(uuid4())
    _log(portal, idempotency_key=key)
    _log(portal, idempotency_key=key)
    assert SkillPractice.objects.filter(skill__client=cleo).count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"method": "nonsense"},
        {"minutes": "0"},
        {"minutes": "181"},
        {"minutes": "lots"},
        {"helpfulness": "11"},
    ],
)
def test_bad_input_says_why_and_saves_nothing(portal, cleo, data):
    response = _log(portal, **data)
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not CopingSkill.objects.filter(client=cleo).exists()
    assert not SkillPractice.objects.exists()


def test_it_stays_a_keepsake_after_therapy_ends(portal, cleo):
    close_care(cleo, days_ago=400)
    cleo.refresh_from_db()
    assert cleo.portal_access() == PORTAL_KEEPSAKES
    assert portal.get(URL).status_code == 200
    assert URL in portal.get(reverse("portal:home")).content.decode()
    assert _log(portal, method="breathing").status_code == 302
    skill = CopingSkill.objects.get(client=cleo)
    assert skill.technique == "paced-breathing"


def test_one_client_logs_only_to_their_own_toolbox(as_user, cleo, bob):
    from alliance.accounts.models import User

    other = make_client(bob, given_name="Olga")
    other.user = User.objects.create_user(
        "olga@example.net", TEST_PASSWORD, full_name="Olga", role="client"
    )
    other.save()
    _log(as_user(other.user))
    assert CopingSkill.objects.get().client == other
    assert not CopingSkill.objects.filter(client=cleo).exists()


@pytest.mark.parametrize("who", ["alice", "bob", "sam", "ada"])
def test_staff_are_refused(who, request, as_user, cleo):
    web = as_user(request.getfixturevalue(who))
    assert web.get(URL).status_code == 403
    assert _log(web).status_code == 403
    assert not CopingSkill.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302
    assert client.post(URL, {"method": "body_scan", "minutes": "5"}).status_code == 302
    assert not CopingSkill.objects.exists()


def test_only_the_client_logs_their_guided_exercises(cleo, alice):
    with pytest.raises(ValidationError):
        log_guided_exercise(cleo, "grounding", minutes=5, helpfulness=None, by=alice)
    assert not CopingSkill.objects.exists()
