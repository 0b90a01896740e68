"""Billing pages for staff: the billing home, a client's billing, an
invoice, the settings and fee list, and the accounting export.

Who may bill is ``permissions.may_bill``: the practice admin for the whole
practice, a clinician for their own clients (others' are 404); clients have
their invoices in the portal. Every write is a ``billing.services`` call; a
refusal shows its message and changes nothing."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.accounts.models import Practice, User
from alliance.audit.services import record
from alliance.billing import money, services
from alliance.billing.fees import FeeBook
from alliance.billing.models import (
    ClientFee,
    ClinicianBilling,
    CreditNote,
    Fee,
    Invoice,
    Payment,
    Service,
)
from alliance.billing.pdf import (
    credit_note_pdf,
    invoice_context,
    invoice_pdf,
    receipt_pdf,
    superbill_pdf,
)
from alliance.billing.selectors import (
    billable_sessions,
    client_account,
    documents_between,
    open_invoices,
    status_of,
)
from alliance.core.downloads import download_response
from alliance.core.pdf import pdf_response
from alliance.scheduling.models import Appointment, purpose_choices


def _refused(request: AuthenticatedRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _quoted(practice: Any, sessions: list[Appointment]) -> list[Any]:
    book = FeeBook(practice, {s.client_id for s in sessions})
    rows: list[Any] = []
    for appointment in sessions:
        appointment.quote = book.quote(appointment)  # type: ignore[attr-defined]  # for the template
        rows.append(appointment)
    return rows


def home(request: AuthenticatedRequest) -> HttpResponse:
    """Sessions waiting to be invoiced and invoices still open: the whole
    practice's for the admin, a clinician's own clients' for them."""
    user = permissions.require_staff(request)
    practice = user.practice
    if practice is None:
        return render(request, "billing/home.html", {"sessions": [], "invoices": []})
    clients = permissions.billable_clients(user)
    sessions = list(
        billable_sessions(practice=practice).filter(client__in=clients)[:200]
    )
    invoices = open_invoices(practice, clients)
    for invoice in invoices:
        invoice.due_plain = money.plain(invoice.due, invoice.currency)
    record(user, "billing.home", None, request=request)
    return render(
        request,
        "billing/home.html",
        {
            "sessions": _quoted(practice, sessions),
            "invoices": invoices,
            "currency": services.settings_for(practice).currency,
            "today": practice.today(),
            "methods": Payment.Method.choices,
        },
    )


