"""core.versioning: the one optimistic-version save every editable record uses."""

from __future__ import annotations

import pytest

from alliance.audit.models import AuditEvent
from alliance.clients.models import Client
from alliance.core.versioning import Conflict, claim, save_if_current, shown


def test_it_claims_the_current_version_and_bumps_it(cleo, alice):
    cleo.referral_reason = "Panic on trains."
    save_if_current(cleo, ["referral_reason"], version=1, by=alice)
    stored = Client.objects.get(pk=cleo.pk)
    assert (stored.version, stored.referral_reason) == (2, "Panic on trains.")
    assert cleo.version == 2


def test_it_refuses_a_stale_version_and_carries_the_stored_row(cleo, alice):
    first = Client.objects.get(pk=cleo.pk)
    second = Client.objects.get(pk=cleo.pk)
    first.referral_reason = "First"
    save_if_current(first, ["referral_reason"], version=1, by=alice)
    second.referral_reason = "Second"
    audits = AuditEvent.objects.count()
    with pytest.raises(Conflict) as refused:
        save_if_current(second, ["referral_reason"], version=1, by=alice)
    assert refused.value.current.referral_reason == "First"
    assert refused.value.current.version == 2
    assert refused.value.code == "conflict"
    assert refused.value.messages[0].startswith("This client record was saved")
    stored = Client.objects.get(pk=cleo.pk)
    assert (stored.version, stored.referral_reason) == (2, "First")
    assert AuditEvent.objects.count() == audits


def test_without_a_version_it_bumps_without_checking(cleo):
    assert claim(cleo, None) == 2
    assert Client.objects.get(pk=cleo.pk).version == 2


def test_it_checks_the_extra_conditions_too(cleo):
    with pytest.raises(Conflict):
        claim(cleo, 1, given_name="Someone else")
    assert Client.objects.get(pk=cleo.pk).version == 1


def test_it_shows_stored_values_plainly():
    assert shown("") == "—"
    assert shown(None) == "—"
    assert shown(True) == "Yes"
    assert shown(["a", "b"]) == "a; b"
