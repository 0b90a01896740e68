"""Invented people and texts for the demo practice, read from
``data/content.json`` and checked with pydantic models. Every name and story is
fictional and written for Alliance."""

from __future__ import annotations

from pydantic import Field

from alliance.demo.stories import Model, read


class _Client(Model):
    given_name: str = Field(min_length=1)
    family_name: str = Field(min_length=1)
    preferred_name: str
    pronouns: str
    referral_source: str
    reason: str = Field(min_length=1)
    # An age that fits the client's story.
    age: int = Field(ge=18)


class _Content(Model):
    about: str = Field(alias="_about")
    consent_v1: str
    # What the second consent version adds to the first.
    consent_v2_adds: str
    clients: tuple[_Client, ...]
    # Progress note texts per structure: (section_1, section_2, section_3, section_4).
    soap: tuple[tuple[str, str, str, str], ...]
    dap: tuple[tuple[str, str, str], ...]
    birp: tuple[tuple[str, str, str, str], ...]
    process_notes: tuple[str, ...]
    risk_note: str


_DATA: _Content = read("content.json", _Content)

CONSENT_V1 = _DATA.consent_v1
CONSENT_V2 = CONSENT_V1 + _DATA.consent_v2_adds

# (given name, family name, preferred name, pronouns, referral source, reason)
CLIENTS = [
    (
        c.given_name,
        c.family_name,
        c.preferred_name,
        c.pronouns,
        c.referral_source,
        c.reason,
    )
    for c in _DATA.clients
]
SOAP = list(_DATA.soap)
DAP = list(_DATA.dap)
BIRP = list(_DATA.birp)
PROCESS_NOTES = list(_DATA.process_notes)
RISK_NOTE = _DATA.risk_note
# Ages that fit each client's story, in the order of CLIENTS.
AGES = [c.age for c in _DATA.clients]