def client_billing(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    client = permissions.get_billing_client(request, uuid)
    practice = client.practice
    account = client_account(client)
    sessions = list(billable_sessions(practice=practice, client=client))
    terms = ClientFee.objects.filter(client=client).first()
    today = practice.today()
    return render(
        request,
        "billing/client.html",
        {
            "client": client,
            "account": account,
            "currency": account.currency,
            "sessions": _quoted(practice, sessions),
            "terms": terms,
            "today": today,
            "month": f"{today:%Y-%m}",
            "year_start": today.replace(month=1, day=1),
        },
    )


def _back(request: AuthenticatedRequest, client: Any) -> HttpResponseBase:
    if request.POST.get("back") == "home":
        return redirect("billing:home")
    return redirect("billing:client", client.uuid)


@require_POST
def client_terms(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    client = permissions.get_billing_client(request, uuid, write=True)
    try:
        services.save_client_fee(
            client,
            by=request.user,
            override=request.POST.get("override", ""),
            sliding_amount=request.POST.get("sliding_amount", ""),
            sliding_percent=request.POST.get("sliding_percent", ""),
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, "The client's fee terms are saved.")
    return redirect("billing:client", client.uuid)


@require_POST
def issue(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    """Invoice the chosen sessions (one invoice each, or one for all), or
    every waiting session of a month (``month`` = YYYY-MM)."""
    client = permissions.get_billing_client(request, uuid, write=True)
    try:
        issued = _issue(request, client)
    except ValidationError as error:
        _refused(request, error)
    else:
        labels = ", ".join(invoice.label for invoice in issued)
        messages.success(request, f"Issued {labels}.")
        if len(issued) == 1 and request.POST.get("back") != "home":
            return redirect("billing:invoice", issued[0].uuid)
    return _back(request, client)


def _issue(request: AuthenticatedRequest, client: Any) -> list[Invoice]:
    month = request.POST.get("month", "").strip()
    if month:
        try:
            year, number = (int(part) for part in month.split("-"))
        except ValueError:
            raise ValidationError("Choose a month.") from None
        return [
            services.issue_monthly(
                client, year, number, by=request.user, request=request
            )
        ]
    chosen = request.POST.getlist("sessions")
    sessions = list(
        Appointment.objects.filter(
            uuid__in=[c for c in chosen if _is_uuid(c)], client=client
        )
    )
    if len(sessions) != len(set(chosen)):
        raise ValidationError("Choose sessions of this client from the list.")
    if request.POST.get("together"):
        return [
            services.issue_invoice(client, sessions, by=request.user, request=request)
        ]
    if not sessions:
        raise ValidationError("Choose at least one session to invoice.")
    return [
        services.issue_invoice(client, [s], by=request.user, request=request)
        for s in sorted(sessions, key=lambda s: s.starts_at)
    ]


def _is_uuid(text: str) -> bool:
    import uuid as uuid_module

    try:
        uuid_module.UUID(text)
    except ValueError:
        return False
    return True


def _invoices() -> Any:
    return Invoice.objects.select_related("client__practice", "issued_by")


def invoice_detail(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    invoice = permissions.get_billing_object(request, _invoices(), uuid)
    context = invoice_context(invoice)
    context["status"] = status_of(context["totals"])
    context["methods"] = Payment.Method.choices
    context["note_links"] = "billing:credit_note_pdf"
    context["today"] = invoice.practice.today()
    context["due_plain"] = money.plain(max(context["totals"].due, 0), invoice.currency)
    return render(request, "billing/invoice.html", context)


def invoice_download(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    invoice = permissions.get_billing_object(
        request, _invoices(), uuid, action="invoice.pdf"
    )
    return pdf_response(invoice_pdf(invoice), invoice.pdf_name())


@require_POST
def pay(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    invoice = permissions.get_billing_object(request, _invoices(), uuid, write=True)
    try:
        payment = services.record_payment(
            invoice,
            by=request.user,
            amount=request.POST.get("amount", ""),
            method=request.POST.get("method", ""),
            paid_on=request.POST.get("paid_on", ""),
            request=request,
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"Payment recorded: receipt {payment.label}.")
    if request.POST.get("back") == "home":
        return redirect("billing:home")
    return redirect("billing:invoice", invoice.uuid)


@require_POST
def credit(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    invoice = permissions.get_billing_object(request, _invoices(), uuid, write=True)
    try:
        note = services.issue_credit_note(
            invoice,
            by=request.user,
            amount=request.POST.get("amount", ""),
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"Credit note {note.label} issued.")
    return redirect("billing:invoice", invoice.uuid)


def credit_note_download(
    request: AuthenticatedRequest, uuid: object
) -> HttpResponseBase:
    note = permissions.get_billing_object(
        request,
        CreditNote.objects.select_related("invoice__client__practice"),
        uuid,
        action="creditnote.pdf",
    )
    return pdf_response(credit_note_pdf(note), note.pdf_name())


def receipt_download(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    payment = permissions.get_billing_object(
        request,
        Payment.objects.select_related("invoice__client__practice"),
        uuid,
        action="payment.pdf",
    )
    return pdf_response(receipt_pdf(payment), payment.pdf_name())


def _period(
    request: AuthenticatedRequest, default_start: date, default_end: date
) -> tuple[date, date]:
    try:
        start = date.fromisoformat(
            request.GET.get("start", "") or default_start.isoformat()
        )
        end = date.fromisoformat(request.GET.get("end", "") or default_end.isoformat())
    except ValueError:
        raise ValidationError("Give the period as two dates.") from None
    if end < start:
        raise ValidationError("The period ends before it starts.")
    return start, end


def superbill(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    """A superbill for the client's coded sessions in the period (default:
    this year to date)."""
    client = permissions.get_billing_client(request, uuid, action="client.superbill")
    today = client.practice.today()
    try:
        start, end = _period(request, today.replace(month=1, day=1), today)
    except ValidationError as error:
        _refused(request, error)
        return redirect("billing:client", client.uuid)
    return pdf_response(
        superbill_pdf(client, start, end),
        f"superbill-{start:%Y-%m-%d}-{end:%Y-%m-%d}.pdf",
    )


# --- the practice's settings, fee list and the accounting export ---------------


def _admin(request: AuthenticatedRequest) -> tuple[User, Practice]:
    user = permissions.require_practice_admin(request)
    if user.practice is None:
        raise Http404
    return user, user.practice


def settings_page(request: AuthenticatedRequest) -> HttpResponseBase:
    user, practice = _admin(request)
    if request.method == "POST":
        try:
            services.save_settings(
                practice,
                by=user,
                currency=request.POST.get("currency", ""),
                default_fee=request.POST.get("default_fee", ""),
                npi=request.POST.get("npi", ""),
                tax_id=request.POST.get("tax_id", ""),
                request=request,
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, "Billing settings saved.")
        return redirect("billing:settings")
    settings = services.settings_for(practice)
    clinicians = list(
        User.objects.filter(practice=practice, role__in=User.CLINICAL_ROLES).order_by(
            "full_name"
        )
    )
    identifiers = {
        ids.clinician_id: ids
        for ids in ClinicianBilling.objects.filter(clinician__in=clinicians)
    }
    for clinician in clinicians:
        clinician.billing_ids = identifiers.get(clinician.pk)  # type: ignore[attr-defined]  # for the template
    return render(
        request,
        "billing/settings.html",
        {
            "settings": settings,
            "default_fee": money.plain(settings.default_fee_minor, settings.currency),
            "currencies": money.CURRENCY_CHOICES,
            "fees": list(Fee.objects.filter(practice=practice)),
            "modalities": Appointment.Modality.choices,
            "purposes": purpose_choices(practice),
            "services": Service.choices,
            "clinicians": clinicians,
        },
    )


@require_POST
def fee_save(request: AuthenticatedRequest) -> HttpResponseBase:
    user, practice = _admin(request)
    try:
        services.save_fee(
            practice,
            by=user,
            modality=request.POST.get("modality", ""),
            purpose=request.POST.get("purpose", ""),
            service=request.POST.get("service", ""),
            amount=request.POST.get("amount", ""),
            request=request,
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, "Fee list saved.")
    return redirect("billing:settings")


@require_POST
def fee_delete(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    fee = permissions.get_practice_object(
        request, Fee.objects.all(), {"pk": pk}, admin_only=True
    )
    services.delete_fee(fee, by=request.user, request=request)
    messages.success(request, "Fee list entry removed.")
    return redirect("billing:settings")


@require_POST
def clinician_identifiers(
    request: AuthenticatedRequest, uuid: object
) -> HttpResponseBase:
    clinician = permissions.get_practice_object(
        request,
        User.objects.filter(role__in=User.CLINICAL_ROLES),
        {"uuid": uuid},
        admin_only=True,
    )
    try:
        services.save_clinician_identifiers(
            clinician,
            by=request.user,
            npi=request.POST.get("npi", ""),
            licence_number=request.POST.get("licence_number", ""),
            licence_state=request.POST.get("licence_state", ""),
            request=request,
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"Identifiers of {clinician} saved.")
    return redirect("billing:settings")


def export(request: AuthenticatedRequest) -> HttpResponseBase:
    """Invoices, credit notes and payments of a period as CSV, one row each,
    for the practice's accounting (credit notes negative)."""
    user, practice = _admin(request)
    today = practice.today()
    try:
        start, end = _period(request, today.replace(day=1), today)
    except ValidationError as error:
        _refused(request, error)
        return redirect("billing:home")
    invoices, credits, payments = documents_between(practice, start, end)
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(
        [
            "type",
            "number",
            "date",
            "client",
            "amount",
            "currency",
            "refers_to",
            "method",
        ]
    )
    for invoice in invoices:
        out.writerow(
            [
                "invoice",
                invoice.label,
                invoice.issued_on,
                _name(invoice.client),
                money.plain(invoice.total_minor, invoice.currency),
                invoice.currency,
                "",
                "",
            ]
        )
    for note in credits:
        cur = note.invoice.currency
        out.writerow(
            [
                "credit_note",
                note.label,
                note.issued_on,
                _name(note.invoice.client),
                money.plain(-note.amount_minor, cur),
                cur,
                note.invoice.label,
                "",
            ]
        )
    for payment in payments:
        cur = payment.invoice.currency
        out.writerow(
            [
                "payment",
                payment.label,
                payment.paid_on,
                _name(payment.invoice.client),
                money.plain(payment.amount_minor, cur),
                cur,
                payment.invoice.label,
                payment.method,
            ]
        )
    record(
        user,
        "billing.export",
        None,
        request=request,
        detail={"start": start.isoformat(), "end": end.isoformat()},
    )
    return download_response(
        buffer.getvalue(),
        f"billing-{start:%Y-%m-%d}-{end:%Y-%m-%d}.csv",
        content_type="text/csv; charset=utf-8",
    )


def _name(client: Any) -> str:
    # A spreadsheet must not run a name as a formula (CSV injection).
    name = f"{client.given_name} {client.family_name}"
    return f"'{name}" if name[:1] in "=+-@\t\r" else name
