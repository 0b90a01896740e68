"""Matrix cases for reminders. The choices page is the signed-in client's own
(staff 403). The unsubscribe page needs no login: its signed link is the key,
so it is public here and checked by alliance/reminders/tests/test_unsubscribe.py
(bad, tampered and foreign tokens answer 404; GET changes nothing)."""

from __future__ import annotations

from tests.authz import PUBLIC_URLS, case
from tests.authz.portal import portal_page

PUBLIC_URLS.add("reminders:unsubscribe")

case("reminders:preferences", portal_page())
case(
    "reminders:preferences",
    portal_page(302),
    method="POST",
    data={"appointments": "on", "homework": "on"},
)
