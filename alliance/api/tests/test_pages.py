from __future__ import annotations

from alliance.api.tests.conftest import token_for
from conftest import log_in, make_client


def test_cursor_pages_through_the_caseload_in_a_stable_order(api, alice):
    made = [make_client(alice, given_name=f"C{i}") for i in range(5)]
    call = api(token_for(alice))
    seen, cursor = [], None
    while True:
        url = "/api/v1/clients?limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = call.get(url).json()
        seen += [item["uuid"] for item in body["items"]]
        cursor = body["next"]
        if not cursor:
            break
    assert seen == [str(c.uuid) for c in made]


def test_a_forged_cursor_is_refused(api, alice):
    make_client(alice, given_name="Only")
    response = api(token_for(alice)).get("/api/v1/clients?cursor=abc")
    assert response.status_code == 400
    assert response.json()["type"].endswith("bad-cursor")


def test_wrong_method_and_unknown_address_are_problems(api, alice):
    call = api(token_for(alice))
    assert call.get("/api/v1/nowhere")["Content-Type"] == "application/problem+json"
    response = call.patch("/api/v1/clients")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"


def test_reference_page_is_for_staff_under_the_strict_csp(client, alice):
    log_in(client, alice)
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "<script>" not in page.content.decode()
    assert "swagger-ui-bundle.js" in page.content.decode()
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/clients" in schema.json()["paths"]
