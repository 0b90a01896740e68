"""record_checkin: each field is checked, bad input saves nothing, a
resubmitted form returns the stored check-in, and the write is audited."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alliance.alerts.models import RiskAlert
from alliance.audit.models import AuditEvent
from alliance.checkins.models import CheckIn
from alliance.checkins.services import record_checkin
from alliance.clients.services import transition_episode


def _record(client, **fields):
    values = {
        "mood": 5,
        "feelings": [],
        "note": "",
        "safety_concern": False,
        "submission_key": uuid.uuid4(),
        "by": client.user,
    }
    values.update(fields)
    return record_checkin(client, **values)


def test_it_records_a_check_in_in_the_open_episode(cleo):
    checkin = _record(
        cleo, mood=7, feelings=["tired", "calm", "calm"], note="  A good walk.  "
    )
    assert checkin.client == cleo
    assert checkin.episode == cleo.current_episode()
    assert checkin.mood == 7
    # Known keys once each, in the list's order.
    assert checkin.feelings == "calm,tired"
    assert checkin.feeling_labels == ["Calm", "Tired"]
    assert checkin.note == "A good walk."
    assert checkin.safety_concern is False
    assert RiskAlert.objects.count() == 0


def test_it_records_an_audit_event(cleo):
    checkin = _record(cleo)
    event = AuditEvent.objects.get(action="checkin.create")
    assert event.actor == cleo.user
    assert event.object_uuid == checkin.uuid
    assert event.client_uuid == cleo.uuid


@pytest.mark.parametrize("mood", [0, 10, "3"])
def test_it_accepts_the_ends_of_the_scale(cleo, mood):
    assert _record(cleo, mood=mood).mood == int(mood)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"mood": -1}, "Choose your mood from 0 (the worst) to 10 (the best)."),
        ({"mood": 11}, "Choose your mood from 0 (the worst) to 10 (the best)."),
        ({"mood": None}, "Choose your mood from 0 (the worst) to 10 (the best)."),
        ({"mood": "five"}, "Choose your mood from 0 (the worst) to 10 (the best)."),
        ({"mood": 5.5}, "Choose your mood from 0 (the worst) to 10 (the best)."),
        ({"mood": True}, "Choose your mood from 0 (the worst) to 10 (the best)."),
        ({"feelings": ["calm", "elated"]}, "Choose feelings from the list."),
        ({"feelings": ["<script>"]}, "Choose feelings from the list."),
        ({"note": "x" * 1001}, "Keep the note to 1000 characters or fewer."),
        (
            {"safety_concern": None},
            "Please answer the question about thoughts of harming yourself.",
        ),
        (
            {"safety_concern": "yes"},
            "Please answer the question about thoughts of harming yourself.",
        ),
        (
            {"submission_key": "not-a-key"},
            "This form has expired. Please fill it in again and send it.",
        ),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(cleo, fields, message):
    with pytest.raises(ValidationError) as refused:
        _record(cleo, **{"safety_concern": True, **fields})
    assert refused.value.messages == [message]
    assert CheckIn.objects.count() == 0
    assert RiskAlert.objects.count() == 0
    assert not AuditEvent.objects.filter(action="checkin.create").exists()


def test_a_note_of_exactly_1000_characters_is_kept(cleo):
    assert len(_record(cleo, note="x" * 1000).note) == 1000


def test_the_same_key_returns_the_stored_check_in(cleo):
    key = uuid.uuid4()
    first = _record(cleo, mood=3, submission_key=key, safety_concern=True)
    again = _record(cleo, mood=9, submission_key=str(key), safety_concern=True)
    assert again.pk == first.pk
    assert again.mood == 3
    assert CheckIn.objects.count() == 1
    assert RiskAlert.objects.count() == 1
    assert AuditEvent.objects.filter(action="checkin.create").count() == 1


def test_keys_are_per_client(cleo, alice):
    from alliance.accounts.models import User
    from conftest import make_client

    other = make_client(alice, given_name="Olu")
    other.user = User.objects.create_user(
        "olu@example.net", "x", role=User.Role.CLIENT, practice=alice.practice
    )
    other.save(update_fields=["user"])
    key = uuid.uuid4()
    _record(cleo, submission_key=key)
    _record(other, submission_key=key)
    assert CheckIn.objects.count() == 2


def test_only_the_client_checks_in(cleo, alice, dan):
    with pytest.raises(ValidationError, match="Only the client can check in"):
        _record(cleo, by=alice)
    # Dan has no portal login at all.
    with pytest.raises(ValidationError, match="Only the client can check in"):
        _record(dan, by=cleo.user)
    assert CheckIn.objects.count() == 0


def test_it_refuses_without_an_open_episode(cleo, alice):
    transition_episode(
        cleo.current_episode(),
        "closed",
        by=alice,
        reason="Ended.",
        discharge="not_suitable",
        at=timezone.now(),
    )
    with pytest.raises(ValidationError, match="no open episode of care"):
        _record(cleo)
    assert CheckIn.objects.count() == 0


def test_a_racing_double_tap_returns_the_stored_check_in(cleo, monkeypatch):
    from django.db.models import QuerySet

    key = uuid.uuid4()
    first = _record(cleo, submission_key=key, safety_concern=True)
    real_first = QuerySet.first
    missed = []

    def miss_once(self):
        # The twin request looked before the first one committed.
        if not missed and self.model is CheckIn:
            missed.append(True)
            return None
        return real_first(self)

    monkeypatch.setattr(QuerySet, "first", miss_once)
    again = _record(cleo, submission_key=key, mood=9, safety_concern=True)
    assert missed == [True]
    assert again.pk == first.pk
    assert CheckIn.objects.count() == 1
    assert RiskAlert.objects.count() == 1
    assert AuditEvent.objects.filter(action="checkin.create").count() == 1
