"""Every billing write: check, save and audit in one transaction.

Numbers: invoices (INV-…), credit notes (CN-…) and receipts (RC-…) are
numbered per practice, each in its own sequence without gaps or duplicates:
the service locks the practice's ``BillingSettings`` row (SELECT … FOR
UPDATE) before it reads and advances the counter, so two people issuing at
once wait for each other, and a refused or failed issue rolls the counter
back with everything else."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from alliance.accounts.models import Practice, User
from alliance.audit.services import record
from alliance.billing import money
from alliance.billing.cpt import code_for
from alliance.billing.fees import FeeBook
from alliance.billing.models import (
    BillingSettings,
    ClientFee,
    ClinicianBilling,
    CreditNote,
    Fee,
    Invoice,
    InvoiceLine,
    Payment,
    Service,
)
from alliance.billing.npi import npi_refusal
from alliance.billing.selectors import (
    BILLABLE,
    billable_sessions,
    currency_of,
    invoiced_appointment_ids,
    with_totals,
)
from alliance.clients.models import Client
from alliance.scheduling.models import Appointment, purpose_choices

REASON_MAX = 2000


def settings_for(practice: Practice) -> BillingSettings:
    """The practice's billing settings, made with the defaults on first use."""
    try:
        with transaction.atomic():
            found, _ = BillingSettings.objects.get_or_create(practice=practice)
    except IntegrityError:  # made at the same moment by another request
        found = BillingSettings.objects.get(practice=practice)
    return found


def _locked_settings(practice: Practice) -> BillingSettings:
    settings_for(practice)
    return BillingSettings.objects.select_for_update().get(practice=practice)


def _money(text: object, code: str, label: str, *, allow_zero: bool = False) -> int:
    try:
        return money.parse(text, code, allow_zero=allow_zero)
    except money.MoneyError as error:
        raise ValidationError(f"{label}: {error}") from None


_no_nul = ProhibitNullCharactersValidator()


def _text(value: object) -> str:
    """Typed text, trimmed; NUL refused with the validator Django's form fields
    use (PostgreSQL cannot store it, so it must never reach a save)."""
    if not isinstance(value, str):
        return ""
    _no_nul(value)
    return value.strip()


# --- settings, fee list, identifiers ---------------------------------------


def save_settings(
    practice: Practice,
    *,
    by: User,
    currency: object,
    default_fee: object,
    npi: object,
    tax_id: object,
    request: HttpRequest | None = None,
) -> BillingSettings:
    code = _text(currency).upper()
    if code not in money.CURRENCIES:
        raise ValidationError("Choose a currency from the list.")
    npi_text, tax_text = _text(npi), _text(tax_id)
    if npi_text and (why := npi_refusal(npi_text)):
        raise ValidationError(f"Practice NPI: {why}")
    if len(tax_text) > 20:
        raise ValidationError("A tax ID is at most 20 characters.")
    with transaction.atomic():
        settings = _locked_settings(practice)
        if (
            code != settings.currency
            and Invoice.objects.filter(practice=practice).exists()
        ):
            raise ValidationError(
                "The currency cannot change once invoices have been issued in it."
            )
        settings.currency = code
        settings.default_fee_minor = _money(
            default_fee, code, "Default fee", allow_zero=True
        )
        settings.npi, settings.tax_id = npi_text, tax_text
        settings.save()
        record(by, "billingsettings.edit", None, request=request)
    return settings


