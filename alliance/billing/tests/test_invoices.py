"""Issuing invoices, crediting and paying them; numbering without gaps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from alliance.audit.models import AuditEvent
from alliance.billing.models import BillingSettings, CreditNote, Invoice, Payment
from alliance.billing.selectors import billable_sessions, client_account
from alliance.billing.services import (
    issue_credit_note,
    issue_invoice,
    issue_monthly,
    record_payment,
)
from alliance.billing.tests.helpers import invoiced, priced, session


def test_it_invoices_a_held_session(cleo, ada, practice):
    priced(practice, "120", by=ada)
    appointment = session(cleo, minutes=45)
    invoice = issue_invoice(cleo, [appointment], by=ada)
    assert (invoice.number, invoice.label, invoice.total_minor) == (
        1,
        "INV-00001",
        12000,
    )
    line = invoice.lines.get()
    assert (line.cpt_code, line.minutes, line.description) == (
        "90834",
        45,
        "Individual psychotherapy",
    )
    assert line.service_date == practice.today(appointment.starts_at)
    assert AuditEvent.objects.filter(action="invoice.issue").count() == 1
    assert list(billable_sessions(practice=practice)) == []


def test_a_late_cancellation_is_billable_without_a_code(cleo, ada, practice):
    priced(practice, "60", by=ada)
    late = session(cleo, status="late_cancelled")
    line = issue_invoice(cleo, [late], by=ada).lines.get()
    assert (line.cpt_code, line.description, line.minutes) == (
        "",
        "Late cancellation",
        0,
    )


@pytest.mark.parametrize("status", ["cancelled", "no_show", "booked"])
def test_other_sessions_are_refused(cleo, ada, practice, status):
    priced(practice, "60", by=ada)
    appointment = session(cleo, status=status) if status != "booked" else None
    if appointment is None:
        from django.utils import timezone

        from alliance.scheduling.services import book_appointment

        appointment = book_appointment(
            client=cleo,
            clinician=cleo.clinician,
            starts_at=timezone.now() + timedelta(days=1),
            duration_minutes=50,
            modality="video",
            location="",
            by=ada,
        )
    with pytest.raises(ValidationError, match="not held"):
        issue_invoice(cleo, [appointment], by=ada)
    assert not Invoice.objects.exists()


def test_issuing_the_same_session_twice_is_refused(cleo, ada, practice):
    invoice = invoiced(cleo, by=ada)
    appointment = invoice.lines.get().appointment
    with pytest.raises(ValidationError, match="already on invoice INV-00001"):
        issue_invoice(cleo, [appointment], by=ada)
    assert Invoice.objects.count() == 1
    assert BillingSettings.objects.get().next_invoice_number == 2


def test_other_refusals_change_nothing(cleo, dan, ada, practice):
    with pytest.raises(ValidationError, match="at least one"):
        issue_invoice(cleo, [], by=ada)
    with pytest.raises(ValidationError, match="not this client"):
        issue_invoice(cleo, [session(dan)], by=ada)
    with pytest.raises(ValidationError, match="fee is zero"):
        issue_invoice(cleo, [session(cleo)], by=ada)
    assert not Invoice.objects.exists()
    assert not BillingSettings.objects.filter(next_invoice_number__gt=1).exists()


def test_monthly_invoices_take_the_months_sessions(cleo, ada, practice):
    priced(practice, "100", by=ada)
    first = session(cleo, days_ago=40)
    second = session(cleo, days_ago=41)
    day = practice.today(first.starts_at)
    invoice = issue_monthly(cleo, day.year, day.month, by=ada)
    expected = {
        a.pk
        for a in (first, second)
        if (practice.today(a.starts_at).year, practice.today(a.starts_at).month)
        == (day.year, day.month)
    }
    assert {line.appointment_id for line in invoice.lines.all()} == expected
    with pytest.raises(ValidationError, match="No session"):
        issue_monthly(cleo, 2001, 1, by=ada)


def test_numbers_run_on_without_gaps(cleo, dan, ada, practice):
    priced(practice, "100", by=ada)
    numbers = [
        issue_invoice(client, [session(client, days_ago=d)], by=ada).number
        for d, client in ((1, cleo), (2, dan), (3, cleo))
    ]
    assert numbers == [1, 2, 3]


def test_a_credit_note_corrects_and_a_full_one_voids(cleo, ada, practice):
    invoice = invoiced(cleo, by=ada, amount="100")
    with pytest.raises(ValidationError, match="why"):
        issue_credit_note(invoice, by=ada, amount="10", reason="")
    with pytest.raises(ValidationError, match=r"at most \$100\.00"):
        issue_credit_note(invoice, by=ada, amount="100.01", reason="Typo")
    part = issue_credit_note(invoice, by=ada, amount="30", reason="Discount")
    assert (part.label, part.amount_minor) == ("CN-00001", 3000)
    rest = issue_credit_note(invoice, by=ada, amount="", reason="Wrong client")
    assert (rest.label, rest.amount_minor) == ("CN-00002", 7000)
    with pytest.raises(ValidationError, match="void already"):
        issue_credit_note(invoice, by=ada, amount="", reason="Again")
    # The invoice itself is unchanged; the session may be invoiced again.
    invoice.refresh_from_db()
    assert invoice.total_minor == 10000
    appointment = invoice.lines.get().appointment
    again = issue_invoice(cleo, [appointment], by=ada)
    assert again.label == "INV-00002"
    assert client_account(cleo).balance == 10000


def test_payments_settle_an_invoice(cleo, ada, practice):
    invoice = invoiced(cleo, by=ada, amount="100")
    today = practice.today()
    first = record_payment(
        invoice, by=ada, amount="40", method="cash", paid_on=today.isoformat()
    )
    assert first.label == "RC-00001"
    assert client_account(cleo).balance == 6000
    record_payment(invoice, by=ada, amount="60.00", method="card", paid_on=today)
    account = client_account(cleo)
    assert (account.balance, account.invoices[0].status) == (0, "paid")
    with pytest.raises(ValidationError, match="paid in full"):
        record_payment(invoice, by=ada, amount="1", method="cash", paid_on=today)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"amount": "-5"}, "negative"),
        ({"amount": "0"}, "above zero"),
        ({"amount": "100.01"}, r"only \$100\.00 is due"),
        ({"amount": "abc"}, "digits"),
        ({"method": "bitcoin"}, "how it was paid"),
        ({"paid_on": "yesterday"}, "date"),
        ({"paid_on": "2999-01-01"}, "future"),
        ({"paid_on": "2001-01-01"}, "before its invoice"),
    ],
)
def test_bad_payments_are_refused(cleo, ada, practice, kw, message):
    invoice = invoiced(cleo, by=ada, amount="100")
    values = {"amount": "10", "method": "cash", "paid_on": practice.today().isoformat()}
    with pytest.raises(ValidationError, match=message):
        record_payment(invoice, by=ada, **{**values, **kw})
    assert not Payment.objects.exists()
    assert BillingSettings.objects.get().next_receipt_number == 1


def test_a_void_invoice_takes_no_payment(cleo, ada, practice):
    invoice = invoiced(cleo, by=ada)
    issue_credit_note(invoice, by=ada, amount="", reason="Void")
    with pytest.raises(ValidationError, match="void"):
        record_payment(
            invoice, by=ada, amount="1", method="cash", paid_on=practice.today()
        )


def test_a_credited_paid_invoice_leaves_the_client_in_credit(cleo, ada, practice):
    invoice = invoiced(cleo, by=ada, amount="100")
    record_payment(
        invoice, by=ada, amount="100", method="cash", paid_on=practice.today()
    )
    issue_credit_note(invoice, by=ada, amount="", reason="Session fee waived")
    assert client_account(cleo).balance == -10000
    assert CreditNote.objects.count() == 1
