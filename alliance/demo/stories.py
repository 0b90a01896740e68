"""The demo practice's texts live in data files under ``alliance/demo/data/``,
each read with ``read`` and checked with pydantic models on the way in, so a
mistyped field stops the demo with a message naming the file and the field
instead of seeding odd records. This module reads the story texts of
``data/plans.json``; ``content`` and ``seed_endings`` read their own files.

Everything in the data file is invented for Alliance. The code that writes
records through the services stays in ``seed_plans``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class GoalText:
    client_words: str
    statement: str
    # Descriptions for −2, −1, 0 (expected), +1 and +2.
    levels: tuple[str, str, str, str, str]


@dataclass(frozen=True)
class Story:
    match: str  # a phrase of the referral reason, lower case
    words: str  # presenting concerns, in the client's words
    hopes: str
    history: str
    family: str
    work: str
    strengths: str
    mental_status: str
    formulation: str
    # (description, ICD-10-CM code or "" for no code)
    diagnoses: tuple[tuple[str, str], ...]
    approach: str  # TreatmentPlanVersion.Approach
    problems: tuple[str, ...]  # technique library problem tags
    measure: str  # "phq9" or "gad7": the measure one goal is linked to
    measure_words: str  # that goal in the client's words
    goals: tuple[GoalText, GoalText]
    plan_problems: str
    reflections: tuple[str, ...]
    previous: str = ""  # empty: one of the ordinary answers below
    medical: str = ""
    substances: str = ""
    risk_history: str = "No history of self-harm, suicide attempts or harm to others."
    protective: str = ""
    # Library slugs the plan should start from, where ranking by problem would
    # miss the obvious choice; empty: chosen by approach and problem.
    techniques: tuple[str, ...] = ()


class Model(BaseModel):
    """A data file's shape: exact JSON types, no unknown fields."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _GoalText(Model):
    client_words: str
    statement: str
    levels: tuple[str, str, str, str, str]


class _Story(Model):
    match: str = Field(min_length=1)
    words: str
    hopes: str
    history: str
    family: str
    work: str
    strengths: str
    mental_status: str
    formulation: str
    diagnoses: tuple[tuple[str, str], ...]
    approach: str
    problems: tuple[str, ...]
    measure: str
    measure_words: str
    goals: tuple[_GoalText, _GoalText]
    plan_problems: str
    reflections: tuple[str, ...]
    previous: str = ""
    medical: str = ""
    substances: str = ""
    risk_history: str = Story.risk_history
    protective: str = ""
    techniques: tuple[str, ...] = ()

    def story(self) -> Story:
        fields = dict(self)
        fields["goals"] = tuple(GoalText(**dict(goal)) for goal in self.goals)
        return Story(**fields)


class _MeasureGoal(Model):
    measure_comparison: str
    measure_target: int
    statement: str
    levels: tuple[str, str, str, str, str]
    # (lowest total, level), highest total first.
    floors: tuple[tuple[int, int], ...]


class _PlanTexts(Model):
    about: str = Field(alias="_about")
    previous: tuple[str, ...]
    medical: tuple[str, ...]
    substances: tuple[str, ...]
    protective: tuple[str, ...]
    measure_goals: dict[str, _MeasureGoal]
    stories: tuple[_Story, ...]
    responses: dict[str, tuple[str, ...]]
    generic_responses: tuple[str, ...]
    more_reflections: tuple[str, ...]
    homework_done: tuple[str, ...]


@dataclass(frozen=True)
class PlanTexts:
    previous: tuple[str, ...]
    medical: tuple[str, ...]
    substances: tuple[str, ...]
    protective: tuple[str, ...]
    measure_goals: dict[str, dict[str, Any]]
    stories: tuple[Story, ...]
    responses: dict[str, tuple[str, ...]]
    generic_responses: tuple[str, ...]
    more_reflections: tuple[str, ...]
    homework_done: tuple[str, ...]


def read(name: str, model: type[BaseModel]) -> Any:
    """``data/<name>`` checked against ``model``; ValueError naming the file
    and the fields that are wrong."""
    path = DATA / name
    try:
        return model.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


@cache
def plan_texts() -> PlanTexts:
    raw: _PlanTexts = read("plans.json", _PlanTexts)
    return PlanTexts(
        previous=raw.previous,
        medical=raw.medical,
        substances=raw.substances,
        protective=raw.protective,
        measure_goals={
            code: goal.model_dump() for code, goal in raw.measure_goals.items()
        },
        stories=tuple(story.story() for story in raw.stories),
        responses=dict(raw.responses),
        generic_responses=raw.generic_responses,
        more_reflections=raw.more_reflections,
        homework_done=raw.homework_done,
    )


class _Practice(Model):
    name: str
    time_zone: str
    letterhead: str
    crisis_lines: str


class _StaffMember(Model):
    key: str
    email: str
    name: str
    role: str
    credentials: str


class _PracticeFile(Model):
    about: str = Field(alias="_about")
    practice: _Practice
    staff: tuple[_StaffMember, ...]


@cache
def practice_texts() -> tuple[dict[str, str], list[tuple[str, str, str, str, str]]]:
    """The demo practice's details (``create_practice`` arguments) and its staff
    as (key, email, name, role, credentials)."""
    raw: _PracticeFile = read("practice.json", _PracticeFile)
    staff = [(s.key, s.email, s.name, s.role, s.credentials) for s in raw.staff]
    return raw.practice.model_dump(), staff
