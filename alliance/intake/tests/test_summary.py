from __future__ import annotations

import pytest
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.intake.services import add_intake_addendum
from alliance.intake.tests.helpers import completed, save


@pytest.fixture
def done(alice, cleo):
    intake = completed(cleo)
    add_intake_addendum(intake, by=alice, text="GP confirms thyroid tests normal.")
    return intake


def _url(intake):
    return reverse("intake:summary", args=[intake.uuid])


def test_it_shows_the_letterhead_and_who_and_when(as_user, alice, done):
    html = as_user(alice).get(_url(done)).text
    assert '<p class="letterhead-name">Riverside Therapy</p>' in html
    assert "<p>1 River Walk, Exampleton</p>" in html
    assert "<dd>Cleo Example</dd>" in html
    assert "<dd>17 May 1990</dd>" in html
    assert "<dd>Alice Clinician</dd>" in html
    assert f"Completed by Alice Clinician on {done.completed_at:%-d %B %Y}" in html


def test_it_shows_every_section_read_only(as_user, alice, done):
    html = as_user(alice).get(_url(done)).text
    for heading in [
        "Presenting concerns",
        "History of the concern",
        "Risk screen",
        "Working formulation",
        "Provisional diagnoses",
        "Addenda",
    ]:
        assert f">{heading}</h2>" in html
    assert "Loss of routine maintains low mood." in html
    assert "GP confirms thyroid tests normal." in html
    assert '<form method="post" action="/intake/' not in html


def test_it_marks_a_draft(as_user, alice, intake):
    save(intake, "history", text="Since the spring.")
    html = as_user(alice).get(_url(intake)).text
    assert "Draft: this intake is not completed yet (1 of 12 sections written)." in html


def test_it_lets_the_supervisor_read(as_user, sam, done):
    response = as_user(sam).get(_url(done))
    assert response.status_code == 200
    assert "Loss of routine maintains low mood." in response.text


def test_it_refuses_bob_and_ada(as_user, bob, ada, done):
    assert as_user(bob).get(_url(done)).status_code == 404
    assert as_user(ada).get(_url(done)).status_code == 403


def test_it_records_the_read(as_user, alice, done):
    as_user(alice).get(_url(done))
    event = AuditEvent.objects.filter(action="intake.view").latest("id")
    assert event.actor == alice
    assert event.object_uuid == done.uuid


def test_it_uses_a_bounded_number_of_queries(
    as_user, alice, done, django_assert_max_num_queries
):
    http = as_user(alice)
    with django_assert_max_num_queries(20):
        http.get(_url(done))
