"""Matrix cases for the client chart (alliance.chart)."""

from __future__ import annotations

from tests.authz import case, clinical

# The "client", "episode" and "alert" kinds are registered in tests/authz/core.py.
case("chart:client", **clinical(), kind="client")
case("chart:homework_review", **clinical(), kind="episode")
case("chart:alert", **clinical(), kind="alert")
case("chart:alert", **clinical(200, write=True), kind="alert", method="POST")
