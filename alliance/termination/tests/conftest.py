from __future__ import annotations

import pytest

from alliance.termination.tests.helpers import full_record, to_termination


@pytest.fixture
def portal(as_user, cleo):
    """Cleo signed in to her portal."""
    return as_user(cleo.user)


@pytest.fixture
def full(cleo, consent_text):
    """Cleo's episode with a full record, now in termination."""
    return full_record(cleo, consent_text)


@pytest.fixture
def episode(full):
    return full["episode"]


@pytest.fixture
def bare(cleo, consent_text):
    """Cleo's episode moved straight to termination, with nothing recorded."""
    return to_termination(cleo, consent_text)
