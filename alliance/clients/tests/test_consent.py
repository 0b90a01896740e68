from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alliance.clients.models import Consent, ConsentText
from alliance.clients.services import publish_consent_text, record_consent


def test_admin_edits_create_new_versions(as_user, ada, consent_text):
    http = as_user(ada)
    http.post(
        reverse("clients:consent_texts"), {"title": "Agreement", "body": "Version two"}
    )
    versions = list(ConsentText.objects.values_list("version", "body"))
    assert versions == [(2, "Version two"), (1, "What therapy involves...")]


def test_old_consents_keep_the_version_signed(alice, ada, cleo, consent_text):
    episode = cleo.current_episode()
    consent = record_consent(
        episode,
        consent_text=consent_text,
        method="signed_paper",
        given_at=timezone.now(),
        by=alice,
    )
    publish_consent_text(ada.practice, title="New", body="Changed terms", by=ada)
    consent.refresh_from_db()
    assert consent.consent_text.version == 1
    assert consent.consent_text.body == "What therapy involves..."


def test_the_view_records_consent_to_the_current_version(
    as_user, alice, ada, cleo, consent_text
):
    publish_consent_text(ada.practice, title="Agreement", body="v2 text", by=ada)
    episode = cleo.current_episode()
    response = as_user(alice).post(
        reverse("clients:consent", args=[episode.uuid]),
        {"method": "signed_electronic", "given_at": "2026-01-05T10:30"},
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.consent_text.version == 2
    assert consent.recorded_by == alice
    assert consent.method == "signed_electronic"


def test_consent_cannot_be_dated_in_the_future(alice, cleo, consent_text):
    with pytest.raises(ValidationError, match="future"):
        record_consent(
            cleo.current_episode(),
            consent_text=consent_text,
            method="verbal",
            given_at=timezone.now() + timedelta(days=2),
            by=alice,
        )
    assert Consent.objects.count() == 0


def test_the_view_refuses_a_bad_method_and_writes_nothing(
    as_user, alice, cleo, consent_text
):
    response = as_user(alice).post(
        reverse("clients:consent", args=[cleo.current_episode().uuid]),
        {"method": "telepathy", "given_at": "2026-01-05T10:30"},
    )
    assert response.status_code == 200
    assert Consent.objects.count() == 0


def test_no_consent_text_yet_is_explained(as_user, alice, cleo):
    response = as_user(alice).get(
        reverse("clients:consent", args=[cleo.current_episode().uuid]), follow=True
    )
    assert b"has not published a consent text" in response.content


def test_empty_consent_text_is_refused(ada):
    with pytest.raises(ValidationError):
        publish_consent_text(ada.practice, title=" ", body="x", by=ada)
