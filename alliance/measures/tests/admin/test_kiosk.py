"""Kiosk mode: the clinician's session locked to one questionnaire for the
client, until the clinician's password unlocks it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.measures.models import Administration
from alliance.measures.services import save_answers
from alliance.measures.tests.admin.helpers import phq9
from conftest import TEST_PASSWORD


@pytest.fixture
def kiosk_http(as_user, alice, cleo, episode):
    """Alice's browser after pressing "Start kiosk" for a PHQ-9 on Cleo's chart."""
    http = as_user(alice)
    response = http.post(
        reverse("measures:start", args=[episode.uuid]),
        {"instrument": "phq9", "mode": "kiosk"},
    )
    http.administration = Administration.objects.get(mode="kiosk")
    assert response["Location"] == _kiosk(http.administration)
    return http


def _kiosk(administration, name="measures:kiosk"):
    return reverse(name, args=[administration.uuid])


def test_it_starts_kiosk_mode(kiosk_http):
    page = kiosk_http.get(_kiosk(kiosk_http.administration)).text
    assert "Question 1 of 10" in page
    assert "Clinician: unlock this device" in page
    assert AuditEvent.objects.filter(action="administration.kiosk_start").count() == 1


def test_it_hides_the_staff_menu_and_name(kiosk_http):
    page = kiosk_http.get(_kiosk(kiosk_http.administration)).text
    assert "Alice Clinician" not in page
    assert reverse("clients:list") not in page
    assert "Log out" not in page


@pytest.mark.parametrize(
    "path",
    ["/", "/clients/", "/calendar/", "/accounts/practice/", "/portal/", "/healthz"],
)
def test_it_locks_every_other_page(kiosk_http, path):
    response = kiosk_http.get(path)
    assert response.status_code == 302
    assert response["Location"] == _kiosk(kiosk_http.administration)


def test_it_locks_the_chart_and_other_measures(kiosk_http, cleo):
    administration = kiosk_http.administration
    for url in (
        cleo.get_absolute_url(),
        administration.get_absolute_url(),
        reverse("measures:enter", args=[administration.uuid]),
        reverse("measures:history", args=[administration.episode.uuid, "phq9"]),
    ):
        response = kiosk_http.get(url)
        assert response["Location"] == _kiosk(administration), url


def test_it_refuses_logout_and_posts_elsewhere(kiosk_http):
    response = kiosk_http.post(reverse("accounts:logout"))
    assert response["Location"] == _kiosk(kiosk_http.administration)
    assert kiosk_http.get(_kiosk(kiosk_http.administration)).status_code == 200


def test_the_client_answers_and_submits(kiosk_http):
    administration = kiosk_http.administration
    url = _kiosk(administration)
    assert (
        kiosk_http.post(f"{url}?step=1", {"answer": "1", "go": "next"})["Location"]
        == f"{url}?step=2"
    )
    save_answers(administration, phq9(6))
    response = kiosk_http.post(_kiosk(administration, "measures:kiosk_submit"))
    assert response["Location"] == _kiosk(administration, "measures:kiosk_done")
    page = kiosk_http.get(response["Location"]).text
    assert "Please hand the device back to your clinician." in page
    assert "If you need help now" not in page
    assert "Mild" not in page  # the score is for the clinician
    stored = Administration.objects.get(pk=administration.pk)
    assert stored.total == 6.0
    assert stored.entered_by is None
    # Still locked after submitting.
    assert kiosk_http.get("/")["Location"] == _kiosk(administration)
    assert kiosk_http.get(url)["Location"] == _kiosk(
        administration, "measures:kiosk_done"
    )


def test_it_shows_crisis_lines_after_a_risk_answer(kiosk_http):
    administration = kiosk_http.administration
    save_answers(administration, phq9(12, item9=2))
    response = kiosk_http.post(
        _kiosk(administration, "measures:kiosk_submit"), follow=True
    )
    page = response.text
    assert "If you need help now" in page
    assert "Samaritans: 116 123 (free, 24 hours)" in page
    assert "Emergency: 999" in page
    assert "Please hand the device back to your clinician." in page


def test_an_incomplete_submission_is_refused_in_plain_words(kiosk_http):
    administration = kiosk_http.administration
    save_answers(administration, {"q1": 1})
    response = kiosk_http.post(_kiosk(administration, "measures:kiosk_submit"))
    assert response.status_code == 200
    assert "have no answer" in response.text
    assert Administration.objects.get(pk=administration.pk).is_draft is True


def test_a_wrong_password_keeps_it_locked(kiosk_http):
    administration = kiosk_http.administration
    response = kiosk_http.post(
        _kiosk(administration, "measures:kiosk_exit"), {"password": "guess"}
    )
    assert response.status_code == 200
    assert "That password is not right." in response.text
    assert kiosk_http.get("/")["Location"] == _kiosk(administration)
    failed = AuditEvent.objects.get(action="administration.kiosk_exit")
    assert failed.outcome == "failed"


def test_the_right_password_unlocks_and_shows_the_result(kiosk_http, alice):
    administration = kiosk_http.administration
    save_answers(administration, phq9(9))
    kiosk_http.post(_kiosk(administration, "measures:kiosk_submit"))
    response = kiosk_http.post(
        _kiosk(administration, "measures:kiosk_exit"),
        {"password": TEST_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == administration.get_absolute_url()
    assert "Mild" in response.text
    assert kiosk_http.get("/").status_code == 200
    event = AuditEvent.objects.get(action="administration.kiosk_exit")
    assert event.outcome == "ok"
    assert event.actor == alice


def test_the_clinician_can_unlock_before_the_end(kiosk_http):
    administration = kiosk_http.administration
    kiosk_http.post(
        _kiosk(administration, "measures:kiosk_exit"), {"password": TEST_PASSWORD}
    )
    assert Administration.objects.get(pk=administration.pk).is_draft is True
    assert kiosk_http.get("/").status_code == 200


def test_kiosk_pages_need_kiosk_mode(as_user, alice, episode):
    from alliance.measures.services import start_administration

    draft = start_administration(episode, "phq9", mode="kiosk", by=alice)
    response = as_user(alice).get(_kiosk(draft))
    assert response["Location"] == draft.get_absolute_url()


def test_only_kiosk_drafts_can_be_handed_over(as_user, alice, draft):
    response = as_user(alice).post(
        reverse("measures:kiosk_start", args=[draft.uuid]), follow=True
    )
    assert "Only a questionnaire started in kiosk mode" in response.text
    assert as_user(alice).get("/").status_code == 200


def test_sam_cannot_start_kiosk_mode(as_user, alice, sam, episode):
    from alliance.measures.services import start_administration

    draft = start_administration(episode, "phq9", mode="kiosk", by=alice)
    http = as_user(sam)
    assert (
        http.post(reverse("measures:kiosk_start", args=[draft.uuid])).status_code == 403
    )
    assert http.get("/").status_code == 200


def test_repeated_wrong_passwords_lock_out_and_stay_locked(kiosk_http):
    administration = kiosk_http.administration
    url = _kiosk(administration, "measures:kiosk_exit")
    for _ in range(5):
        kiosk_http.post(url, {"password": "guess"})
    response = kiosk_http.post(url, {"password": TEST_PASSWORD})
    assert response.status_code == 429
    assert kiosk_http.get("/")["Location"] == _kiosk(administration)
