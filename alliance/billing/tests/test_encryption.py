"""The reasons billing keeps (why a sliding scale applies, why an invoice
was credited) may say something about a client's life: stored encrypted."""

from __future__ import annotations

from alliance.billing.models import ClientFee, CreditNote
from alliance.billing.services import issue_credit_note, save_client_fee
from alliance.billing.tests.helpers import invoiced
from alliance.core.tests.test_encryption_at_rest import _assert_sealed, _raw_column


def test_the_reasons_are_stored_encrypted(cleo, ada):
    save_client_fee(
        cleo,
        by=ada,
        override="",
        sliding_amount="",
        sliding_percent="50",
        reason="CANARY-SLIDING-REASON-41c7",
    )
    invoice = invoiced(cleo, by=ada)
    issue_credit_note(invoice, by=ada, amount="", reason="CANARY-CREDIT-REASON-8e2a")
    for model, field in ((ClientFee, "sliding_reason"), (CreditNote, "reason")):
        _assert_sealed(model, field)
        assert not any("CANARY" in value for value in _raw_column(model, field))
    assert ClientFee.objects.get().sliding_reason == "CANARY-SLIDING-REASON-41c7"
