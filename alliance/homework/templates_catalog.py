"""Homework templates as code and data: each a structured form the client fills in.

The keys are the vocabulary of ``alliance.techniques.library.HOMEWORK_TEMPLATES``.
Answers are a dict keyed by field name; a ``rows`` field holds a list of dicts.
Row-based templates have a fixed number of rows (``MAX_ROWS``) to stay simple.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

MAX_ROWS = 7
MAX_TEXT = 5_000

TEXT, NUMBER, CHOICE, MULTI, ROWS = "text", "number", "choice", "multi", "rows"
# A clock time "HH:MM" (24-hour); a computed value is worked out from the other
# answers by the template's ``derive`` and never taken from the client's input.
TIME, COMPUTED = "time", "computed"
TIME_RE = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")

# Common unhelpful thinking patterns, in plain words (after Beck 1979; Burns 1980).
THINKING_TRAPS: tuple[tuple[str, str], ...] = (
    ("all_or_nothing", "All-or-nothing: seeing things as total success or failure"),
    ("catastrophising", "Catastrophising: expecting the worst will happen"),
    ("mind_reading", "Mind reading: assuming I know what others think"),
    ("fortune_telling", "Fortune telling: predicting things will go badly"),
    ("shoulds", "Shoulds and musts: rigid rules for myself or others"),
    ("labelling", "Labelling: calling myself or others a name"),
    ("personalising", "Personalising: blaming myself for things outside my control"),
    ("mental_filter", "Mental filter: noticing only the bad parts"),
    ("discounting_positive", "Discounting the positive: good things 'don't count'"),
    ("emotional_reasoning", "Emotional reasoning: I feel it, so it must be true"),
)

DAYS: tuple[tuple[str, str], ...] = (
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
)

# The guided practice fills in "breathing", "body_scan" or "grounding"
# (alliance/homework/guided.py). Keys are stored in answers: never remove one.
RELAXATION_METHODS: tuple[tuple[str, str], ...] = (
    ("breathing", "Slow breathing"),
    ("body_scan", "Body scan"),
    ("grounding", "Grounding with the senses (5-4-3-2-1)"),
    ("muscle", "Muscle relaxation"),
    ("mindfulness", "Mindfulness"),
    ("other", "Something else"),
)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str
    required: bool = False
    low: int | None = None
    high: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    columns: tuple[Field, ...] = ()

    @property
    def is_text(self) -> bool:
        return self.kind == TEXT

    @property
    def is_number(self) -> bool:
        return self.kind == NUMBER

    @property
    def is_choice(self) -> bool:
        return self.kind == CHOICE

    @property
    def is_multi(self) -> bool:
        return self.kind == MULTI

    @property
    def is_rows(self) -> bool:
        return self.kind == ROWS

    @property
    def is_time(self) -> bool:
        return self.kind == TIME

    @property
    def is_computed(self) -> bool:
        return self.kind == COMPUTED


@dataclass(frozen=True)
class Template:
    key: str
    label: str
    description: str
    fields: tuple[Field, ...] = field(default_factory=tuple)
    # Fills in the template's computed fields from the cleaned answers.
    derive: Callable[[dict[str, Any]], dict[str, Any]] | None = None


def _n(name: str, label: str, low: int, high: int, required: bool = False) -> Field:
    return Field(name, f"{label} ({low}–{high})", NUMBER, required, low, high)


WORRY_KINDS: tuple[tuple[str, str], ...] = (
    ("practical", "Practical: about a real problem I can do something about now"),
    ("hypothetical", "Hypothetical: a 'what if' about something that may never happen"),
)

YES_NO: tuple[tuple[str, str], ...] = (("yes", "Yes"), ("no", "No"))


def _minutes(clock: str) -> int:
    hours, minutes = TIME_RE.match(clock).groups()  # type: ignore[union-attr]
    return int(hours) * 60 + int(minutes)


def _after(start: str, end: str) -> int:
    """Minutes from one clock time to the next, across midnight if need be."""
    return (_minutes(end) - _minutes(start)) % (24 * 60)


def sleep_efficiency(night: dict[str, Any]) -> int | None:
    """Sleep efficiency in per cent: total sleep time divided by time in bed.

    Time in bed runs from going to bed to getting out of bed; sleep time is that
    less the time taken to fall asleep, the time awake during the night and the
    time between the final waking and getting up (the Consensus Sleep Diary's
    definitions: Carney et al. 2012, Sleep 35(2):287-302). None when a time is
    missing or the minutes awake add up to more than the time in bed.
    """
    times = ("bed_time", "wake_time", "out_of_bed")
    if any(not isinstance(night.get(t), str) for t in times):
        return None
    in_bed = _after(night["bed_time"], night["out_of_bed"])
    lying_awake = _after(night["wake_time"], night["out_of_bed"])
    if lying_awake > in_bed:  # woke "after" getting up: the times do not fit
        return None
    asleep = (
        in_bed
        - night.get("onset_latency", 0)
        - night.get("awake_minutes", 0)
        - lying_awake
    )
    if in_bed == 0 or asleep < 0:
        return None
    return round(100 * asleep / in_bed)


def _derive_sleep(answers: dict[str, Any]) -> dict[str, Any]:
    for night in answers.get("nights", []):
        efficiency = sleep_efficiency(night)
        night.pop("efficiency", None)
        if efficiency is not None:
            night["efficiency"] = efficiency
    return answers


TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        Template(
            "thought_record",
            "Thought record",
            "Catch an upsetting thought, look at the evidence, and find a more "
            "balanced way of seeing the situation.",
            (
                Field("situation", "What was happening?", TEXT, True),
                Field("thoughts", "What went through your mind?", TEXT, True),
                _n("belief", "How much did you believe it", 0, 100, True),
                Field("emotions", "What did you feel?", TEXT, True),
                _n("intensity", "How strong was the feeling", 0, 100, True),
                Field(
                    "traps", "Thinking traps you notice", MULTI, choices=THINKING_TRAPS
                ),
                Field("evidence_for", "What supports the thought?", TEXT),
                Field("evidence_against", "What does not fit the thought?", TEXT),
                Field("balanced", "A more balanced thought", TEXT, True),
                _n("rerated", "How strong is the feeling now", 0, 100, True),
            ),
        ),
        Template(
            "behavioural_activation",
            "Behavioural activation diary",
            "Plan activities for the week, then note how much achievement (mastery) "
            "and enjoyment (pleasure) you expected and how much you had.",
            (
                Field(
                    "activities",
                    "Activities",
                    ROWS,
                    True,
                    columns=(
                        Field("day", "Day", CHOICE, True, choices=DAYS),
                        Field("activity", "Activity", TEXT, True),
                        _n("predicted_mastery", "Expected mastery", 0, 10),
                        _n("predicted_pleasure", "Expected pleasure", 0, 10),
                        _n("actual_mastery", "Actual mastery", 0, 10),
                        _n("actual_pleasure", "Actual pleasure", 0, 10),
                    ),
                ),
            ),
        ),
        Template(
            "exposure_hierarchy",
            "Exposure hierarchy",
            "List the situations you avoid, rated by how distressing they feel, and "
            "log each practice with your distress before, at its peak and after.",
            (
                Field(
                    "ladder",
                    "Situations, rated by distress",
                    ROWS,
                    True,
                    columns=(
                        Field("situation", "Situation", TEXT, True),
                        _n("distress", "Distress", 0, 100, True),
                    ),
                ),
                Field(
                    "practice",
                    "Practice log",
                    ROWS,
                    columns=(
                        Field("situation", "What you practised", TEXT, True),
                        _n("before", "Distress before", 0, 100, True),
                        _n("peak", "Distress at its peak", 0, 100, True),
                        _n("after", "Distress after", 0, 100, True),
                    ),
                ),
            ),
        ),
        Template(
            "relaxation_practice",
            "Relaxation practice log",
            "Practise relaxation or mindfulness and note how long you practised and "
            "how tense you felt before and after.",
            # Tension before comes first: it is rated before practising.
            (
                _n("tension_before", "Tension before", 0, 10, True),
                Field(
                    "method",
                    "What did you practise?",
                    CHOICE,
                    True,
                    choices=RELAXATION_METHODS,
                ),
                _n("minutes", "Minutes practised", 1, 180, True),
                _n("tension_after", "Tension after", 0, 10, True),
                Field("notes", "Anything you noticed", TEXT),
            ),
        ),
        Template(
            "reflection_journal",
            "Reflection journal",
            "Write about the question your clinician set out in the instructions.",
            (Field("reflection", "Your reflection", TEXT, True),),
        ),
        Template(
            "sf_scaling",
            "Solution-focused scaling",
            "Notice where you are today, what one step up would look like, and what "
            "went better.",
            (
                _n("today", "Where am I today", 0, 10, True),
                Field("step_up", "What would one step up look like?", TEXT, True),
                Field("went_better", "What went better, even a little?", TEXT),
            ),
        ),
        Template(
            "behavioural_experiment",
            "Behavioural experiment",
            "Write down what you predict will happen and how strongly you believe "
            "it, test it in real life, and see what you learn.",
            # The plan-predict-test-learn shape of Bennett-Levy et al. (2004),
            # Oxford Guide to Behavioural Experiments in Cognitive Therapy.
            (
                Field("prediction", "What do you predict will happen?", TEXT, True),
                _n("belief", "How much do you believe it, in per cent", 0, 100, True),
                Field("experiment", "What will you do to test it?", TEXT, True),
                Field("outcome", "What actually happened?", TEXT),
                Field("learned", "What did you learn?", TEXT),
                _n("rerated", "How much do you believe the prediction now", 0, 100),
            ),
        ),
        Template(
            "sleep_diary",
            "Sleep diary",
            "Each morning, note when you went to bed, how long it took to fall "
            "asleep, time awake in the night, when you woke and got up, and how "
            "well you slept. Sleep efficiency is worked out for you.",
            # Items after the Consensus Sleep Diary (Carney et al. 2012, Sleep
            # 35(2):287-302); quality on its 5-point scale, 0 = very poor.
            (
                Field(
                    "nights",
                    "Nights",
                    ROWS,
                    True,
                    columns=(
                        Field("day", "Morning of", CHOICE, True, choices=DAYS),
                        Field("bed_time", "Went to bed (HH:MM)", TIME, True),
                        _n("onset_latency", "Minutes to fall asleep", 0, 720, True),
                        _n("awake_minutes", "Minutes awake in the night", 0, 720),
                        Field("wake_time", "Final waking (HH:MM)", TIME, True),
                        Field("out_of_bed", "Got out of bed (HH:MM)", TIME, True),
                        _n("quality", "Sleep quality, very poor to very good", 0, 4),
                        Field("efficiency", "Sleep efficiency (%)", COMPUTED),
                    ),
                ),
            ),
            derive=_derive_sleep,
        ),
        Template(
            "worry_log",
            "Worry log with worry time",
            "Note each worry as it comes, sort it into practical or hypothetical, "
            "put it off until your daily worry time, and write what you made of "
            "it then.",
            # Worry postponement (Borkovec et al. 1983, Behav Res Ther
            # 21(3):247-251); practical versus hypothetical worries (Dugas &
            # Robichaud 2007, Cognitive-Behavioral Treatment for GAD).
            (
                Field("worry_time", "When and where is your worry time?", TEXT, True),
                Field(
                    "worries",
                    "Worries",
                    ROWS,
                    True,
                    columns=(
                        Field("worry", "The worry", TEXT, True),
                        Field("kind", "What kind", CHOICE, True, choices=WORRY_KINDS),
                        Field(
                            "postponed",
                            "Put off to worry time?",
                            CHOICE,
                            choices=YES_NO,
                        ),
                        Field("notes", "At worry time", TEXT),
                    ),
                ),
            ),
        ),
        Template(
            "problem_solving",
            "Structured problem solving",
            "Define one problem, list the options with their pros and cons, choose "
            "one, plan the steps, and look back at how it went.",
            # The steps of problem-solving therapy (D'Zurilla & Goldfried 1971,
            # J Abnorm Psychol 78(1):107-126; D'Zurilla & Nezu 2007).
            (
                Field("problem", "The problem, as specifically as you can", TEXT, True),
                Field(
                    "options",
                    "Options",
                    ROWS,
                    True,
                    columns=(
                        Field("option", "Option", TEXT, True),
                        Field("pros", "Pros", TEXT),
                        Field("cons", "Cons", TEXT),
                    ),
                ),
                Field("chosen", "The option you chose", TEXT, True),
                Field("steps", "Steps to carry it out", TEXT, True),
                Field("review", "How did it go?", TEXT),
            ),
        ),
        Template(
            "exposure_record",
            "Exposure record",
            "Before each practice, write what you expect to happen and how sure "
            "you are; afterwards, what happened, what you learned and how "
            "surprised you were.",
            # Testing expectancies to maximise violation and learning
            # (Craske et al. 2014, Behav Res Ther 58:10-23).
            (
                Field("situation", "What will you face?", TEXT, True),
                Field("expected", "What do you expect will happen?", TEXT, True),
                _n("expectancy", "How likely is it, in per cent", 0, 100, True),
                Field("happened", "What actually happened?", TEXT, True),
                Field("learned", "What did you learn?", TEXT, True),
                _n("surprise", "How surprised were you", 0, 10, True),
            ),
        ),
        Template(
            "custom",
            "Custom assignment",
            "A task your clinician wrote for you; the instructions say what to do.",
            (Field("response", "Your response", TEXT, True),),
        ),
    )
}


def get_template(key: str) -> Template:
    try:
        return TEMPLATES[key]
    except KeyError:
        raise ValidationError("Choose a homework template from the list.") from None


def template_choices() -> list[tuple[str, str]]:
    return [(t.key, t.label) for t in TEMPLATES.values()]


def _blank(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or value == []


def _clean_value(f: Field, value: Any, errors: list[str], where: str) -> Any:
    label = f"{where}{f.label}"
    if f.kind == TIME:
        match = TIME_RE.match(value.strip()) if isinstance(value, str) else None
        if not match:
            errors.append(f"{label}: enter a time such as 23:30.")
            return None
        return f"{int(match[1]):02d}:{match[2]}"
    if f.kind == TEXT:
        if not isinstance(value, str):
            errors.append(f"{label}: write this as text.")
            return None
        value = value.strip()
        if len(value) > MAX_TEXT:
            errors.append(f"{label}: please keep this under {MAX_TEXT} characters.")
            return None
        return value
    if f.kind == NUMBER:
        try:
            number = int(str(value).strip())
        except ValueError:
            errors.append(f"{label}: enter a whole number from {f.low} to {f.high}.")
            return None
        if not (f.low <= number <= f.high):  # type: ignore[operator]  # number fields set low and high
            errors.append(f"{label}: enter a number from {f.low} to {f.high}.")
            return None
        return number
    allowed = dict(f.choices)
    if f.kind == CHOICE:
        if value not in allowed:
            errors.append(f"{label}: choose one of the options.")
            return None
        return value
    # MULTI
    picked = value if isinstance(value, list) else [value]
    unknown = [v for v in picked if v not in allowed]
    if unknown:
        errors.append(f"{label}: '{unknown[0]}' is not one of the options.")
        return None
    return [key for key in allowed if key in picked]


def _clean_fields(
    fields: tuple[Field, ...], answers: dict[str, Any], partial: bool, where: str
) -> tuple[dict[str, Any], list[str]]:
    cleaned: dict[str, Any] = {}
    errors: list[str] = []
    for f in fields:
        if f.kind == COMPUTED:  # worked out by the template, never typed in
            continue
        value = answers.get(f.name)
        if _blank(value):
            if f.required and not partial:
                errors.append(f"{where}{f.label}: please fill this in.")
            continue
        if f.kind == ROWS:
            rows, row_errors = _clean_rows(f, value, partial)
            errors += row_errors
            if rows:
                cleaned[f.name] = rows
            elif f.required and not partial and not row_errors:
                errors.append(f"{f.label}: please fill in at least one row.")
            continue
        clean = _clean_value(f, value, errors, where)
        if not _blank(clean):
            cleaned[f.name] = clean
    return cleaned, errors


def _clean_rows(f: Field, value: Any, partial: bool) -> tuple[list[Any], list[str]]:
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        return [], [f"{f.label}: these answers are not in the expected form."]
    if len(value) > MAX_ROWS:
        return [], [f"{f.label}: there is room for at most {MAX_ROWS} rows."]
    rows: list[Any] = []
    errors: list[str] = []
    for number, row in enumerate(value, start=1):
        if all(_blank(row.get(c.name)) for c in f.columns):
            continue
        clean, row_errors = _clean_fields(f.columns, row, partial, f"Row {number}, ")
        errors += row_errors
        rows.append(clean)
    return rows, errors


def validate(key: str, answers: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Return the cleaned answers, or raise ValidationError listing every problem.

    ``partial`` (a draft) allows blanks but still checks what is filled in.
    Unknown field names are dropped.
    """
    cleaned, errors = clean_draft(key, answers, partial=partial)
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_draft(
    key: str, answers: dict[str, Any], *, partial: bool = True
) -> tuple[dict[str, Any], list[str]]:
    """Return the valid answers and a message for each answer left out.

    A draft keeps every valid field, so one out-of-range number does not
    stop the rest of the typing from being saved.
    """
    template = get_template(key)
    if not isinstance(answers, dict):
        raise ValidationError("These answers are not in the expected form.")
    cleaned, errors = _clean_fields(template.fields, answers, partial, "")
    if template.derive:
        cleaned = template.derive(cleaned)
    return cleaned, errors


