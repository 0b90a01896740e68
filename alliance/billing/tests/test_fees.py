"""fee_for: client override > sliding scale > fee list (type + purpose) >
practice default."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from alliance.billing.fees import fee_for
from alliance.billing.models import Service
from alliance.billing.services import save_client_fee, save_fee
from alliance.billing.tests.helpers import priced, session


def _fee(practice, ada, amount, modality="", purpose="", service=""):
    return save_fee(
        practice,
        by=ada,
        modality=modality,
        purpose=purpose,
        service=service,
        amount=amount,
    )


def _terms(cleo, ada, **kw):
    values = {"override": "", "sliding_amount": "", "sliding_percent": "", "reason": ""}
    return save_client_fee(cleo, by=ada, **{**values, **kw})


def test_it_resolves_in_order(cleo, ada, practice):
    appointment = session(cleo, purpose="treatment", modality="video")
    assert fee_for(appointment).amount_minor == 0
    priced(practice, "100", by=ada)
    assert fee_for(appointment).amount_minor == 10000
    assert fee_for(appointment).source == "practice default"
    _fee(practice, ada, "110")
    assert fee_for(appointment).amount_minor == 11000
    _fee(practice, ada, "115", modality="video")
    assert fee_for(appointment).amount_minor == 11500
    _fee(practice, ada, "120", purpose="treatment")
    assert fee_for(appointment).amount_minor == 12000
    _fee(practice, ada, "125", modality="video", purpose="treatment")
    quote = fee_for(appointment)
    assert (quote.amount_minor, quote.source) == (12500, "fee list")
    _terms(cleo, ada, sliding_percent="50", reason="Student")
    assert fee_for(appointment).amount_minor == 6250
    _terms(cleo, ada, sliding_amount="40", reason="Student")
    assert (fee_for(appointment).amount_minor, fee_for(appointment).source) == (
        4000,
        "sliding scale",
    )
    _terms(cleo, ada, override="90", sliding_amount="40", reason="Student")
    assert (fee_for(appointment).amount_minor, fee_for(appointment).source) == (
        9000,
        "client fee",
    )


def test_a_percentage_rounds_half_up_in_integers(cleo, ada, practice):
    priced(practice, "0.05", by=ada)
    _terms(cleo, ada, sliding_percent="50", reason="Hardship")
    assert fee_for(session(cleo)).amount_minor == 3


def test_the_service_comes_from_the_fee_list_or_the_purpose(cleo, ada, practice):
    assert fee_for(session(cleo, purpose="assessment")).service == Service.DIAGNOSTIC
    assert fee_for(session(cleo, days_ago=2)).service == Service.PSYCHOTHERAPY
    _fee(practice, ada, "80", purpose="review", service=Service.FAMILY_WITH)
    assert (
        fee_for(session(cleo, days_ago=3, purpose="review")).service
        == Service.FAMILY_WITH
    )


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"sliding_percent": "0", "reason": "x"}, "1 to 100"),
        ({"sliding_percent": "101", "reason": "x"}, "1 to 100"),
        ({"sliding_percent": "ten", "reason": "x"}, "1 to 100"),
        ({"sliding_percent": "50"}, "why"),
        ({"sliding_amount": "40", "sliding_percent": "50", "reason": "x"}, "not both"),
        ({"override": "-5"}, "negative"),
        ({"sliding_amount": "4.005", "reason": "x"}, "decimals"),
    ],
)
def test_bad_client_terms_are_refused(cleo, ada, kw, message):
    with pytest.raises(ValidationError, match=message):
        _terms(cleo, ada, **kw)
    assert not cleo.__class__.objects.filter(billing_terms__isnull=False).exists()


def test_bad_fee_list_entries_are_refused(practice, ada):
    for kw in (
        {"modality": "carrier_pigeon"},
        {"purpose": "Not a purpose"},
        {"service": "surgery"},
    ):
        with pytest.raises(ValidationError):
            _fee(practice, ada, "10", **kw)
    with pytest.raises(ValidationError, match="negative"):
        _fee(practice, ada, "-10")
