"""Items other apps add to the reminder email through
``alliance.core.periodic.register_digest_items`` (aftercare's follow-ups)."""

from __future__ import annotations

import pytest
from django.core import mail

from alliance.core import periodic
from alliance.reminders.models import ReminderDigest
from alliance.reminders.services import set_preferences
from alliance.reminders.tests.conftest import run_worker

CALLS = []


def _two_followups(client, *, now):
    CALLS.append((client.pk, now))
    return ["first", "second"]


@pytest.fixture
def followups(monkeypatch):
    monkeypatch.setattr(periodic, "DIGEST_ITEMS", {})
    CALLS.clear()
    periodic.register_digest_items(
        "followups",
        _two_followups,
        singular="follow-up check-in",
        plural="follow-up check-ins",
    )


def test_registered_items_are_counted_in_the_email(rosa, clock, followups):
    run_worker()
    assert "- 2 follow-up check-ins to complete." in mail.outbox[0].body
    assert "first" not in mail.outbox[0].body
    assert ReminderDigest.objects.get().kinds == {"followups": 2}
    assert [(rosa.pk, clock.at)] == CALLS


def test_they_follow_the_questionnaires_switch(rosa, clock, followups):
    set_preferences(
        rosa, appointments=True, homework=True, questionnaires=False, by=rosa.user
    )
    run_worker()
    assert mail.outbox == []
    assert CALLS == []


def test_nothing_is_sent_once_care_has_closed(rosa, alice, clock, followups):
    from alliance.clients.services import transition_episode

    transition_episode(
        rosa.current_episode(),
        "closed",
        by=alice,
        reason="Finished.",
        discharge="completed",
    )
    run_worker()
    assert mail.outbox == []


def test_a_provider_may_return_nothing(rosa, clock, monkeypatch):
    monkeypatch.setattr(periodic, "DIGEST_ITEMS", {})
    periodic.register_digest_items(
        "followups", lambda client, *, now: [], singular="x", plural="xs"
    )
    run_worker()
    assert mail.outbox == []


def test_registration_checks_its_arguments():
    with pytest.raises(ValueError, match="Unknown reminder preference"):
        periodic.register_digest_items(
            "x", _two_followups, preference="everything", singular="a", plural="b"
        )
    with pytest.raises(ValueError, match="needs a name"):
        periodic.register_digest_items("x", _two_followups, singular="", plural="b")
