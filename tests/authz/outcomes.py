"""Matrix cases for the practice outcomes page and its CSV: aggregates for
clinicians, supervisors and practice admins (each sees their own practice);
clients get 403."""

from __future__ import annotations

from tests.authz import UNAUTH, case

STAFF_AGGREGATES = {
    **UNAUTH,
    "client": 403,
    "alice": 200,
    "bob": 200,
    "sam": 200,
    "ada": 200,
    "zed": 200,
}

case("measures:outcomes", STAFF_AGGREGATES)
case("measures:outcomes_csv", STAFF_AGGREGATES)
case("measures:outcomes_episodes_csv", STAFF_AGGREGATES)
