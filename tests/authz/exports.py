"""Matrix cases for record exports (docs/portal.md "Your own copy"). The
client's own copies are hers alone (Dan's: 404; staff have no portal: 403).
A copy asked for from the chart is its requester's alone, while they still
hold the client: the supervisor, admins and the other clinician never reach
it, like the FHIR export jobs."""

from __future__ import annotations

from typing import Any

from tests.authz import UNAUTH, case, clinical, kind
from tests.authz.portal import portal_object, portal_page


@kind("own_record_export")
def _own_export(world: Any, side: str) -> Any:
    from alliance.exports.services import request_export

    client = world.client_of(side)
    if client.user is None:  # Dan has no portal login: his copy is asked for him
        return request_export(client, by=client.clinician, scope="own_copy")
    return request_export(client, by=client.user, scope="own_copy")


@kind("staff_record_export")
def _staff_export(world: Any, side: str) -> Any:
    from alliance.exports.services import request_export

    client = world.client_of(side)
    return request_export(client, by=client.clinician, scope="access_request")


case("exports:own", portal_page())
case("exports:own", portal_page(302), method="POST")
case("exports:own_status", **portal_object(), kind="own_record_export")
case("exports:own_download", **portal_object(), kind="own_record_export")
case("exports:client", **clinical(), kind="client")
case(
    "exports:client",
    **clinical(302),
    kind="client",
    method="POST",
    data={"scope": "access_request"},
)

_mine = {
    "own": {
        **UNAUTH,
        "client": 403,
        "alice": 200,
        "bob": 404,
        "sam": 404,
        "ada": 403,
        "zed": 403,
    },
    "other": {
        **UNAUTH,
        "client": 403,
        "alice": 404,
        "bob": 200,
        "sam": 404,
        "ada": 403,
        "zed": 403,
    },
    "missing": {
        **UNAUTH,
        "client": 403,
        **dict.fromkeys(("alice", "bob", "sam"), 404),
        "ada": 403,
        "zed": 403,
    },
}
case("exports:status", **_mine, kind="staff_record_export")
case("exports:download", **_mine, kind="staff_record_export")
