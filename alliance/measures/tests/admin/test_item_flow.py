"""One item per screen: next and back, each answer saved on the way, htmx and
plain POSTs alike, then a review screen and Submit."""

from __future__ import annotations

from django.urls import reverse

from alliance.measures.models import Administration
from alliance.measures.services import save_answers
from alliance.measures.tests.admin.helpers import phq9

HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(draft, step=None):
    url = reverse("measures:enter", args=[draft.uuid])
    return f"{url}?step={step}" if step else url


def test_it_shows_one_item_per_screen(as_user, alice, draft):
    page = as_user(alice).get(_url(draft)).text
    assert "Question 1 of 10" in page
    assert "Little interest or pleasure in doing things" in page
    assert page.count('type="radio"') == 4
    assert "Feeling down, depressed, or hopeless" not in page
    assert "Over the last 2 weeks" in page


def test_next_saves_the_answer_and_moves_on(as_user, alice, draft):
    response = as_user(alice).post(_url(draft, 1), {"answer": "2", "go": "next"})
    assert response.status_code == 302
    assert response["Location"] == _url(draft, 2)
    assert Administration.objects.get(pk=draft.pk).answer_dict() == {"q1": 2}


def test_back_keeps_the_answer_and_goes_back(as_user, alice, draft):
    save_answers(draft, {"q1": 2}, by=alice)
    http = as_user(alice)
    response = http.post(_url(draft, 2), {"answer": "1", "go": "back"})
    assert response["Location"] == _url(draft, 1)
    assert Administration.objects.get(pk=draft.pk).answer_dict() == {"q1": 2, "q2": 1}
    page = http.get(_url(draft, 1)).text
    assert 'value="2" checked' in page


def test_back_without_an_answer_changes_nothing(as_user, alice, draft):
    response = as_user(alice).post(_url(draft, 3), {"go": "back"})
    assert response["Location"] == _url(draft, 2)
    assert Administration.objects.get(pk=draft.pk).answer_dict() == {}


def test_next_needs_an_answer_to_a_required_item(as_user, alice, draft):
    response = as_user(alice).post(_url(draft, 1), {"go": "next"})
    assert response.status_code == 200
    assert "Choose an answer to go on." in response.text
    assert "Question 1 of 10" in response.text


def test_an_optional_item_can_be_skipped(as_user, alice, draft):
    save_answers(draft, phq9(4), by=alice)
    save_answers(draft, {"q10": None}, by=alice)
    response = as_user(alice).post(_url(draft, 10), {"go": "next"})
    assert response["Location"] == _url(draft, 11)


def test_htmx_gets_the_next_screen(as_user, alice, draft):
    response = as_user(alice).post(
        _url(draft, 1), {"answer": "3", "go": "next"}, **HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="item-screen"')
    assert "Question 2 of 10" in response.text
    assert response["HX-Push-Url"] == _url(draft, 2)
    assert "<html" not in response.text


def test_htmx_autosaves_an_answer_as_it_is_chosen(as_user, alice, draft):
    response = as_user(alice).post(
        _url(draft, 4), {"answer": "1", "go": "stay"}, **HTMX
    )
    assert response.status_code == 200
    assert "Answer saved." in response.text
    assert response.text.lstrip().startswith('<p id="autosave-status"')
    assert Administration.objects.get(pk=draft.pk).answer_dict() == {"q4": 1}


def test_a_plain_stay_redirects_to_the_same_screen(as_user, alice, draft):
    response = as_user(alice).post(_url(draft, 4), {"answer": "1", "go": "stay"})
    assert response["Location"] == _url(draft, 4)


def test_the_review_screen_lists_every_answer(as_user, alice, draft):
    save_answers(draft, {**phq9(5), "q10": None, "q3": None}, by=alice)
    page = as_user(alice).get(_url(draft, 11)).text
    assert "Check your answers" in page
    assert page.count("Not answered") == 2
    assert "One question has no answer yet." in page
    assert f'action="{reverse("measures:submit", args=[draft.uuid])}"' in page
    assert f'href="{_url(draft, 3)}"' in page


def test_it_walks_through_to_submission(as_user, alice, draft):
    http = as_user(alice)
    for step, (key, value) in enumerate(phq9(7).items(), start=1):
        assert key == f"q{step}"
        response = http.post(_url(draft, step), {"answer": str(value), "go": "next"})
        assert response["Location"] == _url(draft, step + 1)
    response = http.post(reverse("measures:submit", args=[draft.uuid]))
    assert response["Location"] == draft.get_absolute_url()
    stored = Administration.objects.get(pk=draft.pk)
    assert stored.total == 7.0
    assert stored.answer_dict() == phq9(7)


def test_out_of_range_steps_are_clamped(as_user, alice, draft):
    http = as_user(alice)
    assert "Question 1 of 10" in http.get(_url(draft) + "?step=-4").text
    assert "Check your answers" in http.get(_url(draft, 99)).text
    assert "Question 1 of 10" in http.get(_url(draft) + "?step=abc").text


def test_a_portal_draft_is_the_clients_to_finish(as_user, alice, episode):
    from alliance.measures.services import start_administration

    portal = start_administration(episode, "phq9", mode="portal")
    response = as_user(alice).get(_url(portal))
    assert response.status_code == 302
    assert response["Location"] == portal.get_absolute_url()
