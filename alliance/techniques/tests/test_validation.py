from __future__ import annotations

import pytest

from alliance.techniques.library import TechniqueFileError, parse_file
from alliance.techniques.tests.helpers import REFERENCE, write_technique


def problems(path):
    with pytest.raises(TechniqueFileError) as caught:
        parse_file(path)
    return caught.value.problems


def test_it_accepts_a_minimal_practice_file(practice_folder):
    technique = parse_file(
        write_technique(
            practice_folder,
            "walking-therapy",
            references=[],
            drop=("homework_templates",),
        )
    )
    assert technique.references == ()
    assert technique.homework_templates == ()
    assert technique.source == "practice"


def test_it_lists_missing_and_unknown_fields(practice_folder):
    path = write_technique(
        practice_folder,
        "walking-therapy",
        drop=("purpose", "steps"),
        when_not_to_us="x",
    )
    assert problems(path) == [
        "unknown field when_not_to_us; the fields are: slug, name, approach, "
        "problems, purpose, when_to_use, when_not_to_use, steps, introducing, "
        "homework_templates, references, version.",
        "missing field purpose, steps.",
    ]


def test_it_checks_the_vocabularies(practice_folder):
    path = write_technique(
        practice_folder,
        "walking-therapy",
        approach="cbt ",
        problems=["stress", "burnout", "stress"],
        homework_templates=["diary"],
    )
    assert problems(path) == [
        "approach: 'cbt ' is not known; use one of: cbt, psychodynamic, "
        "solution_focused, mindfulness_relaxation, skills.",
        "problems: 'burnout' is not a known key; use one of: depression, anxiety, "
        "panic, worry, social_anxiety, trauma, ocd, anger, relationships, "
        "self_esteem, stress, sleep, grief, avoidance, low_motivation, "
        "emotion_regulation, assertiveness.",
        "problems: a key is listed twice.",
        "homework_templates: 'diary' is not a known key; use one of: "
        "thought_record, behavioural_activation, exposure_hierarchy, "
        "relaxation_practice, reflection_journal, sf_scaling, "
        "behavioural_experiment, sleep_diary, worry_log, problem_solving, "
        "exposure_record, custom.",
    ]


def test_the_slug_must_match_the_file_name(practice_folder):
    path = write_technique(practice_folder, "walking-therapy")
    renamed = path.rename(practice_folder / "walking.toml")
    assert problems(renamed) == [
        "slug: 'walking-therapy' must match the file name; rename the file to "
        "walking-therapy.toml."
    ]


def test_the_slug_must_be_url_safe(practice_folder):
    path = practice_folder / "Walking_Therapy.toml"
    write_technique(practice_folder, "Walking_Therapy")
    assert problems(path)[0].startswith("slug: 'Walking_Therapy' may hold only")


def test_it_checks_types(practice_folder):
    path = write_technique(
        practice_folder,
        "walking-therapy",
        name="",
        problems="stress",
        steps=["Agree a route.", " "],
        version=0,
    )
    assert problems(path) == [
        "name: must be text and not empty.",
        "problems: must be a list of keys, such as ['depression'].",
        "steps: must be a list of one or more non-empty texts.",
        "version: must be a whole number, 1 or more.",
    ]


def test_it_checks_references(practice_folder):
    path = write_technique(
        practice_folder,
        "walking-therapy",
        references=[
            REFERENCE,
            {**REFERENCE, "year": "1990", "publisher": "Delacorte"},
            {"author": "Someone", "year": 2001},
        ],
    )
    assert problems(path) == [
        "references #2: unknown field publisher.",
        "references #2: year must be a four-digit number, e.g. 1979.",
        "references #3: needs text in title, source.",
    ]


def test_it_reports_broken_toml(practice_folder):
    path = practice_folder / "walking-therapy.toml"
    path.write_text('slug = "walking-therapy"\nname = "unclosed\n')
    [problem] = problems(path)
    assert problem.startswith("is not valid TOML: ")


def test_it_reports_a_file_that_is_not_utf8(practice_folder):
    path = practice_folder / "walking-therapy.toml"
    path.write_bytes('name = "Caf\u00e9"'.encode("latin-1"))
    assert problems(path) == ["is not UTF-8 text."]
