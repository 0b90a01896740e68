from __future__ import annotations

from alliance.techniques.library import search


def slugs(techniques):
    return [t.slug for t in techniques]


def test_it_returns_everything_without_criteria():
    assert len(search()) >= 25


def test_it_matches_the_name_case_insensitively():
    assert slugs(search("Progressive MUSCLE")) == ["progressive-muscle-relaxation"]
    assert "miracle-question" in slugs(search("MIRACLE"))


def test_it_matches_purpose_when_to_use_and_steps():
    # "core conflictual" is in the purpose, "flashbacks" in when to use,
    # "broken record" in a step.
    assert slugs(search("core conflictual")) == ["recurring-relationship-patterns"]
    assert "grounding" in slugs(search("flashbacks"))
    assert slugs(search("broken record")) == ["assertiveness"]


def test_it_does_not_search_the_cautions():
    # "anaemia" appears only in behavioural activation's cautions.
    assert search("anaemia") == []


def test_every_word_must_match():
    assert slugs(search("breathing six")) == ["paced-breathing"]
    assert search("breathing zebra") == []


def test_it_filters_by_approach():
    assert slugs(search(approach="solution_focused")) == [
        "compliments",
        "coping-questions",
        "exception-finding",
        "miracle-question",
        "scaling-questions",
    ]


def test_it_filters_by_problem():
    assert slugs(search(problem="ocd")) == ["graded-exposure"]
    assert {t.approach for t in search(problem="relationships")} == {
        "cbt",
        "psychodynamic",
        "solution_focused",
        "skills",
    }


def test_it_combines_query_approach_and_problem():
    found = search("breath", approach="mindfulness_relaxation", problem="panic")
    assert slugs(found) == ["paced-breathing"]
    assert slugs(search("breath", problem="panic")) == ["paced-breathing"]
    assert search("breath", approach="psychodynamic") == []


def test_an_unknown_approach_matches_nothing():
    assert search(approach="astrology") == []
