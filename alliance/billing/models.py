"""Fees, invoices, credit notes and payments (docs/billing.md).

Money is an integer in the currency's minor unit (``billing.money``), never a
float; the currency is the practice's (``BillingSettings.currency``) and is
copied onto each document, so a later change of setting never rewrites what
was issued. An issued document is never edited: a ``CreditNote`` corrects or
voids an invoice. Documents are numbered per practice without gaps, from
counters on the practice's ``BillingSettings`` row, which ``billing.services``
locks while it numbers."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from alliance.accounts.models import Practice, User
from alliance.billing import money
from alliance.clients.models import Client
from alliance.core.fields import EncryptedTextField
from alliance.core.models import UUIDModel
from alliance.scheduling.models import Appointment


class Service(models.TextChoices):
    """What was provided, which decides the CPT code (``billing.cpt``)."""

    DIAGNOSTIC = "diagnostic", "Diagnostic evaluation"
    PSYCHOTHERAPY = "psychotherapy", "Individual psychotherapy"
    FAMILY_WITHOUT = "family_without", "Family psychotherapy without the patient"
    FAMILY_WITH = "family_with", "Family psychotherapy with the patient"
    GROUP = "group", "Group psychotherapy"


class BillingSettings(models.Model):
    """The practice's billing settings and its document counters. Its row is
    the lock every numbering takes (``select_for_update``)."""

    practice = models.OneToOneField(
        Practice, on_delete=models.PROTECT, related_name="billing_settings"
    )
    currency = models.CharField(
        max_length=3, choices=money.CURRENCY_CHOICES, default="USD"
    )
    default_fee_minor = models.PositiveBigIntegerField(
        default=0, help_text="The fee when no fee list entry matches."
    )
    npi = models.CharField(
        "practice NPI (type 2)", max_length=10, blank=True, default=""
    )
    tax_id = models.CharField("tax ID (EIN)", max_length=20, blank=True, default="")
    next_invoice_number = models.PositiveIntegerField(default=1, editable=False)
    next_credit_number = models.PositiveIntegerField(default=1, editable=False)
    next_receipt_number = models.PositiveIntegerField(default=1, editable=False)

    def __str__(self) -> str:
        return f"Billing settings of {self.practice}"


class ClinicianBilling(models.Model):
    """A clinician's identifiers printed on superbills."""

    clinician = models.OneToOneField(
        User, on_delete=models.PROTECT, related_name="billing_identifiers"
    )
    npi = models.CharField("NPI (type 1)", max_length=10, blank=True, default="")
    licence_number = models.CharField(max_length=40, blank=True, default="")
    licence_state = models.CharField(max_length=40, blank=True, default="")

    def __str__(self) -> str:
        return f"Billing identifiers of {self.clinician}"


class Fee(models.Model):
    """One line of the practice's fee list: the fee for appointments of a
    modality ("appointment type") and purpose. An empty modality or purpose
    matches any; the most specific entry wins (``billing.fees.fee_for``)."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    modality = models.CharField(
        "appointment type",
        max_length=20,
        choices=Appointment.Modality.choices,
        blank=True,
        default="",
    )
    purpose = models.CharField(max_length=60, blank=True, default="")
    service = models.CharField(
        max_length=20, choices=Service.choices, blank=True, default=""
    )
    amount_minor = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["purpose", "modality"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "modality", "purpose"], name="one_fee_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose or 'any purpose'} / {self.modality or 'any type'}"


class ClientFee(UUIDModel):
    """A client's own terms: a fee agreed for them (override), or a sliding
    scale, a reduced fee or a percentage of the practice fee, with the
    reason (encrypted: it may say why the client cannot pay more)."""

    client = models.OneToOneField(
        Client, on_delete=models.PROTECT, related_name="billing_terms"
    )
    override_minor = models.PositiveBigIntegerField(null=True, blank=True)
    sliding_minor = models.PositiveBigIntegerField(null=True, blank=True)
    sliding_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    sliding_reason = EncryptedTextField()
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    client_path = "client"

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sliding_percent__isnull=True)
                | models.Q(sliding_percent__gte=1, sliding_percent__lte=100),
                name="sliding_percent_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"Fee terms of {self.client}"


class Invoice(UUIDModel):
    """An issued invoice. Never edited after it is issued: corrections are
    credit notes against it; a full credit note voids it."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="invoices"
    )
    number = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    issued_on = models.DateField()
    total_minor = models.PositiveBigIntegerField()
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    client_path = "client"

    class Meta:
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "number"], name="invoice_number_once"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"INV-{self.number:05d}"

    def pdf_name(self) -> str:
        return f"invoice-{self.label}.pdf"


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, related_name="invoice_lines"
    )
    service_date = models.DateField()
    description = models.CharField(max_length=200)
    cpt_code = models.CharField(max_length=5, blank=True, default="")
    minutes = models.PositiveIntegerField(default=0)
    amount_minor = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["service_date", "id"]

    def __str__(self) -> str:
        return f"{self.service_date} {self.description}"


class CreditNote(UUIDModel):
    """A negative document against an invoice, with its own number sequence
    (CN-…): it takes ``amount_minor`` off what the client owes."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="credit_notes"
    )
    number = models.PositiveIntegerField()
    issued_on = models.DateField()
    amount_minor = models.PositiveBigIntegerField()
    reason = EncryptedTextField()
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    client_path = "invoice__client"

    class Meta:
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "number"], name="credit_note_number_once"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"CN-{self.number:05d}"

    def pdf_name(self) -> str:
        return f"credit-note-{self.label}.pdf"


class Payment(UUIDModel):
    """Money received against an invoice (whole or part), with its receipt
    number (RC-…). Card payments happen at the practice's payment provider;
    this records that they happened."""

    class Method(models.TextChoices):
        CASH = "cash", "Cash"
        CARD = "card", "Card"
        BANK_TRANSFER = "bank_transfer", "Bank transfer"
        CHEQUE = "cheque", "Cheque"
        OTHER = "other", "Other"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="payments"
    )
    receipt_number = models.PositiveIntegerField()
    amount_minor = models.PositiveBigIntegerField()
    method = models.CharField(max_length=20, choices=Method.choices)
    paid_on = models.DateField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    client_path = "invoice__client"

    class Meta:
        ordering = ["-paid_on", "-receipt_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "receipt_number"], name="receipt_number_once"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"RC-{self.receipt_number:05d}"

    def pdf_name(self) -> str:
        return f"receipt-{self.label}.pdf"
