"""The billing pages: issuing, paying and crediting through the views,
refusals that change nothing, PDFs rendered for real, the CSV export and
bounded queries."""

from __future__ import annotations

import csv
import io

from django.contrib.messages import get_messages
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.billing.models import ClientFee, Invoice, Payment
from alliance.billing.pdf import superbill_context
from alliance.billing.services import (
    issue_credit_note,
    record_payment,
    save_clinician_identifiers,
    save_settings,
)
from alliance.billing.tests.helpers import invoiced, priced, session
from conftest import log_in


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_admin_issues_from_the_billing_home(as_user, ada, cleo, practice):
    priced(practice, "120", by=ada)
    appointment = session(cleo)
    http = as_user(ada)
    page = http.get(reverse("billing:home"))
    assert page.status_code == 200
    assert "$120.00" in page.content.decode()
    response = http.post(
        reverse("billing:issue", args=[cleo.uuid]),
        {"sessions": [str(appointment.uuid)], "back": "home"},
    )
    assert response["Location"] == reverse("billing:home")
    assert Invoice.objects.get().lines.get().appointment == appointment
    # The same session again: refused, clearly, nothing changes.
    again = http.post(
        reverse("billing:issue", args=[cleo.uuid]),
        {"sessions": [str(appointment.uuid)]},
        follow=True,
    )
    assert "already on invoice INV-00001" in again.content.decode()
    assert Invoice.objects.count() == 1
    # Paid in full from the billing home.
    response = http.post(
        reverse("billing:pay", args=[Invoice.objects.get().uuid]),
        {
            "amount": "120.00",
            "method": "cash",
            "paid_on": practice.today().isoformat(),
            "back": "home",
        },
    )
    assert response["Location"] == reverse("billing:home")
    assert Payment.objects.get().amount_minor == 12000


def test_the_clinician_invoices_their_clients_sessions_together(
    as_user, alice, ada, cleo, practice
):
    priced(practice, "100", by=ada)
    first, second = session(cleo, days_ago=2), session(cleo, days_ago=1)
    http = as_user(alice)
    response = http.post(
        reverse("billing:issue", args=[cleo.uuid]),
        {"sessions": [str(first.uuid), str(second.uuid)], "together": "1"},
    )
    invoice = Invoice.objects.get()
    assert response["Location"] == reverse("billing:invoice", args=[invoice.uuid])
    assert invoice.total_minor == 20000


def test_sessions_of_another_client_or_garbage_are_refused(
    as_user, ada, cleo, dan, practice
):
    priced(practice, "100", by=ada)
    http = as_user(ada)
    for chosen in ([str(session(dan).uuid)], ["not-a-uuid"], []):
        response = http.post(
            reverse("billing:issue", args=[cleo.uuid]), {"sessions": chosen}
        )
        assert response.status_code == 302
    assert not Invoice.objects.exists()
    response = http.post(
        reverse("billing:issue", args=[cleo.uuid]), {"month": "March"}, follow=True
    )
    assert "Choose a month" in response.content.decode()


def test_paying_and_crediting_through_the_invoice_page(as_user, ada, cleo, practice):
    invoice = invoiced(cleo, by=ada, amount="100")
    http = as_user(ada)
    page = http.get(reverse("billing:invoice", args=[invoice.uuid]))
    assert "100.00" in page.content.decode()
    today = practice.today().isoformat()
    too_much = http.post(
        reverse("billing:pay", args=[invoice.uuid]),
        {"amount": "150", "method": "card", "paid_on": today},
    )
    assert "only $100.00 is due" in " ".join(_messages(too_much))
    assert not Payment.objects.exists()
    http.post(
        reverse("billing:pay", args=[invoice.uuid]),
        {"amount": "60", "method": "card", "paid_on": today},
    )
    assert Payment.objects.get().amount_minor == 6000
    http.post(
        reverse("billing:credit", args=[invoice.uuid]), {"amount": "", "reason": ""}
    )
    assert not invoice.credit_notes.exists()
    http.post(
        reverse("billing:credit", args=[invoice.uuid]),
        {"amount": "40", "reason": "Shortened session"},
    )
    assert invoice.credit_notes.get().amount_minor == 4000
    page = http.get(reverse("billing:invoice", args=[invoice.uuid]))
    assert 'id="invoice-status">paid<' in page.content.decode()


