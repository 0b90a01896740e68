from __future__ import annotations

from alliance.api.tests.conftest import token_for
from alliance.audit.models import AuditEvent


def test_caseload_lists_own_clients_only_and_is_audited(api, alice, cleo, dan):
    response = api(token_for(alice)).get("/api/v1/clients")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [c["uuid"] for c in body["items"]] == [str(cleo.uuid)]
    assert body["next"] is None
    assert "CANARY" not in response.content.decode()
    event = AuditEvent.objects.filter(action="caseload.view").latest("id")
    assert event.actor == alice
    assert event.detail["objects"] == [str(cleo.uuid)]


def test_no_token_is_a_problem(api, cleo):
    response = api(None).get("/api/v1/clients")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "instance"}
    assert body["status"] == 401
    assert body["instance"] == "/api/v1/clients"


def test_patch_needs_if_match_and_refuses_stale(api, alice, cleo):
    call = api(token_for(alice))
    url = f"/api/v1/clients/{cleo.uuid}"
    read = call.get(url)
    tag = read["ETag"]
    assert call.patch(url, {"phone": "0100"}).status_code == 428
    ok = call.patch(url, {"phone": "0100"}, HTTP_IF_MATCH=tag)
    assert ok.status_code == 200, ok.content
    assert ok.json()["phone"] == "0100"
    stale = call.patch(url, {"phone": "0200"}, HTTP_IF_MATCH=tag)
    assert stale.status_code == 412
    cleo.refresh_from_db()
    assert cleo.phone == "0100"


def test_bad_input_is_a_problem_with_errors(api, alice, cleo):
    call = api(token_for(alice))
    url = f"/api/v1/clients/{cleo.uuid}"
    tag = call.get(url)["ETag"]
    response = call.patch(url, {"date_of_birth": "yesterday"}, HTTP_IF_MATCH=tag)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "date_of_birth"
    response = call.post("/api/v1/clients", {"given_name": ""})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"given_name", "family_name", "date_of_birth"} <= fields


def test_episode_moves_through_the_service_with_if_match(api, alice, cleo):
    call = api(token_for(alice))
    episode = cleo.current_episode()
    url = f"/api/v1/episodes/{episode.uuid}"
    tag = call.get(url)["ETag"]
    move = {"to": "assessment", "reason": "Referral accepted"}
    assert call.post(f"{url}/moves", move).status_code == 428
    moved = call.post(f"{url}/moves", move, HTTP_IF_MATCH=tag)
    assert moved.status_code == 200, moved.content
    assert moved.json()["phase"] == "assessment"
    # The old tag is stale now; the rule (no active without consent) refuses.
    stale = call.post(
        f"{url}/moves", {"to": "active", "reason": "x"}, HTTP_IF_MATCH=tag
    )
    assert stale.status_code == 412
    refused = call.post(
        f"{url}/moves", {"to": "active", "reason": "x"}, HTTP_IF_MATCH=moved["ETag"]
    )
    assert refused.status_code == 422
    assert refused.json()["type"] == "urn:alliance:problem:refused"
    episode.refresh_from_db()
    assert episode.phase == "assessment"
