from __future__ import annotations

from django.urls import reverse

from alliance.techniques.tests.helpers import write_technique

LIST = reverse("techniques:list")


def detail(slug):
    return reverse("techniques:detail", kwargs={"slug": slug})


def test_it_lists_the_library_by_approach(
    as_user, alice, django_assert_max_num_queries
):
    http = as_user(alice)
    with django_assert_max_num_queries(7):
        response = http.get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert "28 techniques in the library." in body
    assert '<h2 id="approach-cbt">Cognitive behavioural (CBT)</h2>' in body
    assert '<h2 id="approach-skills">Skills</h2>' in body
    assert f'href="{detail("miracle-question")}">Miracle question</a>' in body
    assert "<!doctype html>" in body


def test_every_staff_role_may_browse(as_user, sam, ada):
    for user in (sam, ada):
        assert as_user(user).get(LIST).status_code == 200
        assert as_user(user).get(detail("body-scan")).status_code == 200


def test_it_refuses_clients(as_user, cleo):
    http = as_user(cleo.user)
    assert http.get(LIST).status_code == 403
    assert http.get(detail("body-scan")).status_code == 403


def test_it_filters_by_approach_problem_and_words(as_user, alice):
    http = as_user(alice)
    body = http.get(LIST, {"approach": "psychodynamic"}).content.decode()
    assert "4 techniques match." in body
    assert '<option value="psychodynamic" selected>Psychodynamic</option>' in body
    assert "Exploring recurring relationship patterns" in body
    assert "Miracle question" not in body

    body = http.get(LIST, {"problem": "ocd"}).content.decode()
    assert "1 technique matches." in body
    assert "Graded exposure" in body

    body = http.get(LIST, {"q": "breathing six", "problem": "panic"}).content.decode()
    assert "1 technique matches." in body
    assert 'value="breathing six"' in body
    assert "Paced breathing" in body


def test_it_says_when_nothing_matches(as_user, alice):
    body = as_user(alice).get(LIST, {"q": "zebra"}).content.decode()
    assert "0 techniques match." in body
    assert "No technique matches." in body


def test_it_ignores_unknown_filter_values(as_user, alice):
    body = as_user(alice).get(LIST, {"approach": "astrology"}).content.decode()
    assert "28 techniques in the library." in body


def test_it_answers_htmx_with_the_results_alone(as_user, alice):
    response = as_user(alice).get(
        LIST, {"q": "miracle", "approach": "solution_focused"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<p class="result-count" role="status">')
    assert "<form" not in body
    assert "<!doctype html>" not in body
    assert f'href="{detail("miracle-question")}"' in body


def test_it_answers_an_htmx_history_restore_with_the_whole_page(as_user, alice):
    response = as_user(alice).get(
        LIST, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<!doctype html>" in response.content.decode()


def test_the_search_form_filters_live_and_without_javascript(as_user, alice):
    body = as_user(alice).get(LIST).content.decode()
    assert f'<form method="get" action="{LIST}"' in body
    assert 'hx-trigger="input changed delay:300ms, search, submit"' in body
    assert 'hx-target="#technique-results"' in body
    assert '<label for="q">Search</label>' in body
    assert '<div id="technique-results">' in body


def test_it_shows_a_technique(as_user, alice):
    response = as_user(alice).get(detail("progressive-muscle-relaxation"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Progressive muscle relaxation</h1>" in body
    assert '<h2 id="cautions-heading">When not to use it, and cautions</h2>' in body
    assert "Skip or adapt muscle groups affected by injury" in body
    assert '<ol class="technique-steps">' in body
    assert "<li>Relaxation practice log</li>" in body
    assert "Jacobson, E. (1938). Progressive Relaxation (2nd ed.)." in body
    assert f'href="{LIST}?problem=sleep"' in body
    assert "Practice version" not in body


def test_it_marks_a_practice_version(as_user, alice, practice_folder):
    write_technique(
        practice_folder,
        "body-scan",
        name="Body scan, our way",
        approach="mindfulness_relaxation",
    )
    http = as_user(alice)
    body = http.get(detail("body-scan")).content.decode()
    assert "<h1>Body scan, our way</h1>" in body
    assert '<span class="badge practice-version">Practice version</span>' in body
    assert "Practice version: this entry comes from your practice" in body
    listing = http.get(LIST).content.decode()
    assert 'Body scan, our way</a> <span class="badge practice-version">' in listing


def test_it_answers_404_for_an_unknown_technique(as_user, alice):
    assert as_user(alice).get(detail("no-such-technique")).status_code == 404


def test_an_invalid_practice_file_does_not_break_the_pages(
    as_user, alice, practice_folder
):
    (practice_folder / "broken.toml").write_text("this is not = = toml")
    http = as_user(alice)
    assert http.get(LIST).status_code == 200
    assert http.get(detail("broken")).status_code == 404


def test_it_rejects_post(as_user, alice):
    assert as_user(alice).post(LIST).status_code == 405
