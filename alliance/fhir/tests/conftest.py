from __future__ import annotations

import pytest

from alliance.fhir.tests.helpers import full_record


@pytest.fixture
def record(cleo, consent_text):
    """Cleo's record with one of everything (alliance/fhir/tests/helpers.py)."""
    return full_record(cleo, consent_text)


@pytest.fixture
def fhir(as_user):
    """``fhir(user)``: a test client signed in as ``user`` that asks for FHIR JSON."""

    def _as(user):
        http = as_user(user)
        http.defaults["HTTP_ACCEPT"] = "application/fhir+json"
        return http

    return _as
