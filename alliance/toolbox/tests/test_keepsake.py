"""The toolbox stays with the client after therapy ends: it opens, and the
client keeps practising, long after the other portal pages have closed."""

from __future__ import annotations

from django.urls import reverse

from alliance.clients.models import PORTAL_KEEPSAKES, PORTAL_READ
from alliance.toolbox.models import CopingSkill, SkillPractice
from alliance.toolbox.services import client_today, update_skill_notes
from alliance.toolbox.tests.conftest import close_care


def test_long_after_closing_the_toolbox_opens_and_takes_practice(portal, cleo, skill):
    update_skill_notes(skill, notes="Name five things I can see.", by=cleo.user)
    close_care(cleo, days_ago=3 * 365)
    assert cleo.portal_access() == PORTAL_KEEPSAKES
    # Other portal pages refuse...
    assert "Your therapy has ended" in portal.get(reverse("portal:home")).text
    assert portal.get(reverse("portal:progress")).status_code == 403
    # ...the toolbox opens.
    page = portal.get(reverse("toolbox:mine"))
    assert page.status_code == 200
    assert "Grounding" in page.text
    detail = portal.get(reverse("toolbox:skill", args=[skill.uuid]))
    assert detail.status_code == 200
    assert "Name five things I can see." in detail.text
    response = portal.post(
        reverse("toolbox:log", args=[skill.uuid]),
        {"practised_on": client_today(cleo).isoformat(), "helpfulness": "8"},
    )
    assert response.status_code == 302
    assert SkillPractice.objects.get().helpfulness == 8


def test_after_closing_the_client_still_adds_and_changes_their_skills(
    portal, cleo, skill
):
    close_care(cleo, days_ago=400)
    response = portal.post(
        reverse("toolbox:add_own"),
        {"title": "Swim on Sundays", "notes": "Clears my head"},
    )
    assert response.status_code == 302
    assert "Swim on Sundays" in [s.title for s in CopingSkill.objects.all()]
    response = portal.post(
        reverse("toolbox:notes", args=[skill.uuid]),
        {"notes": "Still works", "version": skill.version},
    )
    assert response.status_code == 302
    assert CopingSkill.objects.get(pk=skill.pk).client_notes == "Still works"
    response = portal.post(reverse("toolbox:archive_mine", args=[skill.uuid]))
    assert response.status_code == 302
    assert CopingSkill.objects.get(pk=skill.pk).is_archived is True


def test_in_the_read_period_the_toolbox_still_takes_changes(portal, cleo, skill):
    # Other materials are read-only then; the toolbox is the client's own.
    close_care(cleo, days_ago=1)
    assert cleo.portal_access() == PORTAL_READ
    response = portal.post(
        reverse("toolbox:log", args=[skill.uuid]),
        {"practised_on": client_today(cleo).isoformat()},
    )
    assert response.status_code == 302
    assert SkillPractice.objects.count() == 1


def test_after_closing_the_clinician_reads_but_no_longer_adds(
    as_user, alice, cleo, skill
):
    close_care(cleo, days_ago=30)
    http = as_user(alice)
    page = http.get(reverse("toolbox:client", args=[cleo.uuid]))
    assert page.status_code == 200
    assert "theirs alone to change" in page.text
    assert reverse("toolbox:add_from_library", args=[cleo.uuid]) not in page.text
    response = http.post(
        reverse("toolbox:add_from_library", args=[cleo.uuid]),
        {"technique": "paced-breathing"},
    )
    assert response.status_code == 200
    assert "care has ended" in response.text
    assert CopingSkill.objects.count() == 1
