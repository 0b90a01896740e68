"""The clinician's toolbox page and chart card, and the client's pages in
the portal."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.techniques.library import get_technique
from alliance.toolbox.models import CopingSkill, SkillPractice
from alliance.toolbox.selectors import chart_toolbox, portal_toolbox
from alliance.toolbox.services import (
    add_own_skill,
    add_skill_from_library,
    archive_skill,
    client_today,
    log_practice,
    update_skill_notes,
)


def _practise(skill, by, helpfulness=6, note="On the bus"):
    return log_practice(
        skill,
        practised_on=client_today(skill.client),
        helpfulness=helpfulness,
        note=note,
        by=by,
    )


# -- clinician ----------------------------------------------------------------------


def test_the_clinician_sees_skills_notes_and_logs(as_user, alice, cleo, skill):
    update_skill_notes(skill, notes="Five things I can see", by=cleo.user)
    _practise(skill, cleo.user, note="Before the exam")
    put_away = add_own_skill(cleo, title="Late-night scrolling", notes="", by=cleo.user)
    archive_skill(put_away, by=cleo.user)
    page = as_user(alice).get(reverse("toolbox:client", args=[cleo.uuid]))
    assert page.status_code == 200
    text = page.text
    assert "Five things I can see" in text
    assert "Before the exam" in text
    assert "Late-night scrolling" in text
    assert reverse("toolbox:restore", args=[put_away.uuid]) in text
    assert reverse("toolbox:add_from_library", args=[cleo.uuid]) in text
    assert AuditEvent.objects.filter(
        action="coping_toolbox.view", actor=alice, client_uuid=cleo.uuid
    ).exists()


def test_the_supervisor_reads_without_forms(as_user, sam, cleo, skill):
    page = as_user(sam).get(reverse("toolbox:client", args=[cleo.uuid]))
    assert page.status_code == 200
    assert "Grounding" in page.text
    assert reverse("toolbox:archive", args=[skill.uuid]) not in page.text
    assert reverse("toolbox:add_from_library", args=[cleo.uuid]) not in page.text
    response = as_user(sam).post(
        reverse("toolbox:add_from_library", args=[cleo.uuid]),
        {"technique": "paced-breathing"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(("who", "status"), [("bob", 404), ("ada", 403)])
def test_others_cannot_open_the_toolbox(as_user, request, cleo, skill, who, status):
    http = as_user(request.getfixturevalue(who))
    assert http.get(reverse("toolbox:client", args=[cleo.uuid])).status_code == status
    response = http.post(reverse("toolbox:archive", args=[skill.uuid]))
    assert response.status_code == status
    assert CopingSkill.objects.get(pk=skill.pk).is_archived is False


def test_the_client_cannot_open_the_clinician_page(portal, cleo):
    assert portal.get(reverse("toolbox:client", args=[cleo.uuid])).status_code == 403


def test_adding_from_the_chart_goes_back_to_the_chart(as_user, alice, cleo):
    response = as_user(alice).post(
        reverse("toolbox:add_from_library", args=[cleo.uuid]),
        {"technique": "paced-breathing", "back": "chart"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "chart:section", args=[cleo.uuid, "homework"]
    )
    assert CopingSkill.objects.get().technique == "paced-breathing"


def test_a_duplicate_from_the_page_is_refused_with_a_message(
    as_user, alice, cleo, skill
):
    response = as_user(alice).post(
        reverse("toolbox:add_from_library", args=[cleo.uuid]),
        {"technique": "grounding"},
    )
    assert response.status_code == 200
    assert "“Grounding” is already in the client&#x27;s toolbox." in response.text
    assert CopingSkill.objects.count() == 1


def test_a_technique_not_in_the_list_is_refused(as_user, alice, cleo):
    response = as_user(alice).post(
        reverse("toolbox:add_from_library", args=[cleo.uuid]),
        {"technique": "../../etc/passwd"},
    )
    assert response.status_code == 200
    assert CopingSkill.objects.count() == 0


def test_the_clinician_logs_and_archives_from_the_page(as_user, alice, cleo, skill):
    http = as_user(alice)
    response = http.post(
        reverse("toolbox:skill_log", args=[skill.uuid]),
        {"practised_on": "2999-01-01", "helpfulness": "5"},
    )
    assert response.status_code == 302
    assert SkillPractice.objects.count() == 0
    http.post(
        reverse("toolbox:skill_log", args=[skill.uuid]),
        {"practised_on": client_today(cleo).isoformat(), "helpfulness": "5"},
    )
    assert SkillPractice.objects.get().logged_by == alice
    http.post(reverse("toolbox:archive", args=[skill.uuid]))
    assert CopingSkill.objects.get(pk=skill.pk).is_archived is True


# -- chart card -----------------------------------------------------------------


def test_the_chart_card_shows_last_practice_and_the_add_form(alice, cleo, skill):
    _practise(skill, cleo.user, helpfulness=3)
    _practise(skill, cleo.user, helpfulness=8)
    card = chart_toolbox(cleo)
    assert card.episode_open is True
    [row] = card.skills
    assert (row.practice_count, row.last_practised) == (2, client_today(cleo))
    assert row.last_helpfulness == 8
    html = render_to_string(
        "toolbox/_chart_toolbox.html", {"chart_toolbox": card, "can_edit": True}
    )
    assert "Grounding" in html
    assert "helped 8/10" in html
    assert 'name="back" value="chart"' in html
    assert '<option value="paced-breathing">Paced breathing</option>' in html
    read_only = render_to_string(
        "toolbox/_chart_toolbox.html", {"chart_toolbox": card, "can_edit": False}
    )
    assert "toolbox:add_from_library" not in read_only
    assert 'name="technique"' not in read_only


def test_the_chart_card_runs_a_fixed_number_of_queries(
    alice, cleo, django_assert_max_num_queries
):
    for slug in ("grounding", "paced-breathing", "body-scan", "sleep-hygiene"):
        _practise(add_skill_from_library(cleo, slug, by=alice), cleo.user)
    with django_assert_max_num_queries(3):
        card = chart_toolbox(cleo)
        assert len(card.skills) == 4


def test_the_chart_card_is_told_whether_an_episode_is_open(
    alice, cleo, django_assert_num_queries
):
    add_skill_from_library(cleo, "grounding", by=alice)
    with django_assert_num_queries(2):
        card = chart_toolbox(cleo, episode_open=True)
    assert card.episode_open
    assert not chart_toolbox(cleo, episode_open=False).episode_open


# -- portal ----------------------------------------------------------------------


def test_the_portal_lists_the_client_s_skills_and_not_dan_s(portal, bob, cleo, dan):
    add_skill_from_library(cleo, "grounding", by=cleo.clinician)
    add_skill_from_library(dan, "body-scan", by=bob)
    page = portal.get(reverse("toolbox:mine"))
    assert "Grounding" in page.text
    assert "Body scan" not in page.text
    assert "Samaritans: 116 123" in page.text
    assert AuditEvent.objects.filter(
        action="coping_toolbox.portal_view", client_uuid=cleo.uuid
    ).exists()


def test_the_skill_page_shows_the_library_s_steps(portal, cleo, skill):
    technique = get_technique("grounding")
    page = portal.get(reverse("toolbox:skill", args=[skill.uuid])).text
    assert "From the technique library" in page
    assert f"{technique.name}, as your clinician" in page
    assert "What it is for" in page
    assert page.count("<li>") >= len(technique.steps)
    assert 'name="idempotency_key"' in page


def test_an_own_skill_page_has_no_library_section(portal, cleo):
    own = add_own_skill(cleo, title="Walk", notes="", by=cleo.user)
    page = portal.get(reverse("toolbox:skill", args=[own.uuid])).text
    assert "What it is for" not in page


def test_cleo_cannot_reach_dan_s_skill(portal, bob, dan):
    other = add_skill_from_library(dan, "grounding", by=bob)
    assert portal.get(reverse("toolbox:skill", args=[other.uuid])).status_code == 404
    response = portal.post(
        reverse("toolbox:notes", args=[other.uuid]), {"notes": "mine now"}
    )
    assert response.status_code == 404
    assert CopingSkill.objects.get(pk=other.pk).client_notes == ""
    assert AuditEvent.objects.filter(
        action="copingskill.view", outcome="denied"
    ).exists()


def test_staff_have_no_portal_toolbox(as_user, alice):
    assert as_user(alice).get(reverse("toolbox:mine")).status_code == 403


def test_the_client_adds_a_skill_and_lands_on_its_page(portal, cleo):
    response = portal.post(
        reverse("toolbox:add_own"), {"title": "Call my sister", "notes": "Evenings"}
    )
    skill = CopingSkill.objects.get()
    assert response["Location"] == reverse("toolbox:skill", args=[skill.uuid])
    assert (skill.title, skill.client_notes, skill.added_by) == (
        "Call my sister",
        "Evenings",
        cleo.user,
    )


def test_a_bad_form_shows_its_message_and_saves_nothing(portal, cleo, skill):
    response = portal.post(reverse("toolbox:add_own"), {"title": "", "notes": "x"})
    assert response.status_code == 200
    assert "This field is required." in response.text
    response = portal.post(
        reverse("toolbox:log", args=[skill.uuid]),
        {"practised_on": "2999-01-01", "helpfulness": "4", "note": "Hello"},
    )
    assert response.status_code == 200
    assert "That day has not come yet" in response.text
    assert "Hello</textarea>" in response.text
    response = portal.post(
        reverse("toolbox:log", args=[skill.uuid]),
        {"practised_on": client_today(cleo).isoformat(), "helpfulness": "11"},
    )
    assert response.status_code == 200
    assert "less than or equal to 10" in response.text
    assert CopingSkill.objects.count() == 1
    assert SkillPractice.objects.count() == 0


@pytest.mark.parametrize(
    "payload",
    ["<script>alert('x')</script>", "\x00nul", "-1", "2026-02-30", "x" * 100_000],
)
def test_hostile_portal_input_never_breaks_a_form(portal, cleo, skill, payload):
    posts = [
        (reverse("toolbox:add_own"), {"title": payload, "notes": payload}),
        (reverse("toolbox:notes", args=[skill.uuid]), {"notes": payload}),
        (
            reverse("toolbox:log", args=[skill.uuid]),
            {
                "practised_on": payload,
                "helpfulness": payload,
                "note": payload,
                "idempotency_key": payload,
            },
        ),
    ]
    for url, data in posts:
        response = portal.post(url, data)
        # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (400).
        allowed = (200, 302, 400) if len(payload) > 1000 else (200, 302)
        assert response.status_code in allowed
        assert "<script>alert" not in response.content.decode()
    assert SkillPractice.objects.count() == 0


def test_the_portal_card_links_the_toolbox(cleo, skill):
    html = render_to_string(
        "toolbox/_portal_card.html", {"portal_toolbox": portal_toolbox(cleo)}
    )
    assert reverse("toolbox:mine") in html
    assert reverse("toolbox:skill", args=[skill.uuid]) in html
