"""Invoices, receipts and superbills as PDFs, through ``alliance.core.pdf``,
with the practice's letterhead."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from alliance.billing.models import (
    BillingSettings,
    ClinicianBilling,
    CreditNote,
    Invoice,
    Payment,
)
from alliance.billing.selectors import client_account, superbill_lines, with_totals
from alliance.clients.models import Client
from alliance.core.pdf import render_pdf
from alliance.intake.models import ProvisionalDiagnosis

STYLESHEETS = ["billing/pdf.css"]


def invoice_context(invoice: Invoice) -> dict[str, Any]:
    totals: Any = with_totals(Invoice.objects.filter(pk=invoice.pk)).get()
    return {
        "invoice": invoice,
        "totals": totals,
        "lines": list(invoice.lines.all()),
        "credit_notes": list(invoice.credit_notes.all()),
        "payments": list(invoice.payments.all()),
        "client": invoice.client,
        "practice": invoice.client.practice,
        "settings": BillingSettings.objects.filter(practice=invoice.practice).first(),
        "currency": invoice.currency,
    }


def invoice_pdf(invoice: Invoice) -> bytes:
    return render_pdf(
        "billing/invoice_pdf.html", invoice_context(invoice), stylesheets=STYLESHEETS
    )


def credit_note_pdf(note: CreditNote) -> bytes:
    """A credit note: a negative document referring to its invoice. Its
    reason stays in the record (it may be about the client): the document
    shows the amount and the invoice only."""
    invoice = note.invoice
    return render_pdf(
        "billing/credit_note_pdf.html",
        {
            "note": note,
            "invoice": invoice,
            "client": invoice.client,
            "practice": invoice.client.practice,
            "settings": BillingSettings.objects.filter(
                practice=invoice.practice
            ).first(),
            "currency": invoice.currency,
        },
        stylesheets=STYLESHEETS,
    )


def receipt_pdf(payment: Payment) -> bytes:
    invoice = payment.invoice
    return render_pdf(
        "billing/receipt_pdf.html",
        {
            "payment": payment,
            "invoice": invoice,
            "settings": BillingSettings.objects.filter(
                practice=invoice.practice
            ).first(),
            "client": invoice.client,
            "practice": invoice.client.practice,
            "currency": invoice.currency,
        },
        stylesheets=STYLESHEETS,
    )


def superbill_context(client: Client, start: date, end: date) -> dict[str, Any]:
    """What a superbill shows: the practice's and clinicians' identifiers,
    the client, the ICD-10-CM codes of their intakes' provisional diagnoses
    (codes only: the clinician's wording stays in the record), and each coded
    session in the period with its fee, and the payments in it."""
    lines = superbill_lines(client, start, end)
    clinician_ids = {line.appointment.clinician_id for line in lines}
    identifiers = {
        ids.clinician_id: ids
        for ids in ClinicianBilling.objects.filter(clinician_id__in=clinician_ids)
    }
    clinicians = []
    seen: set[int] = set()
    for line in lines:
        clinician = line.appointment.clinician
        if clinician.pk not in seen:
            seen.add(clinician.pk)
            clinicians.append((clinician, identifiers.get(clinician.pk)))
    diagnoses = list(
        ProvisionalDiagnosis.objects.filter(
            intake__episode__client=client,
            code_system=ProvisionalDiagnosis.CodeSystem.ICD10CM,
        )
        .exclude(code="")
        .order_by("intake__created_at", "position")
        .values_list("code", flat=True)
    )
    account = client_account(client)
    payments = [p for p in account.payments if start <= p.paid_on <= end]
    return {
        "client": client,
        "practice": client.practice,
        "settings": BillingSettings.objects.filter(practice=client.practice).first(),
        "clinicians": clinicians,
        "diagnoses": list(dict.fromkeys(diagnoses)),
        "lines": lines,
        "payments": payments,
        "charged": sum(line.amount_minor for line in lines),
        "paid": sum(p.amount_minor for p in payments),
        "currency": account.currency,
        "start": start,
        "end": end,
        "printed_at": timezone.now(),
    }


def superbill_pdf(client: Client, start: date, end: date) -> bytes:
    return render_pdf(
        "billing/superbill_pdf.html",
        superbill_context(client, start, end),
        stylesheets=STYLESHEETS,
    )
