"""Matrix cases for the technique library.

The library holds no client data and is the same for every practice, so any
staff member (clinician, supervisor, practice admin of either practice) reads
it and clients get 403. An unknown slug is 404, but only after the role check.
"""

from __future__ import annotations

from tests.authz import UNAUTH, case, staff_page

case("techniques:list", staff_page())
case("techniques:detail", staff_page(), static_kwargs={"slug": "miracle-question"})
case(
    "techniques:detail",
    {
        **UNAUTH,
        "client": 403,
        **dict.fromkeys(("alice", "bob", "sam", "ada", "zed"), 404),
    },
    static_kwargs={"slug": "no-such-technique"},
)
