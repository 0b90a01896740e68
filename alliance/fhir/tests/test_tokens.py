"""FHIR with personal API tokens: the token's user, its scopes, and CSRF only
for sessions (alliance/fhir/auth.py)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client as HttpClient
from django.utils import timezone

from alliance.accounts.models import ApiToken
from alliance.accounts.tokens import create_token
from alliance.fhir.tests.helpers import reparse
from alliance.fhir.tests.test_export import kick_off, manifest_of


def _token(user, *, notes=False, scope="read"):
    return create_token(user, name="fhir", scope=scope, notes=notes, days=30).secret


def _http(secret):
    http = HttpClient(enforce_csrf_checks=True)
    http.defaults["HTTP_ACCEPT"] = "application/fhir+json"
    http.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return http


def test_it_reads_as_the_tokens_user(alice, cleo, bob):
    http = _http(_token(alice))
    response = http.get(f"/fhir/Patient/{cleo.uuid}")
    assert response.status_code == 200
    reparse(response.json())
    # Bob's token reads as Bob: Cleo is not his client.
    assert _http(_token(bob)).get(f"/fhir/Patient/{cleo.uuid}").status_code == 404


def test_a_bad_token_is_an_outcome_401_and_not_the_session(alice, cleo):
    made = create_token(alice, name="old", scope="read", days=30)
    ApiToken.objects.filter(pk=made.token.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = _http(made.secret).get(f"/fhir/Patient/{cleo.uuid}")
    assert response.status_code == 401
    assert response.json()["resourceType"] == "OperationOutcome"
    assert _http("nonsense").get("/fhir/Patient").status_code == 401


def test_note_bodies_need_the_tokens_note_scope(alice, record):
    note = record["note"]
    url = f"/fhir/DocumentReference/{note.uuid}"
    assert _http(_token(alice)).get(url).status_code == 403
    assert _http(_token(alice, notes=True)).get(url).status_code == 200


def test_a_token_cancels_its_export_without_csrf(alice, record):
    http = _http(_token(alice))
    status_url = kick_off(http)
    manifest_of(http, status_url)
    assert http.delete(status_url).status_code == 202


def test_a_session_delete_still_needs_the_csrf_token(alice, record, as_user):
    status_url = kick_off(as_user(alice))
    http = HttpClient(enforce_csrf_checks=True)
    http.cookies = as_user(alice).cookies  # the same signed-in, verified session
    response = http.delete(status_url)
    assert response.status_code == 403
    assert response.json()["resourceType"] == "OperationOutcome"
    assert as_user(alice).get(status_url).status_code == 200  # not cancelled
