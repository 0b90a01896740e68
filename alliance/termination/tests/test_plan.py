"""The relapse-prevention plan: versioned like the safety plan, skills drawn
from the client's toolbox, kept by the client after care ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.termination.models import RelapsePreventionPlanVersion
from alliance.termination.services import save_relapse_plan
from alliance.termination.tests.helpers import move, write_plan


@pytest.fixture
def skills(full):
    return full["skills"]


def test_each_save_adds_a_version_and_keeps_the_old(alice, cleo, episode):
    first = write_plan(cleo)
    second = write_plan(
        cleo, warning_signs="Skipping lunch", reason="Reviewed together", based_on=1
    )
    assert (first.number, second.number) == (1, 2)
    first.refresh_from_db()
    assert first.warning_signs.startswith("Staying in bed")
    assert second.episode == episode
    with pytest.raises(ValueError):
        first.save()
    assert AuditEvent.objects.filter(action="relapse_plan.save").count() == 2


def test_a_revision_needs_a_reason(cleo, episode):
    write_plan(cleo)
    with pytest.raises(ValidationError, match="why the plan is being revised"):
        write_plan(cleo)
    assert RelapsePreventionPlanVersion.objects.count() == 1


def test_it_needs_warning_signs_what_helps_and_how_to_come_back(cleo, episode):
    with pytest.raises(ValidationError) as refused:
        write_plan(cleo, warning_signs="", coping_strategies="", come_back="")
    assert set(refused.value.message_dict) == {
        "warning_signs",
        "coping_strategies",
        "come_back",
    }
    assert RelapsePreventionPlanVersion.objects.count() == 0


def test_a_skill_from_the_toolbox_is_enough_for_what_helps(cleo, skills):
    version = write_plan(cleo, coping_strategies="", skills=[skills[0]])
    assert list(version.skills.all()) == [skills[0]]


def test_skills_of_another_client_or_archived_are_refused(cleo, dan, bob, skills):
    from alliance.toolbox.services import add_skill_from_library, archive_skill

    dans = add_skill_from_library(dan, "grounding", by=bob)
    with pytest.raises(ValidationError, match="current toolbox"):
        write_plan(cleo, skills=[dans])
    archived = archive_skill(skills[1], by=cleo.clinician)
    with pytest.raises(ValidationError, match="current toolbox"):
        write_plan(cleo, skills=[archived])
    assert RelapsePreventionPlanVersion.objects.count() == 0


def test_a_save_from_a_stale_editor_is_refused(cleo, episode):
    write_plan(cleo)
    write_plan(cleo, reason="Second", based_on=1)
    with pytest.raises(ValidationError, match="changed by someone else"):
        write_plan(cleo, reason="Stale", based_on=1)
    assert RelapsePreventionPlanVersion.objects.count() == 2


def test_it_is_written_in_termination_or_aftercare_only(cleo, consent_text):
    move(cleo.current_episode(), "assessment", "active", consent_text=consent_text)
    with pytest.raises(ValidationError, match="in termination or aftercare"):
        write_plan(cleo)


def test_only_the_primary_clinician_writes_it(bob, cleo, episode):
    with pytest.raises(ValidationError, match="primary clinician"):
        save_relapse_plan(
            cleo, by=bob, warning_signs="x", coping_strategies="y", come_back="z"
        )


def test_the_editor_offers_the_toolbox_and_prefills_the_contact_lines(
    as_user, alice, cleo, skills
):
    page = as_user(alice).get(reverse("termination:plan_edit", args=[cleo.uuid])).text
    assert 'type="checkbox" name="skills"' in page
    assert "Walk round the park" in page
    assert "Riverside Therapy\n1 River Walk, Exampleton</textarea>" in page


def test_the_editor_saves_with_the_chosen_skills(as_user, alice, cleo, skills):
    data = {
        "based_on": "0",
        "warning_signs": "Not answering messages",
        "coping_strategies": "",
        "skills": [str(skills[0].pk), str(skills[1].pk)],
        "come_back": "Call the practice",
    }
    response = as_user(alice).post(
        reverse("termination:plan_edit", args=[cleo.uuid]), data
    )
    assert response.status_code == 302
    version = RelapsePreventionPlanVersion.objects.get()
    assert {s.title for s in version.skills.all()} == {
        "Grounding",
        "Walk round the park",
    }
    page = as_user(alice).get(reverse("termination:plan", args=[cleo.uuid])).text
    assert "From the coping toolbox" in page
    assert "Walk round the park" in page


def test_bad_input_in_the_editor_changes_nothing(as_user, alice, cleo, episode):
    data = {"based_on": "0", "warning_signs": "", "come_back": ""}
    response = as_user(alice).post(
        reverse("termination:plan_edit", args=[cleo.uuid]), data
    )
    assert response.status_code == 200
    assert "Write at least one early warning sign" in response.text
    assert RelapsePreventionPlanVersion.objects.count() == 0


def test_earlier_versions_stay_readable(as_user, alice, sam, cleo, episode):
    first = write_plan(cleo)
    write_plan(cleo, warning_signs="Skipping lunch", reason="Reviewed", based_on=1)
    page = as_user(sam).get(reverse("termination:plan_version", args=[first.uuid])).text
    assert "Staying in bed past ten" in page
    assert "This is an earlier version" in page
    current = as_user(alice).get(reverse("termination:plan", args=[cleo.uuid])).text
    assert "Skipping lunch" in current
    assert "Version 1" in current


def test_the_client_keeps_it_after_the_read_period(
    portal, cleo, alice, episode, skills
):
    version = write_plan(cleo, skills=[skills[1]])
    move(episode, "closed", discharge="completed")
    mine = reverse("termination:mine_plan")
    pdf = reverse("termination:mine_plan_pdf", args=[version.plan.uuid])
    page = portal.get(mine)
    assert page.status_code == 200
    assert "Staying in bed past ten" in page.text
    assert reverse("toolbox:skill", args=[skills[1].uuid]) in page.text
    # Past the practice's read period only keepsakes stay open.
    episode.refresh_from_db()
    days = cleo.practice.portal_days_after_close + 1
    episode.closed_at = timezone.now() - timedelta(days=days)
    episode.save(update_fields=["closed_at"])
    assert cleo.portal_access() == "keepsakes"
    assert portal.get(mine).status_code == 200
    assert portal.get(pdf).status_code == 200
    assert portal.get(reverse("termination:mine_summary")).status_code == 403
    assert AuditEvent.objects.filter(action="relapse_plan.portal_view").count() == 2


def test_the_client_sees_only_their_own_plan(portal, cleo, dan, bob, consent_text):
    from alliance.termination.tests.helpers import to_termination

    to_termination(dan, consent_text)
    other = write_plan(dan, warning_signs="DAN-ONLY sign")
    assert "DAN-ONLY" not in portal.get(reverse("termination:mine_plan")).text
    response = portal.get(reverse("termination:mine_plan_pdf", args=[other.plan.uuid]))
    assert response.status_code == 404


def test_staff_have_no_portal_page(as_user, alice):
    assert as_user(alice).get(reverse("termination:mine_plan")).status_code == 403
