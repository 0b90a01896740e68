"""Matrix cases for the REST API (docs/api.md) and the API token pages.

The API's operations authenticate a bearer token only: a signed-in session is
not a credential there, so every principal of this session-based matrix gets
401 (Alice without her second factor is sent to finish signing in first).
Tokens are walked through every operation by tests/test_api_matrix.py. The
reference page and the OpenAPI document are for signed-in staff."""

from __future__ import annotations

import uuid

from alliance.api.main import api
from tests.authz import UNAUTH, case, kind, staff_page

_GHOST = uuid.UUID("00000000-0000-4000-8000-000000000001")
_TOKEN_ONLY = {
    "anon": 401,
    "pw_only": 302,
    **dict.fromkeys(("client", "alice", "bob", "sam", "ada", "zed"), 401),
}


def _operations() -> list[tuple[str, str, str]]:
    """(url name, method, path) of every token-authenticated operation."""
    found = []
    for prefix, router in api._routers:
        del prefix
        for route, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    found.append((operation.url_name, method, route))
    return found


# The harness sends GET and POST only: a PATCH operation meets a POST, which
# its address does not answer (405, as a problem body).
_WRONG_METHOD = {**dict.fromkeys(_TOKEN_ONLY, 405), "pw_only": 302}
for _name, _method, _route in _operations():
    case(
        f"api:{_name}",
        _WRONG_METHOD if _method not in ("GET", "POST") else _TOKEN_ONLY,
        method="GET" if _method == "GET" else "POST",
        static_kwargs={"uuid": _GHOST} if "{uuid}" in _route else {},
    )

case("api:docs", staff_page())
case("api:openapi-json", staff_page())
case("api:api-root", {**dict.fromkeys(_TOKEN_ONLY, 404), "pw_only": 302})
case(
    "api:not_found",
    {**dict.fromkeys(_TOKEN_ONLY, 404), "pw_only": 302},
    static_kwargs={"rest": "nothing/here"},
)

# The personal token page: every staff member has one; clients have no tokens.
case("accounts:api_tokens", staff_page())
case(
    "accounts:api_tokens",
    staff_page(400),
    method="POST",
    data={"name": "", "scope": "read", "days": "90"},
)


@kind("api_token")
def _api_token(world, side):
    from alliance.accounts.tokens import create_token

    owner = world.alice if side == "own" else world.bob
    return create_token(owner, name="matrix", scope="read").token


_no_token_page = {"client": 403}
case(
    "accounts:api_token_revoke",
    own={
        **UNAUTH,
        **_no_token_page,
        "alice": 302,
        "bob": 404,
        "sam": 404,
        "ada": 404,
        "zed": 404,
    },
    other={
        **UNAUTH,
        **_no_token_page,
        "alice": 404,
        "bob": 302,
        "sam": 404,
        "ada": 404,
        "zed": 404,
    },
    missing={
        **UNAUTH,
        **_no_token_page,
        **dict.fromkeys(("alice", "bob", "sam", "ada", "zed"), 404),
    },
    kind="api_token",
    method="POST",
)
