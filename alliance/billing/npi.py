"""National Provider Identifier (NPI) checks.

An NPI is ten digits: nine identifying digits and a check digit computed
with the Luhn formula (ISO/IEC 7812) over the nine digits prefixed with
80840 (the card-issuer prefix of US health applications). Source: CMS,
"Requirements for National Provider Identifier (NPI) and NPI Enumerator:
check digit", National Provider Identifier Standard
(https://www.cms.gov/Regulations-and-Guidance/Administrative-Simplification/NationalProvIdentStand/Downloads/NPIcheckdigit.pdf),
whose worked example gives 123456789 the check digit 3. NPIs start with 1
or 2. Whether an NPI is of type 1 (a person) or type 2 (an organisation) is
not visible in the number: the NPPES registry says so."""

from __future__ import annotations

PREFIX = "80840"


def luhn_check_digit(digits: str) -> int:
    """The Luhn check digit for ``digits`` (the number without its check
    digit): double every second digit from the right, starting with the
    rightmost, sum all digits, and take what brings the sum to a multiple of
    ten."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def npi_refusal(npi: str) -> str | None:
    """Why ``npi`` is not a valid NPI, or None when it is."""
    if len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        return "An NPI is exactly ten digits."
    if npi[0] not in "12":
        return "An NPI starts with 1 or 2."
    if luhn_check_digit(PREFIX + npi[:9]) != int(npi[9]):
        return (
            "That NPI's check digit does not match: check each digit against "
            "the NPPES registry."
        )
    return None
