"""Adding skills: from the technique library (the clinician) or in the
client's own words (the client or the clinician)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from alliance.audit.models import AuditEvent
from alliance.toolbox.models import CopingSkill
from alliance.toolbox.services import (
    add_own_skill,
    add_skill_from_library,
    archive_skill,
)
from alliance.toolbox.tests.conftest import close_care


def test_it_adds_a_library_skill_with_the_library_name(alice, cleo):
    skill = add_skill_from_library(cleo, "paced-breathing", by=alice)
    assert (skill.client, skill.technique, skill.title) == (
        cleo,
        "paced-breathing",
        "Paced breathing",
    )
    assert skill.added_by == alice
    assert skill.client_notes == ""
    assert skill.archived_at is None
    event = AuditEvent.objects.get(action="coping_skill.add")
    assert event.object_uuid == skill.uuid
    assert event.client_uuid == cleo.uuid
    assert event.detail == {"technique": "paced-breathing"}


def test_it_refuses_an_unknown_technique(alice, cleo):
    with pytest.raises(ValidationError, match="Choose a technique from the library"):
        add_skill_from_library(cleo, "astral-projection", by=alice)
    assert CopingSkill.objects.count() == 0
    assert not AuditEvent.objects.filter(action="coping_skill.add").exists()


def test_it_refuses_the_same_technique_twice_politely(alice, cleo):
    add_skill_from_library(cleo, "grounding", by=alice)
    with pytest.raises(ValidationError) as caught:
        add_skill_from_library(cleo, "grounding", by=alice)
    assert caught.value.messages == ["“Grounding” is already in the client's toolbox."]
    assert CopingSkill.objects.count() == 1
    assert AuditEvent.objects.filter(action="coping_skill.add").count() == 1


def test_a_put_away_technique_can_be_added_again(alice, cleo, skill):
    archive_skill(skill, by=alice)
    again = add_skill_from_library(cleo, "grounding", by=alice)
    assert again.pk != skill.pk
    assert CopingSkill.objects.current().get() == again


def test_the_same_technique_may_sit_in_two_clients_toolboxes(alice, bob, cleo, dan):
    add_skill_from_library(cleo, "grounding", by=alice)
    add_skill_from_library(dan, "grounding", by=bob)
    assert CopingSkill.objects.count() == 2


@pytest.mark.parametrize("who", ["bob", "sam", "client"])
def test_only_the_primary_clinician_adds_from_the_library(request, cleo, who):
    by = cleo.user if who == "client" else request.getfixturevalue(who)
    with pytest.raises(ValidationError, match="Only the client's primary clinician"):
        add_skill_from_library(cleo, "grounding", by=by)
    assert CopingSkill.objects.count() == 0


def test_no_library_skills_are_added_after_care_ends(alice, cleo):
    close_care(cleo)
    with pytest.raises(ValidationError, match="care has ended"):
        add_skill_from_library(cleo, "grounding", by=alice)
    assert CopingSkill.objects.count() == 0


def test_the_client_adds_their_own_skill(cleo):
    skill = add_own_skill(
        cleo, title="  Call   my sister ", notes=" When evenings drag. ", by=cleo.user
    )
    assert (skill.title, skill.client_notes, skill.technique) == (
        "Call my sister",
        "When evenings drag.",
        "",
    )
    assert skill.added_by == cleo.user
    assert skill.notes_updated_at is not None
    event = AuditEvent.objects.get(action="coping_skill.add")
    assert event.actor == cleo.user
    assert event.client_uuid == cleo.uuid


def test_the_clinician_adds_a_skill_in_the_client_s_words(alice, cleo):
    skill = add_own_skill(cleo, title="Walk the dog", notes="", by=alice)
    assert skill.added_by == alice
    assert skill.notes_updated_at is None


@pytest.mark.parametrize(
    ("title", "notes", "message"),
    [
        ("", "x", "Give the skill a short name"),
        ("   ", "x", "Give the skill a short name"),
        ("x" * 201, "", "Keep the name under 200 characters"),
        ("Walk", "x" * 5001, "Keep the notes under 5,000 characters"),
    ],
)
def test_it_refuses_bad_own_skills_and_saves_nothing(cleo, title, notes, message):
    with pytest.raises(ValidationError, match=message):
        add_own_skill(cleo, title=title, notes=notes, by=cleo.user)
    assert CopingSkill.objects.count() == 0
    assert not AuditEvent.objects.filter(action="coping_skill.add").exists()


def test_sending_an_own_skill_twice_adds_it_once(cleo):
    add_own_skill(cleo, title="Call my sister", notes="", by=cleo.user)
    with pytest.raises(ValidationError, match="already in the toolbox"):
        add_own_skill(cleo, title="call MY sister", notes="", by=cleo.user)
    assert CopingSkill.objects.count() == 1


def test_it_strips_nul_characters(cleo):
    skill = add_own_skill(cleo, title="Walk\x00", notes="a\x00b", by=cleo.user)
    assert (skill.title, skill.client_notes) == ("Walk", "ab")


@pytest.mark.parametrize("who", ["bob", "sam", "ada"])
def test_others_cannot_add_to_cleo_s_toolbox(request, cleo, who):
    with pytest.raises(ValidationError):
        add_own_skill(cleo, title="Walk", notes="", by=request.getfixturevalue(who))
    assert CopingSkill.objects.count() == 0


def test_another_client_cannot_add_to_cleo_s_toolbox(cleo, dan):
    from alliance.accounts.models import User

    dan.user = User.objects.create_user(
        "dan@example.net", "pw", role="client", practice=dan.practice
    )
    dan.save(update_fields=["user"])
    with pytest.raises(ValidationError):
        add_own_skill(cleo, title="Walk", notes="", by=dan.user)
    assert CopingSkill.objects.count() == 0
