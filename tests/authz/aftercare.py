"""Matrix cases for aftercare. The client's pages are the portal (staff 403,
another client's follow-up 404); the clinician's follow ``clinical``: the
primary clinician writes, the supervisor reads, admins and clients get 403,
another clinician's client is 404."""

from __future__ import annotations

from tests.authz import case, clinical, kind
from tests.authz.portal import portal_object, portal_page


def _open_followup(world, side):
    from django.utils import timezone

    from alliance.aftercare.models import FollowUp

    client = world.client_of(side)
    now = timezone.now()
    # Built directly: the world's episodes are in referral, and a follow-up
    # needs no more than a client and an episode to be reached.
    return FollowUp.objects.create(
        episode=client.current_episode(),
        client=client,
        months=3,
        aftercare_from=now,
        due_on=now.date(),
        status=FollowUp.Status.OPEN,
        opened_at=now,
        instruments=["phq9"],
    )


@kind("followup")
def _followup_kind(world, side):
    return _open_followup(world, side)


@kind("booster")
def _booster_kind(world, side):
    from django.utils import timezone

    from alliance.aftercare.models import BoosterRequest

    client = world.client_of(side)
    return BoosterRequest.objects.create(
        client=client,
        episode=client.current_episode(),
        status=BoosterRequest.Status.REQUESTED,
        requested_at=timezone.now(),
        note=f"CANARY-{client.given_name}",
    )


case("aftercare:mine", portal_page())
case("aftercare:followup", **portal_object(), kind="followup")
case(
    "aftercare:followup",
    **portal_object((200, 302)),
    kind="followup",
    method="POST",
    data={"wellbeing": "6", "note": "", "using_plan": "yes", "wants_contact": "no"},
)
# Cleo's episode is in referral: the request is refused with a message.
case("aftercare:request_booster", portal_page(302), method="POST", data={"note": ""})
case("aftercare:client", **clinical(), kind="client")
case(
    "aftercare:respond",
    **clinical(302, write=True),
    kind="booster",
    method="POST",
    data={"action": "decline", "response": "Phoned; will review in a month."},
)
