"""Build billable sessions the way the app does: through the services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone


def session(
    client: Any,
    *,
    days_ago: float = 1,
    minutes: int = 50,
    purpose: str = "treatment",
    modality: str = "in_person",
    status: str = "held",
) -> Any:
    """A past appointment of ``client`` marked ``status`` (held by default)."""
    from alliance.scheduling.services import book_appointment, set_status

    clinician = client.clinician
    appointment = book_appointment(
        client=client,
        clinician=clinician,
        starts_at=timezone.now() - timedelta(days=days_ago),
        duration_minutes=minutes,
        modality=modality,
        location="Room 2" if modality == "in_person" else "",
        purpose=purpose,
        by=clinician,
    )
    reason = "Unwell" if status in ("cancelled", "late_cancelled") else ""
    return set_status(appointment, status, by=clinician, reason=reason)


def priced(practice: Any, amount: str = "120.00", *, by: Any) -> Any:
    """The practice with a default fee (USD)."""
    from alliance.billing.services import save_settings

    return save_settings(
        practice, by=by, currency="USD", default_fee=amount, npi="", tax_id=""
    )


def invoiced(client: Any, *, by: Any, amount: str = "120.00", **kw: Any) -> Any:
    from alliance.billing.services import issue_invoice

    priced(client.practice, amount, by=by)
    return issue_invoice(client, [session(client, **kw)], by=by)
