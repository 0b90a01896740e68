"""Matrix cases for guides. The library is for staff (clients 403). Sharing
takes the client's UUID and follows ``clinical(write=True)``: the supervisor
may read the chart but not share. The portal pages are the signed-in client's
own; a guide not shared with them is 404 like a missing one."""

from __future__ import annotations

from tests.authz import UNAUTH, case, clinical, kind, staff_page
from tests.authz.portal import STAFF, portal_page


@kind("guide_client")
def _guide_client(world, side):
    from alliance.guides.models import GuideShare

    client = world.client_of(side)
    GuideShare.objects.get_or_create(client=client, slug="worry")
    return client


case("guides:library", staff_page())
case("guides:detail", staff_page(), static_kwargs={"slug": "worry"})
case(
    "guides:detail",
    {**staff_page(404), "client": 403},
    static_kwargs={"slug": "no-such-guide"},
)
case(
    "guides:share",
    **clinical(302, write=True),
    kind="guide_client",
    method="POST",
    data={"slug": "sleep"},
)
case("guides:mine", portal_page())
# Cleo's own shared guide is readable; one not shared with her is 404.
case(
    "guides:mine_detail",
    {**UNAUTH, "client": 404, **dict.fromkeys(STAFF, 403)},
    static_kwargs={"slug": "panic"},
)
