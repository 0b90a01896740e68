"""The client signs the practice's current consent text in the portal; the
signature carries that version's digest and counts for it alone."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.clients.models import Consent
from alliance.clients.services import (
    consent_signed,
    consent_statement,
    publish_consent_text,
    record_consent,
    sign_consent,
)
from alliance.core.signatures import canonical_text, content_digest


def _sign(cleo, text, **overrides):
    fields = {
        "consent_text": text,
        "signed_name": "Cleo Example",
        "agreed": True,
        "digest": text.content_digest(),
        "by": cleo.user,
    }
    fields.update(overrides)
    return sign_consent(cleo.current_episode(), **fields)


def test_canonical_text_ignores_line_ends_and_trailing_blanks():
    assert canonical_text("a \r\nb\r\n\n") == "a\nb"
    assert content_digest({"x": "a\r\nb"}) == content_digest({"x": "a\nb "})
    assert content_digest({"x": "a"}) != content_digest({"x": "b"})


def test_each_version_has_its_own_digest(ada, consent_text):
    again = publish_consent_text(
        ada.practice, title=consent_text.title, body=consent_text.body, by=ada
    )
    assert consent_text.content_digest() == consent_text.content_digest()
    assert again.content_digest() != consent_text.content_digest()


def test_the_client_signs_the_current_version(cleo, consent_text):
    consent = _sign(cleo, consent_text)
    stored = Consent.objects.get(pk=consent.pk)
    assert stored.method == Consent.Method.SIGNED_ELECTRONIC
    assert stored.signed_name == "Cleo Example"
    assert stored.statement == consent_statement(consent_text)
    assert stored.digest == consent_text.content_digest()
    assert stored.recorded_by == cleo.user
    event = AuditEvent.objects.get(action="consent.sign")
    assert event.detail == {"version": 1, "digest": stored.digest}


def test_an_old_versions_signature_does_not_count_for_the_new_one(
    ada, cleo, consent_text
):
    old = _sign(cleo, consent_text)
    new = publish_consent_text(ada.practice, title="New", body="Changed", by=ada)
    episode = cleo.current_episode()
    assert consent_signed(episode, consent_text) == old
    assert consent_signed(episode, new) is None
    assert old.newer_text == new
    with pytest.raises(ValidationError, match="newer version"):
        _sign(cleo, consent_text)
    with pytest.raises(ValidationError, match="changed after you opened it"):
        _sign(cleo, new, digest=consent_text.content_digest())
    _sign(cleo, new)
    assert consent_signed(episode, new) is not None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"signed_name": ""}, "full name"),
        ({"agreed": False}, "Tick the box"),
        ({"digest": "abc"}, "changed after you opened it"),
    ],
)
def test_bad_signatures_change_nothing(cleo, consent_text, overrides, message):
    with pytest.raises(ValidationError, match=message):
        _sign(cleo, consent_text, **overrides)
    assert not Consent.objects.exists()


def test_only_the_client_signs_and_only_once(alice, cleo, consent_text):
    with pytest.raises(ValidationError, match="Only the client"):
        _sign(cleo, consent_text, by=alice)
    _sign(cleo, consent_text)
    with pytest.raises(ValidationError, match="already agreed"):
        _sign(cleo, consent_text)


def test_the_chart_shows_portal_and_paper_signatures(
    as_user, alice, cleo, consent_text
):
    _sign(cleo, consent_text)
    body = (
        as_user(alice).get(reverse("chart:episode", args=[cleo.uuid])).content.decode()
    )
    assert "signed in the portal" in body and "“Cleo Example”" in body
    assert "matches this version" in body


def test_paper_consent_reads_as_paper(as_user, alice, cleo, consent_text):
    record_consent(
        cleo.current_episode(),
        consent_text=consent_text,
        method="verbal",
        given_at=timezone.now(),
        by=alice,
    )
    body = (
        as_user(alice).get(reverse("chart:episode", args=[cleo.uuid])).content.decode()
    )
    assert "given verbally and recorded" in body
    assert "signed in the portal" not in body


def test_the_chart_says_when_a_newer_text_is_not_yet_agreed(
    as_user, alice, ada, cleo, consent_text
):
    _sign(cleo, consent_text)
    publish_consent_text(ada.practice, title="New", body="Changed", by=ada)
    body = (
        as_user(alice).get(reverse("chart:episode", args=[cleo.uuid])).content.decode()
    )
    assert "Version 2 is newer and not yet agreed" in body
    assert reverse("clients:consent_text", args=[consent_text.uuid]) in body