def save_fee(
    practice: Practice,
    *,
    by: User,
    modality: object,
    purpose: object,
    service: object,
    amount: object,
    request: HttpRequest | None = None,
) -> Fee:
    """Add a fee list entry, or change the one for the same type and purpose."""
    modality_text, purpose_text, service_text = (
        _text(modality),
        _text(purpose),
        _text(service),
    )
    if modality_text not in ("", *Appointment.Modality.values):
        raise ValidationError("Choose an appointment type from the list.")
    if purpose_text not in ("", *(value for value, _ in purpose_choices(practice))):
        raise ValidationError("Choose a purpose from the list.")
    if service_text not in ("", *Service.values):
        raise ValidationError("Choose a service from the list.")
    with transaction.atomic():
        settings = _locked_settings(practice)
        amount_minor = _money(amount, settings.currency, "Fee", allow_zero=True)
        fee, created = Fee.objects.update_or_create(
            practice=practice,
            modality=modality_text,
            purpose=purpose_text,
            defaults={"service": service_text, "amount_minor": amount_minor},
        )
        record(
            by,
            "fee.create" if created else "fee.edit",
            None,
            request=request,
            detail={"fee": fee.pk, "amount_minor": amount_minor},
        )
    return fee


def delete_fee(fee: Fee, *, by: User, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        record(by, "fee.delete", None, request=request, detail={"fee": fee.pk})
        fee.delete()


def save_clinician_identifiers(
    clinician: User,
    *,
    by: User,
    npi: object,
    licence_number: object,
    licence_state: object,
    request: HttpRequest | None = None,
) -> ClinicianBilling:
    npi_text = _text(npi)
    if npi_text and (why := npi_refusal(npi_text)):
        raise ValidationError(f"NPI of {clinician}: {why}")
    number, state = _text(licence_number), _text(licence_state)
    if len(number) > 40 or len(state) > 40:
        raise ValidationError("A licence number or state is at most 40 characters.")
    with transaction.atomic():
        ids, _ = ClinicianBilling.objects.update_or_create(
            clinician=clinician,
            defaults={
                "npi": npi_text,
                "licence_number": number,
                "licence_state": state,
            },
        )
        record(by, "clinicianbilling.edit", clinician, request=request)
    return ids


def save_client_fee(
    client: Client,
    *,
    by: User,
    override: object,
    sliding_amount: object,
    sliding_percent: object,
    reason: object,
    request: HttpRequest | None = None,
) -> ClientFee:
    """The client's agreed fee and sliding scale. Each may be empty; a sliding
    scale is a reduced fee or a percentage (1–100) of the practice fee, not
    both, and needs a reason."""
    code = currency_of(client.practice)
    override_minor = (
        _money(override, code, "Agreed fee", allow_zero=True)
        if _text(override)
        else None
    )
    sliding_minor = (
        _money(sliding_amount, code, "Sliding-scale fee", allow_zero=True)
        if _text(sliding_amount)
        else None
    )
    percent_text = _text(sliding_percent).rstrip("%").strip()
    percent: int | None = None
    if percent_text:
        if not percent_text.isdigit() or not 1 <= int(percent_text) <= 100:
            raise ValidationError(
                "Sliding-scale percentage: a whole number from 1 to 100."
            )
        percent = int(percent_text)
    if sliding_minor is not None and percent is not None:
        raise ValidationError(
            "Give the sliding scale as a reduced fee or a percentage, not both."
        )
    why = _text(reason)
    if (sliding_minor is not None or percent is not None) and not why:
        raise ValidationError("Say why the sliding scale applies.")
    if len(why) > REASON_MAX:
        raise ValidationError(f"Keep the reason under {REASON_MAX} characters.")
    with transaction.atomic():
        terms = ClientFee.objects.select_for_update().filter(client=client).first()
        if terms is None:
            terms = ClientFee(client=client, updated_by=by)
        terms.override_minor = override_minor
        terms.sliding_minor = sliding_minor
        terms.sliding_percent = percent
        terms.sliding_reason = why
        terms.updated_by = by
        terms.updated_at = timezone.now()
        terms.save()
        record(by, "clientfee.edit", terms, request=request)
    return terms


# --- invoices ----------------------------------------------------------------


def _line_description(appointment: Appointment, service: str) -> str:
    if appointment.status == Appointment.Status.LATE_CANCELLED:
        return "Late cancellation"
    return str(Service(service).label)


def issue_invoice(
    client: Client,
    appointments: list[Appointment],
    *,
    by: User,
    issued_on: date | None = None,
    request: HttpRequest | None = None,
) -> Invoice:
    """One invoice for these held or late-cancelled sessions of the client.

    Refused, changing nothing: no session, a session of another client or not
    billable, a session already on an invoice that is not void, or a total of
    zero. The check runs under the practice lock, so two people issuing the
    same session at once get one invoice and one refusal."""
    if not appointments:
        raise ValidationError("Choose at least one session to invoice.")
    practice = client.practice
    with transaction.atomic():
        settings = _locked_settings(practice)
        ids = [a.pk for a in appointments]
        # Fresh rows, read under the lock.
        fresh = list(
            Appointment.objects.filter(pk__in=ids)
            .select_related("client")
            .order_by("starts_at")
        )
        if len(fresh) != len(set(ids)):
            raise ValidationError("A chosen session no longer exists.")
        for appointment in fresh:
            if appointment.client_id != client.pk:
                raise ValidationError("A chosen session is not this client's.")
            if appointment.status not in BILLABLE:
                raise ValidationError(
                    f"The session of {appointment.starts_at:%Y-%m-%d} was not held "
                    "or cancelled late, so it cannot be invoiced."
                )
        already = invoiced_appointment_ids(ids)
        if already:
            first = fresh[[a.pk for a in fresh].index(next(iter(already)))]
            invoice = already[first.pk]
            raise ValidationError(
                f"The session of {practice.today(first.starts_at):%Y-%m-%d} is "
                f"already on invoice {invoice.label}. Nothing was issued."
            )
        book = FeeBook(practice, [client.pk])
        lines = []
        for appointment in fresh:
            quote = book.quote(appointment)
            held = appointment.status == Appointment.Status.HELD
            minutes = appointment.duration_minutes
            lines.append(
                InvoiceLine(
                    appointment=appointment,
                    service_date=practice.today(appointment.starts_at),
                    description=_line_description(appointment, quote.service),
                    cpt_code=code_for(quote.service, minutes) if held else "",
                    minutes=minutes if held else 0,
                    amount_minor=quote.amount_minor,
                )
            )
        total = sum(line.amount_minor for line in lines)
        if total <= 0:
            raise ValidationError(
                "These sessions' fee is zero: set a fee in the fee list or the "
                "client's terms first. Nothing was issued."
            )
        invoice = Invoice.objects.create(
            practice=practice,
            client=client,
            number=settings.next_invoice_number,
            currency=settings.currency,
            issued_on=issued_on or practice.today(),
            total_minor=total,
            issued_by=by,
        )
        for line in lines:
            line.invoice = invoice
        InvoiceLine.objects.bulk_create(lines)
        settings.next_invoice_number += 1
        settings.save(update_fields=["next_invoice_number"])
        record(
            by,
            "invoice.issue",
            invoice,
            request=request,
            detail={
                "number": invoice.label,
                "total_minor": total,
                "sessions": len(lines),
            },
        )
    return invoice


def issue_monthly(
    client: Client,
    year: int,
    month: int,
    *,
    by: User,
    request: HttpRequest | None = None,
) -> Invoice:
    """One invoice for every billable session of the client not yet invoiced
    whose practice-local date falls in the month."""
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValidationError("Choose a month.")
    practice = client.practice
    sessions = [
        a
        for a in billable_sessions(practice=practice, client=client)
        if (d := practice.today(a.starts_at)).year == year and d.month == month
    ]
    if not sessions:
        raise ValidationError(
            f"No session of {year}-{month:02d} is waiting to be invoiced."
        )
    return issue_invoice(client, sessions, by=by, request=request)


def issue_credit_note(
    invoice: Invoice,
    *,
    by: User,
    amount: object,
    reason: object,
    request: HttpRequest | None = None,
) -> CreditNote:
    """A credit note against ``invoice``: ``amount`` (empty: all that is not
    credited yet, which voids it). At most what has not been credited yet;
    a reason is required."""
    why = _text(reason)
    if not why:
        raise ValidationError("Say why the invoice is credited.")
    if len(why) > REASON_MAX:
        raise ValidationError(f"Keep the reason under {REASON_MAX} characters.")
    with transaction.atomic():
        settings = _locked_settings(invoice.practice)
        current: Any = with_totals(Invoice.objects.filter(pk=invoice.pk)).get()
        open_minor = current.total_minor - current.credited
        if open_minor <= 0:
            raise ValidationError(f"{invoice.label} is void already.")
        amount_minor = (
            _money(amount, invoice.currency, "Credit") if _text(amount) else open_minor
        )
        if amount_minor > open_minor:
            raise ValidationError(
                f"Credit: at most {money.display(open_minor, invoice.currency)} "
                f"of {invoice.label} is left to credit."
            )
        note = CreditNote.objects.create(
            practice=invoice.practice,
            invoice=invoice,
            number=settings.next_credit_number,
            issued_on=invoice.practice.today(),
            amount_minor=amount_minor,
            reason=why,
            issued_by=by,
        )
        settings.next_credit_number += 1
        settings.save(update_fields=["next_credit_number"])
        record(
            by,
            "creditnote.issue",
            note,
            request=request,
            detail={
                "number": note.label,
                "invoice": invoice.label,
                "amount_minor": amount_minor,
                "voids": amount_minor == open_minor,
            },
        )
    return note


def record_payment(
    invoice: Invoice,
    *,
    by: User,
    amount: object,
    method: object,
    paid_on: object,
    request: HttpRequest | None = None,
) -> Payment:
    """Money received against ``invoice``, all or part of what is due.

    Refused: an amount above what is still due (an overpayment is returned
    or kept outside Alliance, so a balance never goes below zero by a
    payment), a void or settled invoice, a date in the future or before the
    invoice, an unknown method."""
    method_text = _text(method)
    if method_text not in Payment.Method.values:
        raise ValidationError("Choose how it was paid.")
    if isinstance(paid_on, str):
        try:
            paid_on = date.fromisoformat(paid_on.strip())
        except ValueError:
            raise ValidationError("Give the date it was paid.") from None
    if not isinstance(paid_on, date):
        raise ValidationError("Give the date it was paid.")
    practice = invoice.practice
    if paid_on > practice.today():
        raise ValidationError("A payment cannot be dated in the future.")
    if paid_on < invoice.issued_on:
        raise ValidationError("A payment cannot be dated before its invoice.")
    with transaction.atomic():
        settings = _locked_settings(practice)
        current: Any = with_totals(Invoice.objects.filter(pk=invoice.pk)).get()
        if current.credited >= current.total_minor:
            raise ValidationError(f"{invoice.label} is void: nothing is due.")
        if current.due <= 0:
            raise ValidationError(f"{invoice.label} is paid in full.")
        amount_minor = _money(amount, invoice.currency, "Amount")
        if amount_minor > current.due:
            raise ValidationError(
                f"Amount: only {money.display(current.due, invoice.currency)} is "
                f"due on {invoice.label}. Record at most that."
            )
        payment = Payment.objects.create(
            practice=practice,
            invoice=invoice,
            receipt_number=settings.next_receipt_number,
            amount_minor=amount_minor,
            method=method_text,
            paid_on=paid_on,
            recorded_by=by,
        )
        settings.next_receipt_number += 1
        settings.save(update_fields=["next_receipt_number"])
        record(
            by,
            "payment.record",
            payment,
            request=request,
            detail={
                "receipt": payment.label,
                "invoice": invoice.label,
                "amount_minor": amount_minor,
                "method": method_text,
            },
        )
    return payment