def answers_from_post(key: str, data: Any) -> dict[str, Any]:
    """Build an answers dict from a form post (a QueryDict): rows are posted
    as ``<field>-<row>-<column>``."""
    answers: dict[str, Any] = {}
    for f in get_template(key).fields:
        if f.kind == COMPUTED:
            continue
        if f.kind == MULTI:
            answers[f.name] = data.getlist(f.name)
        elif f.kind == ROWS:
            answers[f.name] = [
                {
                    c.name: data.get(f"{f.name}-{i}-{c.name}", "")
                    for c in f.columns
                    if c.kind != COMPUTED
                }
                for i in range(MAX_ROWS)
            ]
        else:
            answers[f.name] = data.get(f.name, "")
    return answers


@dataclass
class Shown:
    """A field with its answer, ready for a form or a read-only view."""

    field: Field
    name: str
    value: Any = None
    rows: list[list[Shown]] | None = None
    row: int | None = None

    @property
    def choices(self) -> list[tuple[str, str, bool]]:
        picked = self.value if isinstance(self.value, list) else [self.value]
        return [(key, label, key in picked) for key, label in self.field.choices]

    @property
    def display(self) -> str:
        if self.value is None or self.value == "":
            return ""
        labels = dict(self.field.choices)
        if self.field.kind == MULTI:
            return "; ".join(labels.get(v, v) for v in self.value)
        if self.field.kind == CHOICE:
            return labels.get(self.value, self.value)
        return str(self.value)


def shown(key: str, answers: dict[str, Any], *, form: bool) -> list[Shown]:
    """The template's fields with their answers. For a form every row slot is
    listed (``MAX_ROWS``); for reading, only filled rows."""
    result = []
    for f in get_template(key).fields:
        if f.kind != ROWS:
            result.append(Shown(f, f.name, answers.get(f.name)))
            continue
        saved = answers.get(f.name) or []
        count = MAX_ROWS if form else len(saved)
        rows = []
        for i in range(count):
            row = saved[i] if i < len(saved) and isinstance(saved[i], dict) else {}
            rows.append(
                [
                    Shown(c, f"{f.name}-{i}-{c.name}", row.get(c.name), row=i + 1)
                    for c in f.columns
                ]
            )
        result.append(Shown(f, f.name, None, rows))
    return result
