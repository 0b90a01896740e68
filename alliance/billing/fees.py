"""Which fee an appointment costs: ``fee_for(appointment)``.

In order: the client's own agreed fee (override), then their sliding scale
(a reduced fee, or a percentage of the practice fee), then the practice fee
list's entry for the appointment type (modality) and purpose (the most
specific entry: both match, then purpose only, then type only, then an entry
for any), then the practice default fee. The fee list entry also says what
service was provided (``billing.cpt``); without one, an assessment is a
diagnostic evaluation and anything else individual psychotherapy."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from alliance.accounts.models import Practice
from alliance.billing.models import BillingSettings, ClientFee, Fee, Service
from alliance.scheduling.models import Appointment, Purpose


@dataclass(frozen=True)
class Quote:
    amount_minor: int
    source: str
    service: str


class FeeBook:
    """A practice's fee list, default and clients' terms, read once (two or
    three queries) for any number of appointments."""

    def __init__(self, practice: Practice, client_ids: Iterable[int] = ()) -> None:
        self.settings = BillingSettings.objects.filter(practice=practice).first()
        self.fees = {
            (fee.modality, fee.purpose): fee
            for fee in Fee.objects.filter(practice=practice)
        }
        ids = set(client_ids)
        self.terms = (
            {t.client_id: t for t in ClientFee.objects.filter(client_id__in=ids)}
            if ids
            else {}
        )

    def _entry(self, appointment: Appointment) -> Fee | None:
        modality, purpose = appointment.modality, appointment.purpose
        for key in ((modality, purpose), ("", purpose), (modality, ""), ("", "")):
            if key in self.fees:
                return self.fees[key]
        return None

    def quote(self, appointment: Appointment) -> Quote:
        entry = self._entry(appointment)
        if entry is not None and entry.service:
            service = entry.service
        elif appointment.purpose == Purpose.ASSESSMENT:
            service = Service.DIAGNOSTIC
        else:
            service = Service.PSYCHOTHERAPY
        if entry is not None:
            practice_fee, source = entry.amount_minor, "fee list"
        else:
            default = self.settings.default_fee_minor if self.settings else 0
            practice_fee, source = default, "practice default"
        terms = self.terms.get(appointment.client_id)
        if terms is not None and terms.override_minor is not None:
            return Quote(terms.override_minor, "client fee", service)
        if terms is not None and terms.sliding_minor is not None:
            return Quote(terms.sliding_minor, "sliding scale", service)
        if terms is not None and terms.sliding_percent is not None:
            # Rounded half up to the minor unit, in integers.
            amount = (practice_fee * terms.sliding_percent + 50) // 100
            return Quote(amount, "sliding scale", service)
        return Quote(practice_fee, source, service)


def fee_for(appointment: Appointment) -> Quote:
    """The fee and service of one appointment (see the module's docstring)."""
    book = FeeBook(appointment.client.practice, [appointment.client_id])
    return book.quote(appointment)
