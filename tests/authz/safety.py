"""Matrix cases for safety plans. Clinician pages take the client's UUID (the
plan may not exist yet); the portal page has no object and shows the signed-in
client's own plan; the portal PDF takes the plan's UUID (Dan's is 404 for Cleo)."""

from __future__ import annotations

from tests.authz import UNAUTH, case, clinical, kind

STAFF = ("alice", "bob", "sam", "ada", "zed")
SECTIONS = {
    "based_on": "1",
    "warning_signs": "Not sleeping",
    "coping_strategies": "Walk",
    "people_to_ask": "Maya 07700 900123",
    "reason": "Reviewed",
}


def _plan(world, side):
    from alliance.safety.selectors import current_safety_plan
    from alliance.safety.services import save_safety_plan

    client = world.client_of(side)
    # Several cases may build the plan in one world: reuse the one made first.
    existing = current_safety_plan(client)
    if existing is not None:
        return existing
    return save_safety_plan(
        client,
        by=client.clinician,
        warning_signs=f"CANARY-{client.given_name}",
        coping_strategies="Walk",
        people_to_ask="Maya 07700 900123",
    )


@kind("safety_plan_client")
def _plan_client(world, side):
    return _plan(world, side).plan.client


@kind("safety_plan_version")
def _version(world, side):
    return _plan(world, side)


@kind("safety_plan")
def _safety_plan(world, side):
    return _plan(world, side).plan


def portal_object(ok=200):
    staff = dict.fromkeys(STAFF, 403)
    return {
        "own": {**UNAUTH, "client": ok, **staff},
        "other": {**UNAUTH, "client": 404, **staff},
        "missing": {**UNAUTH, "client": 404, **staff},
    }


case("safety:plan", **clinical(), kind="safety_plan_client")
case("safety:edit", **clinical(write=True), kind="safety_plan_client")
case(
    "safety:edit",
    **clinical(302, write=True),
    kind="safety_plan_client",
    method="POST",
    data=SECTIONS,
)
case("safety:pdf", **clinical(), kind="safety_plan_client")
case("safety:version", **clinical(), kind="safety_plan_version")
case("safety:mine", {**UNAUTH, "client": 200, **dict.fromkeys(STAFF, 403)})
case("safety:mine_pdf", **portal_object(), kind="safety_plan")
