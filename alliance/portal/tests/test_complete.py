"""Completing a questionnaire in the portal: one item per screen, each answer
saved as given, and a submission that is never duplicated."""

from __future__ import annotations

from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.measures.models import Administration

PHQ9_LOW = {f"q{n}": 1 for n in range(1, 9)} | {"q9": 0, "q10": 0}
HTMX = {"HTTP_HX_REQUEST": "true"}


def _answer_url(administration, step):
    return reverse("portal:answer", args=[administration.uuid]) + f"?step={step}"


def test_the_home_page_lists_what_is_due(portal, schedule):
    page = portal.get(reverse("portal:home")).text
    assert "Start PHQ-9" in page
    assert reverse("portal:start", args=[schedule.uuid]) in page


def test_starting_twice_continues_the_same_draft(portal, schedule):
    url = reverse("portal:start", args=[schedule.uuid])
    first = portal.post(url)["Location"]
    second = portal.post(url)["Location"]
    assert first == second
    draft = Administration.objects.get()
    assert draft.mode == "portal"
    assert draft.schedule == schedule
    assert draft.entered_by is None
    page = portal.get(reverse("portal:home")).text
    assert "Carry on with PHQ-9" in page
    assert "Start PHQ-9" not in page


def test_each_answer_is_saved_as_given(portal, schedule, cleo):
    portal.post(reverse("portal:start", args=[schedule.uuid]))
    draft = Administration.objects.get()
    response = portal.post(_answer_url(draft, 1), {"answer": "2", "go": "next"})
    assert response["Location"] == _answer_url(draft, 2)
    response = portal.post(_answer_url(draft, 2), {"answer": "1", "go": "stay"}, **HTMX)
    assert "Answer saved." in response.text
    assert Administration.objects.get().answer_dict() == {"q1": 2, "q2": 1}
    event = AuditEvent.objects.filter(action="administration.save").latest("id")
    assert event.actor == cleo.user


def test_it_walks_through_with_back_and_next(portal, schedule):
    portal.post(reverse("portal:start", args=[schedule.uuid]))
    draft = Administration.objects.get()
    for step, value in enumerate(PHQ9_LOW.values(), start=1):
        portal.post(_answer_url(draft, step), {"answer": str(value), "go": "next"})
    back = portal.post(_answer_url(draft, 10), {"go": "back"})
    assert back["Location"] == _answer_url(draft, 9)
    review = portal.get(_answer_url(draft, 11)).text
    assert "Check your answers" in review
    assert "Not answered" not in review
    response = portal.post(reverse("portal:submit", args=[draft.uuid]))
    assert response["Location"] == reverse("portal:done", args=[draft.uuid])
    stored = Administration.objects.get()
    assert stored.total == 8.0
    assert stored.answer_dict() == PHQ9_LOW


def test_a_resubmit_never_duplicates(portal, schedule):
    portal.post(reverse("portal:start", args=[schedule.uuid]))
    draft = Administration.objects.get()
    portal.post(_answer_url(draft, 1), {"answer": "1"})
    from alliance.measures.services import save_answers

    save_answers(draft, PHQ9_LOW)
    url = reverse("portal:submit", args=[draft.uuid])
    first = portal.post(url)
    submitted_at = Administration.objects.get().submitted_at
    second = portal.post(url)
    assert first["Location"] == second["Location"]
    assert Administration.objects.count() == 1
    assert Administration.objects.get().submitted_at == submitted_at
    assert AuditEvent.objects.filter(action="administration.submit").count() == 1
    # Answering again after submitting goes to the thank-you page.
    again = portal.post(_answer_url(draft, 1), {"answer": "3", "go": "next"})
    assert again["Location"] == reverse("portal:done", args=[draft.uuid])
    assert Administration.objects.get().answer_dict() == PHQ9_LOW


def test_a_refused_submission_is_explained(portal, schedule):
    portal.post(reverse("portal:start", args=[schedule.uuid]))
    draft = Administration.objects.get()
    response = portal.post(reverse("portal:submit", args=[draft.uuid]))
    assert response.status_code == 200
    assert "have no answer" in response.text
    assert Administration.objects.get().is_draft is True


def test_nothing_is_due_after_submitting(portal, schedule):
    from alliance.measures.services import record_administration

    record_administration(
        schedule.episode, "phq9", PHQ9_LOW, by=schedule.created_by, mode="portal"
    )
    page = portal.get(reverse("portal:home")).text
    assert "There is nothing for you to complete right now." in page
