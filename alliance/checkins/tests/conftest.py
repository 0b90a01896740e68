from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def portal(as_user, cleo):
    """Cleo signed in to her portal."""
    return as_user(cleo.user)


@pytest.fixture
def check_in(cleo):
    """``check_in(mood=3, ...)`` stores a check-in for Cleo through the service."""
    from alliance.checkins.services import record_checkin

    def _check_in(client=None, **fields):
        client = client or cleo
        values = {
            "mood": 5,
            "feelings": [],
            "note": "",
            "safety_concern": False,
            "submission_key": uuid.uuid4(),
        }
        values.update(fields)
        return record_checkin(client, by=client.user, **values)

    return _check_in
