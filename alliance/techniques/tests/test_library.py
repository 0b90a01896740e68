from __future__ import annotations

import re

import pytest

from alliance.techniques.library import (
    APPROACHES,
    BUILT_IN,
    BUILTIN_DIR,
    HOMEWORK_TEMPLATES,
    PROBLEMS,
    Technique,
    all_techniques,
    get_technique,
    parse_file,
)

# Every technique the issue names, by the slug it has in the library.
NAMED_IN_ISSUE = {
    "cbt": [
        "cognitive-restructuring",
        "identifying-cognitive-distortions",
        "behavioural-activation",
        "graded-exposure",
        "problem-solving",
    ],
    "psychodynamic": [
        "recurring-relationship-patterns",
        "working-with-defences",
        "linking-past-and-present",
        "therapeutic-relationship",
    ],
    "solution_focused": [
        "miracle-question",
        "scaling-questions",
        "exception-finding",
        "coping-questions",
        "compliments",
    ],
    "mindfulness_relaxation": [
        "paced-breathing",
        "progressive-muscle-relaxation",
        "body-scan",
        "grounding",
        "mindful-observation",
    ],
    "skills": [
        "assertiveness",
        "communication-skills",
        "emotion-regulation",
        "stress-management",
    ],
}
BUILT_IN_FILES = sorted(BUILTIN_DIR.glob("*.toml"))


@pytest.mark.parametrize("path", BUILT_IN_FILES, ids=lambda p: p.stem)
def test_it_loads_every_built_in_file(path):
    technique = parse_file(path, BUILT_IN)
    assert technique.slug == path.stem
    assert technique.source == "built-in"
    assert technique.approach in APPROACHES
    assert set(technique.problems) <= set(PROBLEMS)
    assert set(technique.homework_templates) <= set(HOMEWORK_TEMPLATES)


@pytest.mark.parametrize("path", BUILT_IN_FILES, ids=lambda p: p.stem)
def test_every_built_in_entry_is_substantial(path):
    technique = parse_file(path, BUILT_IN)
    sentences = len(re.findall(r"[.!?](?:\s|$)", technique.purpose))
    assert 2 <= sentences <= 6, technique.purpose
    assert 4 <= len(technique.steps) <= 8
    assert len(technique.when_to_use) >= 150
    assert len(technique.when_not_to_use) >= 250
    assert len(technique.introducing) >= 150
    assert technique.problems
    assert technique.homework_templates
    assert len(technique.references) >= 2
    assert technique.version >= 1


def test_it_holds_at_least_25_techniques():
    assert len(all_techniques()) == len(BUILT_IN_FILES)
    assert len(BUILT_IN_FILES) >= 25


def test_every_approach_is_present():
    assert {t.approach for t in all_techniques()} == set(APPROACHES)


def test_every_technique_named_in_the_issue_exists():
    for approach, slugs in NAMED_IN_ISSUE.items():
        for slug in slugs:
            assert get_technique(slug).approach == approach, slug


def test_it_sorts_by_approach_then_name():
    techniques = all_techniques()
    keys = [(t.approach, t.name.casefold()) for t in techniques]
    assert keys == sorted(keys)
    assert techniques[0].slug == "activity-scheduling"


def test_it_unwraps_prose_lines():
    technique = get_technique("paced-breathing")
    assert "\n" not in technique.purpose
    assert technique.purpose.startswith(
        "Teaches the client to slow their breathing to a comfortable, steady rhythm,"
    )


def test_it_formats_references():
    technique = get_technique("cognitive-restructuring")
    assert str(technique.references[0]) == (
        "Beck, A. T., Rush, A. J., Shaw, B. F. & Emery, G. (1979). "
        "Cognitive Therapy of Depression. New York: Guilford Press."
    )
    question = get_technique("therapeutic-relationship").references[2]
    assert "sustained effects? American Journal" in str(question)


def test_it_labels_approach_problems_and_homework():
    technique = get_technique("graded-exposure")
    assert technique.approach_label == "Cognitive behavioural (CBT)"
    assert ("ocd", "Obsessions and compulsions (OCD)") in technique.problem_labels
    assert technique.homework_labels == [
        ("exposure_hierarchy", "Exposure hierarchy"),
        ("exposure_record", "Exposure record"),
    ]
    assert technique.is_practice_version is False


def test_it_raises_key_error_for_an_unknown_slug():
    with pytest.raises(KeyError):
        get_technique("no-such-technique")


def test_techniques_are_immutable():
    technique = get_technique("body-scan")
    assert isinstance(technique, Technique)
    with pytest.raises(AttributeError):
        technique.name = "Changed"  # type: ignore[misc]
