from __future__ import annotations

import pytest

from alliance.exports.tests.helpers import seeded_record


@pytest.fixture
def record(cleo, consent_text):
    """Cleo's record with something in every section (helpers.py)."""
    return seeded_record(cleo, consent_text)