def test_client_terms_through_the_page(as_user, alice, cleo):
    http = as_user(alice)
    http.post(
        reverse("billing:client_terms", args=[cleo.uuid]),
        {"sliding_percent": "60", "reason": "Student"},
    )
    terms = ClientFee.objects.get()
    assert (terms.sliding_percent, terms.sliding_reason) == (60, "Student")
    response = http.post(
        reverse("billing:client_terms", args=[cleo.uuid]),
        {"override": "-1"},
    )
    assert "negative" in " ".join(_messages(response))
    assert ClientFee.objects.get().sliding_percent == 60


def test_settings_refuse_a_bad_npi_and_a_currency_change(as_user, ada, cleo, practice):
    http = as_user(ada)
    response = http.post(
        reverse("billing:settings"),
        {"currency": "USD", "default_fee": "90", "npi": "1234567890", "tax_id": ""},
    )
    assert "check digit" in " ".join(_messages(response))
    http.post(
        reverse("billing:settings"),
        {
            "currency": "USD",
            "default_fee": "90",
            "npi": "1234567893",
            "tax_id": "12-3456789",
        },
    )
    invoiced(cleo, by=ada, amount="90")
    response = http.post(
        reverse("billing:settings"),
        {"currency": "JPY", "default_fee": "9000", "npi": "", "tax_id": ""},
    )
    assert "cannot change" in " ".join(_messages(response))
    assert http.get(reverse("billing:settings")).status_code == 200


def test_the_pdfs_are_real(as_user, ada, cleo, practice):
    invoice = invoiced(cleo, by=ada, amount="100")
    payment = record_payment(
        invoice, by=ada, amount="60", method="cash", paid_on=practice.today()
    )
    note = issue_credit_note(invoice, by=ada, amount="40", reason="Discount")
    http = as_user(ada)
    for url, name in (
        (
            reverse("billing:credit_note_pdf", args=[note.uuid]),
            "credit-note-CN-00001.pdf",
        ),
        (reverse("billing:invoice_pdf", args=[invoice.uuid]), "invoice-INV-00001.pdf"),
        (reverse("billing:receipt_pdf", args=[payment.uuid]), "receipt-RC-00001.pdf"),
        (reverse("billing:superbill", args=[cleo.uuid]), "superbill-"),
    ):
        response = http.get(url)
        assert response.status_code == 200
        assert response.getvalue().startswith(b"%PDF-")
        assert name in response["Content-Disposition"]
        assert response["Cache-Control"] == "no-store"


def test_the_superbill_carries_identifiers_codes_and_sessions(
    ada, alice, cleo, practice
):
    from alliance.intake.tests.helpers import save, start

    intake = start(cleo)
    save(
        intake,
        "diagnoses",
        diagnoses=[
            {"description": "Low mood", "code_system": "icd10cm", "code": "F321"},
            {"description": "Worry", "code_system": "icd11", "code": "6B00"},
        ],
    )
    save_settings(
        practice,
        by=ada,
        currency="USD",
        default_fee="150",
        npi="1234567893",
        tax_id="12-3456789",
    )
    save_clinician_identifiers(
        alice, by=ada, npi="1234567893", licence_number="PSY 12345", licence_state="CA"
    )
    from alliance.billing.services import issue_invoice

    held = [
        session(cleo, days_ago=3, minutes=53),
        session(cleo, days_ago=2, minutes=20),
    ]
    late = session(cleo, days_ago=1, status="late_cancelled")
    issue_invoice(cleo, [*held, late], by=ada)
    today = practice.today()
    context = superbill_context(cleo, today.replace(day=1, month=1), today)
    html = render_to_string("billing/superbill_pdf.html", context)
    assert "F32.1" in html and "6B00" not in html and "Low mood" not in html
    assert "90837" in html and "90832" in html
    assert "PSY 12345" in html and "12-3456789" in html
    assert len(context["lines"]) == 2  # the late cancellation has no code
    assert context["charged"] == 30000


def test_a_bad_period_is_refused(as_user, ada, cleo):
    http = as_user(ada)
    response = http.get(
        reverse("billing:superbill", args=[cleo.uuid]),
        {"start": "2026-05-01", "end": "2026-04-01"},
    )
    assert response.status_code == 302
    response = http.get(reverse("billing:export"), {"start": "soon"})
    assert response.status_code == 302


