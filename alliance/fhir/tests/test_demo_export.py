"""Export the demo practice in bulk, as each clinician and supervisor, and
re-read every NDJSON line with fhir.resources (R4B) and fhirclient (4.0.1)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from alliance.accounts.models import User
from alliance.core.crypto import reset_keyring_cache
from alliance.fhir.tests.helpers import reparse
from alliance.measures.engine import get_instrument
from alliance.measures.models import Administration
from conftest import log_in, settings_for_tests, shared_data


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker, tmp_path_factory):
    path = tmp_path_factory.mktemp("fhir-demo")
    with shared_data(django_db_blocker, path), override_settings(VAR_DIR=path):
        call_command("demo", password="demo-password-for-tests", stdout=StringIO())
        yield path


@pytest.fixture
def seeded(_demo, db, settings):
    settings.VAR_DIR = _demo
    for name, value in settings_for_tests(_demo).items():
        setattr(settings, name, value)
    reset_keyring_cache()


def _export(http):
    response = http.get("/fhir/$export", HTTP_PREFER="respond-async")
    assert response.status_code == 202
    manifest = http.get(response["Content-Location"]).json()
    assert manifest["error"] == []
    found: dict[str, list[dict]] = {}
    for output in manifest["output"]:
        body = http.get(output["url"]).content.decode()
        for line in body.splitlines():
            found.setdefault(output["type"], []).append(json.loads(line))
    return found


def _covering(users):
    """Supervisors first, then clinicians none of them covers: every client's
    record is exported once, by someone allowed to read it."""
    from alliance import permissions

    chosen, covered = [], set()
    for user in sorted(users, key=lambda u: u.role != User.Role.SUPERVISOR):
        clients = set(
            permissions.clients_readable_by(user).values_list("pk", flat=True)
        )
        if clients - covered:
            chosen.append(user)
            covered |= clients
    return chosen


def test_the_demo_practice_exports_and_every_line_parses(seeded, client):
    clinicians = User.objects.filter(role__in=User.CLINICAL_ROLES, is_active=True)
    seen: set[tuple[str, str]] = set()
    phq9_totals = 0
    for user in _covering(clinicians):
        http = log_in(client, user)
        found = _export(http)
        for kind, resources in found.items():
            for resource in resources:
                assert resource["resourceType"] == kind
                if (kind, resource["id"]) not in seen:
                    reparse(resource)
                    seen.add((kind, resource["id"]))
        observations = {o["id"]: o for o in found.get("Observation", [])}
        for administration in Administration.objects.current().filter(
            instrument="phq9", client__in=user.caseload.all()
        ):
            panel = observations[str(administration.uuid)]
            assert panel["code"]["coding"][0]["code"] == "44249-1"
            total = observations[f"{administration.uuid.hex}-total"]
            assert total["code"]["coding"][0]["code"] == "44261-6"
            engine = get_instrument("phq9").score(administration.answer_dict())
            assert (
                total["valueQuantity"]["value"] == engine.total == administration.total
            )
            phq9_totals += 1
        client.logout()
    assert len(seen) > 500
    assert phq9_totals > 10
