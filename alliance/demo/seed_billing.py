"""The demo practice's billing: settings, a short fee list, the clinicians'
identifiers, a sliding scale, and for the portal client one paid and one
open invoice; every other held session waits on the billing home."""

from __future__ import annotations

from datetime import timedelta

from alliance.accounts.models import Practice, User
from alliance.billing.money import plain
from alliance.billing.services import (
    issue_invoice,
    record_payment,
    save_client_fee,
    save_clinician_identifiers,
    save_fee,
    save_settings,
)
from alliance.clients.models import Client
from alliance.scheduling.models import Appointment

# Invented identifiers with valid check digits (billing.npi), not real ones.
CLINICIAN_NPIS = ("1987654328", "1122334455", "2123456784")


def seed_billing(
    practice: Practice,
    *,
    admin: User,
    clinicians: list[User],
    portal_client: Client,
    sliding_client: Client,
) -> None:
    currency = "USD" if practice.time_zone.startswith("America/") else "GBP"
    save_settings(
        practice,
        by=admin,
        currency=currency,
        default_fee="120",
        npi="1234567893",
        tax_id="12-3456789",
    )
    for purpose, modality, amount in (
        ("assessment", "", "150"),
        ("treatment", "", "120"),
        ("treatment", "video", "110"),
    ):
        save_fee(
            practice,
            by=admin,
            modality=modality,
            purpose=purpose,
            service="",
            amount=amount,
        )
    for clinician, npi in zip(clinicians, CLINICIAN_NPIS, strict=False):
        save_clinician_identifiers(
            clinician,
            by=admin,
            npi=npi,
            licence_number=f"PSY {10000 + clinician.pk}",
            licence_state="CA",
        )
    save_client_fee(
        sliding_client,
        by=admin,
        override="",
        sliding_amount="",
        sliding_percent="60",
        reason="Student on a low income; reviewed every six months.",
    )
    held = list(
        Appointment.objects.filter(
            client=portal_client, status=Appointment.Status.HELD
        ).order_by("starts_at")
    )
    if len(held) < 3:
        return
    paid = issue_invoice(portal_client, held[:2], by=admin)
    issue_invoice(portal_client, held[2:3], by=admin)
    record_payment(
        paid,
        by=admin,
        amount=plain(paid.total_minor, currency),
        method="card",
        paid_on=min(paid.issued_on + timedelta(days=3), practice.today()),
    )
