from __future__ import annotations

from alliance.safety.services import save_safety_plan

MINIMAL = {
    "warning_signs": "Not sleeping\nPulling away from friends",
    "coping_strategies": "Walk the dog",
    "people_to_ask": "Sister Maya 07700 900123",
}


def write_plan(client, *, by=None, reason="", **sections):
    return save_safety_plan(
        client, by=by or client.clinician, reason=reason, **{**MINIMAL, **sections}
    )
