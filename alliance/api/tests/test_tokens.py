from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alliance.accounts.models import ApiToken
from alliance.accounts.tokens import create_token
from alliance.api.tests.conftest import token_for
from alliance.core.tokens import hash_token
from conftest import log_in


def test_token_page_shows_the_secret_once_and_stores_only_its_hash(client, alice):
    log_in(client, alice)
    response = client.post(
        "/accounts/api-tokens/", {"name": "Sheet", "scope": "read", "days": "30"}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=alice)
    secret = response.context["made"].secret
    assert secret in response.content.decode()
    assert token.token_hash == hash_token(secret)
    assert secret not in client.get("/accounts/api-tokens/").content.decode()


def test_bad_token_form_changes_nothing(client, alice):
    log_in(client, alice)
    response = client.post(
        "/accounts/api-tokens/", {"name": "", "scope": "admin", "days": "9999"}
    )
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoked_token_stops_at_once(client, api, alice, cleo):
    secret = token_for(alice)
    assert api(secret).get("/api/v1/clients").status_code == 200
    log_in(client, alice)
    token = ApiToken.objects.get(user=alice)
    client.post(f"/accounts/api-tokens/{token.uuid}/revoke/")
    assert api(secret).get("/api/v1/clients").status_code == 401


def test_clients_get_no_tokens(cleo):
    with pytest.raises(ValidationError):
        create_token(cleo.user, name="x", scope="read")


def test_deactivated_user_and_expired_token_are_refused(api, alice, bob, cleo):
    secret = token_for(bob)
    bob.is_active = False
    bob.save()
    assert api(secret).get("/api/v1/clients").status_code == 401
    old = token_for(alice)
    ApiToken.objects.filter(user=alice).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert api(old).get("/api/v1/clients").status_code == 401


def test_read_only_token_cannot_write(api, alice, cleo):
    response = api(token_for(alice, scope="read")).post(
        "/api/v1/clients",
        {"given_name": "N", "family_name": "N", "date_of_birth": "1990-01-01"},
    )
    assert response.status_code == 403
    assert response.json()["title"] == "Read-only token"


def test_practice_can_turn_the_api_off(api, alice, cleo):
    secret = token_for(alice)
    alice.practice.api_enabled = False
    alice.practice.save()
    response = api(secret).get("/api/v1/clients")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_rate_limit_per_token(api, alice, cleo, settings):
    settings.ALLIANCE_API_RATE_LIMIT = 2
    call = api(token_for(alice))
    assert call.get("/api/v1/clients").status_code == 200
    assert call.get("/api/v1/clients").status_code == 200
    limited = call.get("/api/v1/clients")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    # Another token has its own allowance.
    assert api(token_for(alice)).get("/api/v1/clients").status_code == 200


def test_notes_scope_for_progress_note_text(api, alice, cleo):
    from tests.authz import KINDS
    from tests.test_api_matrix import _operations  # noqa: F401 (loads the kinds)

    world = type("W", (), {})()
    world.alice, world.cleo = alice, cleo
    world.client_of = lambda side: cleo
    note = KINDS["progress_note"](world, "own")
    url = f"/api/v1/progress-notes/{note.uuid}"
    assert api(token_for(alice)).get(url).status_code == 403
    body = api(token_for(alice, notes=True)).get(url)
    assert body.status_code == 200, body.content
    assert "sections" in body.json()
