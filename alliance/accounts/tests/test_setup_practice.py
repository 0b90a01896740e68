from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from alliance.accounts.models import Invitation, Practice


def test_it_creates_a_practice_and_invites_its_admin(db):
    out = StringIO()
    call_command(
        "setup_practice",
        name="Harbour Psychology",
        admin_email="Head@Example.org",
        admin_name="Hana Head",
        stdout=out,
    )
    practice = Practice.objects.get()
    invitation = Invitation.objects.get()
    assert practice.name == "Harbour Psychology"
    assert invitation.email == "head@example.org"
    assert invitation.role == "admin"
    assert "/accounts/invitation/" in out.getvalue()


def test_it_refuses_a_bad_email(db):
    with pytest.raises(CommandError, match="not an email"):
        call_command("setup_practice", name="X", admin_email="nope", admin_name="N")
    assert Practice.objects.count() == 0
