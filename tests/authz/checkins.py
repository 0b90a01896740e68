"""Matrix cases for check-ins. The portal pages are the signed-in client's own
(staff 403; another client's check-in 404, like a missing one). The
clinician's page takes the client's UUID and follows ``clinical``: the
supervisor reads, another clinician gets 404, admins and clients 403."""

from __future__ import annotations

import uuid

from tests.authz import case, clinical, kind
from tests.authz.portal import portal_object, portal_page

CHECKIN = {
    "mood": "6",
    "feelings": ["calm", "tired"],
    "note": "A better week.",
    "safety_concern": "no",
    "submission_key": "6f1c2b1e-8d0a-4c4e-9a57-0d3c1e9b2a44",
}


def _checkin(world, side, *, canary=True):
    from alliance.checkins.models import CheckIn
    from alliance.checkins.services import record_checkin

    client = world.client_of(side)
    existing = CheckIn.objects.filter(client=client).first()
    if existing is not None:
        return existing
    # The client principal may see her own note but never Dan's canary.
    marked = canary or side == "other"
    note = f"CANARY-{client.given_name}" if marked else "My own words."
    if client.user_id is not None:
        return record_checkin(
            client,
            mood=4,
            feelings=["sad"],
            note=note,
            safety_concern=True,
            submission_key=uuid.uuid4(),
            by=client.user,
        )
    # Built directly: Dan has no portal login to check in through the service.
    return CheckIn.objects.create(
        client=client,
        episode=client.current_episode(),
        mood=4,
        feelings="sad",
        note=note,
        safety_concern=True,
        submission_key=uuid.uuid4(),
    )


@kind("checkin")
def _checkin_kind(world, side):
    return _checkin(world, side, canary=False)


@kind("checkin_client")
def _checkin_client(world, side):
    return _checkin(world, side).client


case("checkins:new", portal_page())
case("checkins:new", portal_page((200, 302)), method="POST", data=CHECKIN)
case("checkins:mine", portal_page())
case("checkins:done", **portal_object(), kind="checkin")
case("checkins:client", **clinical(), kind="checkin_client")
