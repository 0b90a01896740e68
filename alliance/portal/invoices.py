"""The client's invoices and receipts in the portal: their own only (another
client's is 404), readable and downloadable after their care has ended too,
since a bill outlives the therapy (``keepsake=True``)."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.audit.services import record
from alliance.billing.models import CreditNote, Invoice, Payment
from alliance.billing.pdf import credit_note_pdf, invoice_pdf, receipt_pdf
from alliance.billing.selectors import client_account
from alliance.core.pdf import pdf_response


def invoices(request: AuthenticatedRequest) -> HttpResponse:
    client = permissions.get_own_client(request, keepsake=True)
    record(request.user, "portal.invoices", client, request=request)
    account = client_account(client)
    return render(
        request,
        "portal/invoices.html",
        {
            "client": client,
            "practice": client.practice,
            "portal": True,
            "account": account,
            "currency": account.currency,
        },
    )


def invoice_download(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    invoice = permissions.get_own(
        request,
        Invoice.objects.select_related("client__practice"),
        uuid,
        action="invoice.pdf",
        keepsake=True,
    )
    return pdf_response(invoice_pdf(invoice), invoice.pdf_name())


def receipt_download(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    payment = permissions.get_own(
        request,
        Payment.objects.select_related("invoice__client__practice"),
        uuid,
        action="payment.pdf",
        keepsake=True,
    )
    return pdf_response(receipt_pdf(payment), payment.pdf_name())


def credit_note_download(
    request: AuthenticatedRequest, uuid: object
) -> HttpResponseBase:
    note = permissions.get_own(
        request,
        CreditNote.objects.select_related("invoice__client__practice"),
        uuid,
        action="creditnote.pdf",
        keepsake=True,
    )
    return pdf_response(credit_note_pdf(note), note.pdf_name())
