"""Read-only billing queries for pages and PDFs, a bounded number of queries
each whatever the number of sessions or documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from alliance.accounts.models import Practice
from alliance.billing.models import (
    BillingSettings,
    CreditNote,
    Invoice,
    InvoiceLine,
    Payment,
)
from alliance.clients.models import Client
from alliance.scheduling.models import Appointment

BILLABLE = (Appointment.Status.HELD, Appointment.Status.LATE_CANCELLED)


def currency_of(practice: Practice) -> str:
    settings = BillingSettings.objects.filter(practice=practice).first()
    return settings.currency if settings else "USD"


def with_totals(invoices: QuerySet[Invoice]) -> Any:
    """Invoices annotated with ``credited``, ``paid`` and ``due`` (minor
    units). Typed ``Any``: the type checker cannot see annotations, and
    callers filter on them."""
    credited = (
        CreditNote.objects.filter(invoice=OuterRef("pk"))
        .values("invoice")
        .annotate(s=Sum("amount_minor"))
        .values("s")
    )
    paid = (
        Payment.objects.filter(invoice=OuterRef("pk"))
        .values("invoice")
        .annotate(s=Sum("amount_minor"))
        .values("s")
    )
    return invoices.annotate(
        credited=Coalesce(credited, Value(0)), paid=Coalesce(paid, Value(0))
    ).annotate(due=F("total_minor") - F("credited") - F("paid"))


def live_invoices() -> QuerySet[Invoice]:
    """Invoices not voided (not credited in full)."""
    live: QuerySet[Invoice] = with_totals(Invoice.objects.all()).filter(
        credited__lt=F("total_minor")
    )
    return live


def invoiced_appointment_ids(appointment_ids: list[int]) -> dict[int, Invoice]:
    """Of these appointments, those on a live invoice, with the invoice."""
    lines = InvoiceLine.objects.filter(
        appointment_id__in=appointment_ids,
        invoice__in=live_invoices().values("pk"),
    ).select_related("invoice")
    return {line.appointment_id: line.invoice for line in lines}


def billable_sessions(
    *, practice: Practice, client: Client | None = None
) -> QuerySet[Appointment]:
    """Held and late-cancelled appointments not on a live invoice, oldest
    first."""
    on_invoice = InvoiceLine.objects.filter(
        appointment=OuterRef("pk"), invoice__in=live_invoices().values("pk")
    )
    sessions = Appointment.objects.filter(
        status__in=BILLABLE, client__practice=practice
    ).exclude(Exists(on_invoice))
    if client is not None:
        sessions = sessions.filter(client=client)
    return sessions.select_related("client", "clinician").order_by("starts_at")


def status_of(invoice: Any) -> str:
    """ "void", "paid", "part paid" or "open", from an invoice with totals."""
    if invoice.credited >= invoice.total_minor:
        return "void"
    if invoice.due <= 0:
        return "paid"
    if invoice.paid > 0 or invoice.credited > 0:
        return "part paid"
    return "open"


def decorate(invoices: QuerySet[Invoice]) -> list[Any]:
    rows: list[Any] = list(with_totals(invoices).select_related("client"))
    for row in rows:
        row.status = status_of(row)
    return rows


@dataclass
class ClientAccount:
    currency: str
    invoiced: int = 0
    credited: int = 0
    paid: int = 0
    invoices: list[Any] = field(default_factory=list)
    credit_notes: list[CreditNote] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)

    @property
    def balance(self) -> int:
        """Invoiced − credited − paid: what the client owes (negative: in
        credit)."""
        return self.invoiced - self.credited - self.paid

    @property
    def in_credit(self) -> int:
        return max(-self.balance, 0)


def client_account(client: Client) -> ClientAccount:
    """The client's invoices, credit notes and payments and their balance
    (four queries)."""
    account = ClientAccount(currency=currency_of(client.practice))
    account.invoices = decorate(Invoice.objects.filter(client=client))
    account.credit_notes = list(
        CreditNote.objects.filter(invoice__client=client).select_related("invoice")
    )
    account.payments = list(
        Payment.objects.filter(invoice__client=client).select_related("invoice")
    )
    account.invoiced = sum(i.total_minor for i in account.invoices)
    account.credited = sum(c.amount_minor for c in account.credit_notes)
    account.paid = sum(p.amount_minor for p in account.payments)
    return account


def open_invoices(practice: Practice, clients: QuerySet[Client]) -> list[Any]:
    """The invoices of these clients of the practice with something still
    due."""
    return decorate(
        Invoice.objects.filter(
            pk__in=with_totals(
                Invoice.objects.filter(practice=practice, client__in=clients)
            )
            .filter(due__gt=0, credited__lt=F("total_minor"))
            .values("pk")
        )
    )


def documents_between(
    practice: Practice, start: date, end: date
) -> tuple[list[Any], list[CreditNote], list[Payment]]:
    """Invoices, credit notes and payments dated in [start, end]."""
    invoices = decorate(
        Invoice.objects.filter(
            practice=practice, issued_on__gte=start, issued_on__lte=end
        ).order_by("number")
    )
    credits = list(
        CreditNote.objects.filter(
            practice=practice, issued_on__gte=start, issued_on__lte=end
        )
        .select_related("invoice__client")
        .order_by("number")
    )
    payments = list(
        Payment.objects.filter(practice=practice, paid_on__gte=start, paid_on__lte=end)
        .select_related("invoice__client")
        .order_by("receipt_number")
    )
    return invoices, credits, payments


def superbill_lines(client: Client, start: date, end: date) -> list[InvoiceLine]:
    """Lines of the client's live invoices for services in [start, end] that
    carry a CPT code (late cancellations and too-short sessions do not)."""
    return list(
        InvoiceLine.objects.filter(
            invoice__client=client,
            invoice__in=live_invoices().values("pk"),
            service_date__gte=start,
            service_date__lte=end,
        )
        .exclude(cpt_code="")
        .select_related("appointment__clinician", "invoice")
        .order_by("service_date", "id")
    )
