"""The calendar and outcomes access rules live in ``alliance.permissions``."""

from __future__ import annotations

import pytest

from alliance import permissions
from alliance.scheduling.tests.conftest import at

pytestmark = pytest.mark.django_db


def test_visible_clinicians_follow_the_role(alice, bob, sam, ada, zed):
    assert permissions.visible_clinicians(alice) == [alice]
    assert permissions.visible_clinicians(sam) == [alice, sam]
    assert permissions.visible_clinicians(ada) == [alice, bob, sam]
    assert zed not in permissions.visible_clinicians(ada)


def test_a_calendar_is_managed_by_its_owner_and_the_admin(alice, sam, ada):
    assert permissions.may_manage_calendar(alice, alice)
    assert permissions.may_manage_calendar(ada, alice)
    assert not permissions.may_manage_calendar(sam, alice)
    assert not permissions.may_manage_calendar(ada, None)


def test_an_appointment_is_managed_as_get_appointment_writes(
    book, alice, bob, sam, ada, cleo
):
    appointment = book(cleo, at(2031, 3, 4, 10), clinician=bob, by=alice)
    assert permissions.may_manage_appointment(alice, appointment)  # holds cleo
    assert permissions.may_manage_appointment(bob, appointment)  # his calendar
    assert permissions.may_manage_appointment(ada, appointment)
    assert not permissions.may_manage_appointment(sam, appointment)


def test_outcomes_scope_follows_the_role(alice, bob, sam, ada):
    assert permissions.outcomes_choices(alice) is None
    assert permissions.outcomes_choices(ada) == [alice, bob, sam]
    assert permissions.outcomes_scope(ada) is None
    assert permissions.outcomes_scope(ada, bob) == bob
    assert permissions.outcomes_scope(alice) == [alice]
    assert permissions.outcomes_scope(sam) == [sam, alice]
