"""CPT codes by real duration, and NPI check digits."""

from __future__ import annotations

import pytest

from alliance.billing.cpt import code_for, psychotherapy_code
from alliance.billing.models import Service
from alliance.billing.npi import luhn_check_digit, npi_refusal


@pytest.mark.parametrize(
    ("minutes", "code"),
    [
        (0, ""),
        (15, ""),
        (16, "90832"),
        (37, "90832"),
        (38, "90834"),
        (52, "90834"),
        (53, "90837"),
        (90, "90837"),
    ],
)
def test_psychotherapy_follows_the_time_rule(minutes, code):
    assert psychotherapy_code(minutes) == code
    assert code_for(Service.PSYCHOTHERAPY, minutes) == code


def test_the_untimed_and_family_codes():
    assert code_for(Service.DIAGNOSTIC, 10) == "90791"
    assert code_for(Service.GROUP, 90) == "90853"
    assert code_for(Service.FAMILY_WITHOUT, 50) == "90846"
    assert code_for(Service.FAMILY_WITH, 26) == "90847"
    assert code_for(Service.FAMILY_WITH, 25) == ""


def test_the_cms_worked_example():
    # CMS's NPI check-digit paper: 123456789 with the 80840 prefix → 3.
    assert luhn_check_digit("80840123456789") == 3
    assert npi_refusal("1234567893") is None


@pytest.mark.parametrize(
    ("npi", "why"),
    [
        ("1234567890", "check digit"),
        ("123456789", "ten digits"),
        ("12345678931", "ten digits"),
        ("12345-7893", "ten digits"),
        ("３２３４５６７８９３", "ten digits"),
        ("3234567893", "1 or 2"),
    ],
)
def test_bad_npis_are_refused(npi, why):
    assert why in npi_refusal(npi)
