"""Matrix cases for the FHIR API (docs/fhir.md). Same rules as the pages, but
an API answers 401 (not a login redirect) without a session; a password-only
session is still sent to finish its second factor by the middleware (302).
Kick-offs without ``Prefer: respond-async`` answer 400 to those allowed to
export, which is what the matrix sends; alliance/fhir/tests cover the rest."""

from __future__ import annotations

from typing import Any

from tests.authz import PUBLIC_URLS, case, clinical, kind

# The CapabilityStatement is public and holds no data: see test_read.py.
PUBLIC_URLS.add("fhir:metadata")

API = {"anon": 401, "pw_only": 302}


def api(expected: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {relation: {**row, **API} for relation, row in expected.items()}


def _searching(resource_type: str):
    return lambda obj: {"resource_type": resource_type}


def _reading(resource_type: str):
    return lambda obj: {"resource_type": resource_type, "ident": str(obj.uuid)}


# A search lists only the searcher's caseload: built on each side, Alice's
# list never shows Dan's goal (its canary), nor Bob's Cleo's.
_lists = {"client": 403, "alice": 200, "bob": 200, "sam": 200, "ada": 403, "zed": 403}
_list_cases = {"own": {**API, **_lists}, "other": {**API, **_lists}}
case("fhir:search", **_list_cases, kind="goal", kwargs=_searching("Goal"))
case("fhir:read", **api(clinical()), kind="goal", kwargs=_reading("Goal"))
case(
    "fhir:read",
    **api(clinical()),
    kind="signed_note",
    kwargs=_reading("DocumentReference"),
)
case(
    "fhir:everything",
    **api(clinical()),
    kind="client",
    kwargs=lambda obj: {"ident": str(obj.uuid)},
)

_staff_400 = {
    "client": 403,
    "alice": 400,
    "bob": 400,
    "sam": 400,
    "ada": 400,
    "zed": 400,
}
case("fhir:export", {**API, **_staff_400})
case("fhir:patient_export", {**API, **_staff_400, "ada": 403, "zed": 403})


def _job(world: Any, side: str, types: list[str]) -> Any:
    from alliance.fhir.bulk import start_export

    return start_export(
        world.client_of(side).clinician,
        level="system",
        types=types,
        since=None,
        request_url="http://testserver/fhir/$export",
    )


@kind("fhir_export_job")
def _export_job(world, side):
    return _job(world, side, ["Organization"])


@kind("fhir_export_file")
def _export_file(world, side):
    return _job(world, side, ["Patient"]).files.get()


# Only the user who asked for an export reads its status and files; anyone
# else (even the supervisor or the practice admin) gets 404; clients 403.
_mine = {
    "own": {
        **API,
        "client": 403,
        "alice": 200,
        "bob": 404,
        "sam": 404,
        "ada": 404,
        "zed": 404,
    },
    "other": {
        **API,
        "client": 403,
        "alice": 404,
        "bob": 200,
        "sam": 404,
        "ada": 404,
        "zed": 404,
    },
    "missing": {
        **API,
        "client": 403,
        **dict.fromkeys(("alice", "bob", "sam", "ada", "zed"), 404),
    },
}
case("fhir:export_status", **_mine, kind="fhir_export_job")
case("fhir:export_file", **_mine, kind="fhir_export_file")
