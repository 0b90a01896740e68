"""Writes to safety plans. Every save adds a version; none is ever changed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from alliance.accounts.models import User
from alliance.audit.services import record
from alliance.clients.models import Client
from alliance.core.documents import next_version
from alliance.safety.models import SECTION_FIELDS, SafetyPlan, SafetyPlanVersion

MAX_TEXT = 10_000


def _validate(
    client: Client, by: User, number: int, reason: str, texts: dict[str, str]
) -> None:
    if client.clinician_id != by.pk or client.practice_id != by.practice_id:
        raise ValidationError(
            "Only the client's primary clinician can write their safety plan."
        )
    errors: dict[str, list[str]] = {}
    if not texts["warning_signs"]:
        errors["warning_signs"] = [
            "Write at least one warning sign, so the client knows when to use the plan."
        ]
    if not texts["coping_strategies"]:
        errors["coping_strategies"] = [
            "Write at least one thing the client can do on their own."
        ]
    if not (texts["people_to_ask"] or texts["professionals"]):
        errors["people_to_ask"] = [
            "Name at least one person or professional the client can contact."
        ]
    if number > 1 and not reason:
        errors["reason"] = ["Say briefly why the plan is being revised."]
    for name, text in [*texts.items(), ("reason", reason)]:
        if len(text) > MAX_TEXT:
            errors.setdefault(name, []).append(
                f"Keep this under {MAX_TEXT:,} characters."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_safety_plan(
    client: Client,
    *,
    by: User,
    reason: str = "",
    based_on: int | None = None,
    request: HttpRequest | None = None,
    **sections: str,
) -> SafetyPlanVersion:
    """Save the plan as its next version (the first one creates the plan).

    ``based_on`` is the version number the editor was opened from: if someone
    saved a newer one meanwhile, nothing is written and the clinician is told.
    """
    unknown = set(sections) - set(SECTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown safety plan sections: {sorted(unknown)}")
    texts = {name: (sections.get(name) or "").strip() for name in SECTION_FIELDS}
    reason = reason.strip()
    plan, number = next_version(
        SafetyPlan,
        client=client,
        based_on=based_on,
        stale="The safety plan was changed by someone else after you opened it. "
        "Open it again to see the newest version, then make your changes.",
    )
    _validate(client, by, number, reason, texts)
    version = SafetyPlanVersion.objects.create(
        plan=plan, number=number, reason=reason, created_by=by, **texts
    )
    record(
        by,
        "safety_plan.save",
        version,
        request=request,
        client_uuid=client.uuid,
        detail={"version": number},
    )
    return version
