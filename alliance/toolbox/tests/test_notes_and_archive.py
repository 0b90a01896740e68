"""The client's own notes on a skill, and putting a skill away (never
deleting it)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from alliance.audit.models import AuditEvent
from alliance.toolbox.models import CopingSkill
from alliance.toolbox.services import (
    add_own_skill,
    add_skill_from_library,
    archive_skill,
    log_practice,
    restore_skill,
    update_skill_notes,
)
from alliance.toolbox.tests.conftest import close_care


def test_the_client_writes_their_notes(cleo, skill):
    update_skill_notes(skill, notes="Five things I can see.", by=cleo.user)
    skill.refresh_from_db()
    assert skill.client_notes == "Five things I can see."
    assert skill.notes_updated_at is not None
    event = AuditEvent.objects.get(action="coping_skill.notes")
    assert (event.actor, event.client_uuid) == (cleo.user, cleo.uuid)


def test_saving_the_same_notes_again_changes_nothing(cleo, skill):
    update_skill_notes(skill, notes="Same words", by=cleo.user)
    first = CopingSkill.objects.get(pk=skill.pk).notes_updated_at
    update_skill_notes(skill, notes="Same words", by=cleo.user)
    assert CopingSkill.objects.get(pk=skill.pk).notes_updated_at == first
    assert AuditEvent.objects.filter(action="coping_skill.notes").count() == 1


def test_the_clinician_writes_notes_with_the_client(alice, skill):
    update_skill_notes(skill, notes="Written together", by=alice)
    assert CopingSkill.objects.get(pk=skill.pk).client_notes == "Written together"


def test_it_refuses_notes_that_are_too_long(cleo, skill):
    with pytest.raises(ValidationError, match="under 5,000 characters"):
        update_skill_notes(skill, notes="x" * 5001, by=cleo.user)
    assert CopingSkill.objects.get(pk=skill.pk).client_notes == ""
    assert not AuditEvent.objects.filter(action="coping_skill.notes").exists()


@pytest.mark.parametrize("who", ["bob", "sam", "ada"])
def test_only_the_client_and_their_clinician_write_notes(request, skill, who):
    with pytest.raises(ValidationError):
        update_skill_notes(skill, notes="Not mine", by=request.getfixturevalue(who))
    assert CopingSkill.objects.get(pk=skill.pk).client_notes == ""


def test_after_care_ends_the_clinician_no_longer_writes(alice, cleo, skill):
    close_care(cleo)
    with pytest.raises(ValidationError, match="theirs alone to change"):
        update_skill_notes(skill, notes="Late words", by=alice)
    update_skill_notes(skill, notes="My words", by=cleo.user)
    assert CopingSkill.objects.get(pk=skill.pk).client_notes == "My words"


def test_putting_a_skill_away_keeps_its_notes_and_log(cleo, skill):
    from django.utils import timezone

    update_skill_notes(skill, notes="Kept", by=cleo.user)
    log_practice(
        skill, practised_on=timezone.localdate(), helpfulness=5, note="", by=cleo.user
    )
    archive_skill(skill, by=cleo.user)
    skill.refresh_from_db()
    assert skill.is_archived is True
    assert skill.archived_by == cleo.user
    assert skill.client_notes == "Kept"
    assert skill.practices.count() == 1
    assert list(CopingSkill.objects.current()) == []
    assert AuditEvent.objects.filter(action="coping_skill.archive").count() == 1


def test_putting_away_twice_changes_nothing(cleo, skill):
    archive_skill(skill, by=cleo.user)
    when = CopingSkill.objects.get(pk=skill.pk).archived_at
    archive_skill(CopingSkill.objects.get(pk=skill.pk), by=cleo.user)
    assert CopingSkill.objects.get(pk=skill.pk).archived_at == when
    assert AuditEvent.objects.filter(action="coping_skill.archive").count() == 1


def test_a_put_away_skill_takes_no_notes_or_practice(cleo, skill):
    archive_skill(skill, by=cleo.user)
    with pytest.raises(ValidationError, match="put it back"):
        update_skill_notes(skill, notes="x", by=cleo.user)
    with pytest.raises(ValidationError, match="put it back"):
        log_practice(skill, practised_on=None, helpfulness=None, note="", by=cleo.user)


def test_a_skill_can_be_put_back(cleo, skill):
    archive_skill(skill, by=cleo.user)
    restore_skill(skill, by=cleo.user)
    skill.refresh_from_db()
    assert (skill.archived_at, skill.archived_by) == (None, None)
    assert AuditEvent.objects.filter(action="coping_skill.restore").count() == 1


def test_it_will_not_put_back_a_twin(alice, cleo, skill):
    archive_skill(skill, by=alice)
    add_skill_from_library(cleo, "grounding", by=alice)
    with pytest.raises(ValidationError, match="already in the toolbox"):
        restore_skill(skill, by=alice)
    own = add_own_skill(cleo, title="Walk", notes="", by=cleo.user)
    archive_skill(own, by=cleo.user)
    add_own_skill(cleo, title="walk", notes="", by=cleo.user)
    with pytest.raises(ValidationError, match="already in the toolbox"):
        restore_skill(own, by=cleo.user)
    assert CopingSkill.objects.get(pk=skill.pk).is_archived is True