def test_the_export_lists_the_periods_documents(as_user, ada, cleo, practice):
    invoice = invoiced(cleo, by=ada, amount="100")
    issue_credit_note(invoice, by=ada, amount="25", reason="Discount")
    record_payment(
        invoice, by=ada, amount="75", method="bank_transfer", paid_on=practice.today()
    )
    today = practice.today().isoformat()
    response = as_user(ada).get(
        reverse("billing:export"), {"start": today, "end": today}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[0][:5] == ["type", "number", "date", "client", "amount"]
    assert [[*r[:2], r[4]] for r in rows[1:]] == [
        ["invoice", "INV-00001", "100.00"],
        ["credit_note", "CN-00001", "-25.00"],
        ["payment", "RC-00001", "75.00"],
    ]


def test_the_portal_shows_the_clients_own_invoices(as_user, ada, cleo, dan, practice):
    mine = invoiced(cleo, by=ada, amount="100")
    theirs = invoiced(dan, by=ada, amount="100")
    http = as_user(cleo.user)
    page = http.get(reverse("portal:invoices")).content.decode()
    assert mine.label in page and theirs.label not in page
    assert "$100.00" in page
    response = http.get(reverse("portal:invoice_pdf", args=[mine.uuid]))
    assert response.getvalue().startswith(b"%PDF-")
    assert (
        http.get(reverse("portal:invoice_pdf", args=[theirs.uuid])).status_code == 404
    )
    note = issue_credit_note(mine, by=ada, amount="10", reason="Discount")
    page = http.get(reverse("portal:invoices")).content.decode()
    assert "Download credit note CN-00001 (PDF)" in page
    response = http.get(reverse("portal:credit_note_pdf", args=[note.uuid]))
    assert response.getvalue().startswith(b"%PDF-")


def _counts(http, client_http, urls):
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert http.get(url).status_code == 200
        counts[url] = len(queries)
    with CaptureQueriesContext(connection) as queries:
        assert client_http.get(reverse("portal:invoices")).status_code == 200
    counts["portal"] = len(queries)
    return counts


def test_the_pages_read_a_bounded_number_of_rows(as_user, ada, cleo, practice):
    from alliance.billing.services import issue_invoice

    priced(practice, "100", by=ada)

    def add(n):
        invoice = issue_invoice(cleo, [session(cleo, days_ago=n + 1)], by=ada)
        record_payment(
            invoice, by=ada, amount="10", method="cash", paid_on=practice.today()
        )
        session(cleo, days_ago=n + 1.5)
        return invoice

    invoice = add(0)
    http, client_http = as_user(ada), log_in(HttpClient(), cleo.user)
    urls = [
        reverse("billing:home"),
        reverse("billing:client", args=[cleo.uuid]),
        reverse("billing:invoice", args=[invoice.uuid]),
    ]
    few = _counts(http, client_http, urls)
    for n in range(1, 6):
        add(n)
    assert _counts(http, client_http, urls) == few


def test_identifiers_are_for_clinicians_and_checked(as_user, ada, alice, cleo):
    from alliance.billing.models import ClinicianBilling

    http = as_user(ada)
    url = reverse("billing:clinician_identifiers", args=[alice.uuid])
    response = http.post(url, {"npi": "1234567890", "licence_number": "PSY 1"})
    assert "check digit" in " ".join(_messages(response))
    assert not ClinicianBilling.objects.exists()
    http.post(
        url, {"npi": "1234567893", "licence_number": "PSY 1", "licence_state": "CA"}
    )
    assert ClinicianBilling.objects.get().npi == "1234567893"
    for user in (ada, cleo.user):
        response = http.post(
            reverse("billing:clinician_identifiers", args=[user.uuid]),
            {"npi": "1234567893"},
        )
        assert response.status_code == 404


def test_a_nul_in_an_identifier_is_refused_and_nothing_changes(as_user, ada, alice):
    from alliance.billing.models import ClinicianBilling

    http = as_user(ada)
    url = reverse("billing:clinician_identifiers", args=[alice.uuid])
    response = http.post(url, {"licence_number": "LPC\x0012", "licence_state": "TX"})
    assert response.status_code in (200, 302)
    assert not ClinicianBilling.objects.filter(clinician=alice).exists()
