from __future__ import annotations

import pytest

from alliance.notes.tests.helpers import signed, start


@pytest.fixture
def session(cleo):
    return start(cleo)


@pytest.fixture
def note(session):
    return session.progress_note


@pytest.fixture
def signed_note(cleo):
    return signed(cleo)
