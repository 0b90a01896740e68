"""Matrix cases for the client chart (alliance.chart)."""

from __future__ import annotations

from tests.authz import case, clinical

# The "client" kind is registered in tests/authz/core.py.
case("chart:client", **clinical(), kind="client")
