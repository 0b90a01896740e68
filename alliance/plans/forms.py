from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone

from alliance.clients.models import Episode
from alliance.core.widgets import DateInput, DateTimeInput
from alliance.measures.engine import all_instruments
from alliance.plans.models import (
    LEVELS,
    Comparison,
    Goal,
    PlanAcknowledgement,
    SessionPlanRecord,
    TechniqueUse,
    TreatmentPlanVersion,
    level_display,
)
from alliance.plans.services import MAX_TEXT
from alliance.techniques.library import (
    APPROACHES,
    all_techniques,
    get_technique,
    search,
)

TEXT: dict[str, Any] = {"max_length": MAX_TEXT, "strip": True}


def _area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def instrument_choices() -> list[tuple[str, str]]:
    return [(i.code, f"{i.short_name} ({i.name})") for i in all_instruments()]


class GoalForm(forms.Form):
    """A goal and its five-level attainment scale (Kiresuk & Sherman 1968)."""

    client_words = forms.CharField(
        label="In the client's own words",
        widget=_area(2),
        help_text="How the client put it, e.g. “I want to get back to seeing my "
        "friends.”",
        **TEXT,
    )
    statement = forms.CharField(
        label="Specific, measurable goal",
        widget=_area(2),
        help_text="What will be different, how you will both know, and by when.",
        **TEXT,
    )
    target_date = forms.DateField(label="Target date", widget=DateInput())
    weight = forms.DecimalField(
        label="Importance weight",
        initial=1,
        min_value=0.01,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        help_text="How much this goal counts in the T-score: 1 somewhat important, "
        "2 important, 3 very important (any positive number can be used).",
    )
    measure_code = forms.ChoiceField(label="Linked measure (optional)", required=False)
    measure_comparison = forms.ChoiceField(
        label="Comparison",
        required=False,
        choices=[("", "—"), *Comparison.choices],
    )
    measure_target = forms.DecimalField(
        label="Target score",
        required=False,
        max_digits=7,
        decimal_places=2,
        help_text="For example PHQ-9 below 10. Leave the measure, comparison and "
        "score empty for a goal without a measure.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure_code"].choices = [  # type: ignore[attr-defined]  # a choice field
            ("", "No linked measure"),
            *instrument_choices(),
        ]
        # The five levels, written from −2 to +2 after the target date.
        fields = dict(self.fields)
        self.fields.clear()
        for name, field in fields.items():
            self.fields[name] = field
            if name == "statement":
                for level, level_name, label in LEVELS:
                    self.fields[level_name] = forms.CharField(
                        label=f"{level_display(level)}: {label.lower()}",
                        widget=_area(2),
                        **TEXT,
                    )
        self.fields[
            "level_0"
        ].help_text = (
            "The expected outcome: what you both think is likely with treatment."
        )

    def content(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("reason", None)
        data.pop("version", None)
        return data


class GoalReviseForm(GoalForm):
    reason = forms.CharField(
        label="Reason for the revision",
        widget=_area(2),
        help_text="Kept with the earlier version, which stays readable.",
        **TEXT,
    )
    # The version the editor opened (core.versioning).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AchieveForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=_area(2),
        help_text="For example how the client described the change.",
        **TEXT,
    )


class DropForm(forms.Form):
    reason = forms.CharField(
        label="Reason for dropping the goal",
        widget=_area(2),
        help_text="The goal and its ratings stay in the record; it no longer counts "
        "in the T-score.",
        **TEXT,
    )


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label="Level of attainment", coerce=int, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note (optional)", required=False, widget=_area(2), **TEXT
    )

    def __init__(self, *args: Any, goal: Goal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [  # type: ignore[attr-defined]  # a choice field
            (level, f"{shown} {anchor}: {text}")
            for level, shown, anchor, text in reversed(goal.levels())
        ]


class GoalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Goal) -> str:
        return obj.statement


class PlanForm(forms.Form):
    """A treatment plan version; interventions and measures come from their own
    pickers (see ``MeasuresForm`` and the technique picker)."""

    problems = forms.CharField(
        label="Problems and needs",
        widget=_area(4),
        help_text="What the client wants help with and what the formulation says "
        "maintains it.",
        **TEXT,
    )
    approach = forms.ChoiceField(
        label="Therapeutic approach", choices=TreatmentPlanVersion.Approach.choices
    )
    goals = GoalChoiceField(
        label="Goals",
        queryset=Goal.objects.none(),
        to_field_name="uuid",
        widget=forms.CheckboxSelectMultiple,
        help_text="The goals this plan works towards (write them with the client "
        "on the goals page first).",
    )
    session_frequency = forms.ChoiceField(
        label="Session frequency", choices=TreatmentPlanVersion.Frequency.choices
    )
    frequency_note = forms.CharField(
        label="Frequency details",
        required=False,
        max_length=200,
        help_text="Required for “Other”, e.g. “twice weekly for the first month”.",
    )
    expected_sessions = forms.IntegerField(
        label="Expected number of sessions", min_value=1, max_value=100
    )
    next_review = forms.DateField(label="Next review", widget=DateInput())

    def __init__(
        self,
        *args: Any,
        episode: Episode,
        version: TreatmentPlanVersion | None = None,
        reviewing: bool = False,
        **kwargs: Any,
    ) -> None:
        if version is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "problems": version.problems,
                "approach": version.approach,
                "goals": [
                    g.uuid
                    for g in version.goals.all()
                    if g.status != Goal.Status.DROPPED
                ],
                "session_frequency": version.session_frequency,
                "frequency_note": version.frequency_note,
                "expected_sessions": version.expected_sessions,
                "next_review": version.next_review,
            }
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = episode.goals.exclude(  # type: ignore[attr-defined]  # a choice field
            status=Goal.Status.DROPPED
        )
        if reviewing:
            self.fields["reason"] = forms.CharField(
                label="Reason for the review",
                widget=_area(2),
                help_text="What changed and why. Earlier versions stay readable as "
                "they were.",
                **TEXT,
            )
            # The plan's version the editor opened (core.versioning).
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=1
            )
            if version is not None:
                self.initial.setdefault("version", version.plan.version)

    def content(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("reason", None)
        data.pop("version", None)
        data["goals"] = list(data["goals"])
        return data


class MeasuresForm(forms.Form):
    """How often to repeat each measure; one select per instrument."""

    prefix = "measure"

    def __init__(
        self, *args: Any, version: TreatmentPlanVersion | None = None, **kwargs: Any
    ) -> None:
        if version is not None and not kwargs.get("initial"):
            kwargs["initial"] = {m["code"]: m["how_often"] for m in version.measures}
        super().__init__(*args, **kwargs)
        for code, label in instrument_choices():
            self.fields[code] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[
                    ("", "Not repeated"),
                    *TreatmentPlanVersion.MeasureInterval.choices,
                ],
            )

    def measures(self) -> list[dict[str, str]]:
        return [
            {"code": code, "how_often": how_often}
            for code, how_often in self.cleaned_data.items()
            if how_often
        ]


class AcknowledgeForm(forms.Form):
    method = forms.ChoiceField(
        label="How the client acknowledged the plan",
        choices=PlanAcknowledgement.Method.choices,
        widget=forms.RadioSelect,
    )
    given_at = forms.DateTimeField(label="Acknowledged on", widget=DateTimeInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"given_at": timezone.localtime()})
        super().__init__(*args, **kwargs)


class SessionRecordForm(forms.Form):
    """The plan's part of a session record: goals addressed, techniques used and
    the client's response, reflections, ratings due, homework."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    goals_addressed = GoalChoiceField(
        label="Goals addressed",
        queryset=Goal.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    techniques = forms.MultipleChoiceField(
        label="Techniques used",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    extra_technique = forms.ChoiceField(label="Another technique", required=False)
    extra_response = forms.CharField(
        label="Client's response to it", required=False, widget=_area(2), **TEXT
    )
    reflections = forms.CharField(
        label="Client's reflections and insights",
        required=False,
        widget=_area(3),
        help_text="What the client noticed or understood, in their own words.",
        **TEXT,
    )
    homework_reviewed = forms.CharField(
        label="Homework reviewed", required=False, widget=_area(2), **TEXT
    )
    homework_assigned = forms.CharField(
        label="Homework assigned", required=False, widget=_area(2), **TEXT
    )

    def __init__(
        self,
        data: Any = None,
        *,
        goals: list[Goal],
        plan_slugs: list[str],
        uses: list[TechniqueUse],
        due_goals: list[Goal],
        record: SessionPlanRecord | None,
        addressed_ids: set[int],
        version: int | None = None,
    ) -> None:
        used = {u.slug: u for u in uses if u.used}
        initial: dict[str, Any] = {
            "version": version or (record.version if record else 1),
            "goals_addressed": [g.uuid for g in goals if g.pk in addressed_ids],
            "techniques": list(used),
        }
        if record is not None:
            initial.update(
                reflections=record.reflections,
                homework_reviewed=record.homework_reviewed,
                homework_assigned=record.homework_assigned,
            )
        if data is not None and version is not None:
            # After a conflict the form carries the editor's text over the version
            # now stored, so saving again is a deliberate overwrite.
            data = data.copy()
            data["version"] = str(version)
        super().__init__(data, initial=initial)
        self.goal_ids = {g.uuid: g for g in goals}
        self.fields["goals_addressed"].queryset = Goal.objects.filter(  # type: ignore[attr-defined]  # a choice field
            pk__in=[g.pk for g in goals]
        )
        # The plan's interventions first, then any other technique already used.
        offered = list(dict.fromkeys([*plan_slugs, *used]))
        self.offered = [(slug, _technique_name(slug)) for slug in offered]
        self.fields["techniques"].choices = self.offered  # type: ignore[attr-defined]  # a choice field
        for slug, name in self.offered:
            self.fields[f"response__{slug}"] = forms.CharField(
                label=f"Client's response to {name}",
                required=False,
                widget=_area(2),
                initial=used[slug].client_response if slug in used else "",
                **TEXT,
            )
        self.fields["extra_technique"].choices = [  # type: ignore[attr-defined]  # a choice field
            ("", "None"),
            *(
                (t.slug, f"{t.name} ({t.approach_label})")
                for t in all_techniques()
                if t.slug not in offered
            ),
        ]
        self.due_goals = due_goals
        for goal in due_goals:
            self.fields[f"rating__{goal.uuid}"] = forms.TypedChoiceField(
                label=goal.statement,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[
                    ("", "Not rated this session"),
                    *(
                        (level, f"{shown}: {text}")
                        for level, shown, _, text in reversed(goal.levels())
                    ),
                ],
            )

    def technique_rows(self) -> list[tuple[Any, Any]]:
        """(checkbox, response field) per technique offered."""
        boxes = list(self["techniques"])
        return [
            (box, self[f"response__{slug}"])
            for box, (slug, _) in zip(boxes, self.offered, strict=True)
        ]

    def rating_rows(self) -> list[tuple[Goal, Any]]:
        return [(goal, self[f"rating__{goal.uuid}"]) for goal in self.due_goals]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        techniques = {slug: data[f"response__{slug}"] for slug in data["techniques"]}
        if data["extra_technique"]:
            techniques.setdefault(data["extra_technique"], data["extra_response"])
        ratings = {
            goal: data[f"rating__{goal.uuid}"]
            for goal in self.due_goals
            if data[f"rating__{goal.uuid}"] is not None
        }
        return {
            "version": data["version"],
            "goals_addressed": list(data["goals_addressed"]),
            "techniques": techniques,
            "reflections": data["reflections"],
            "homework_reviewed": data["homework_reviewed"],
            "homework_assigned": data["homework_assigned"],
            "ratings": ratings,
        }


def _technique_name(slug: str) -> str:
    try:
        return get_technique(slug).name
    except KeyError:
        return slug


def technique_groups(
    query: str = "", selected: Iterable[str] = ()
) -> list[tuple[str, list[tuple[Any, bool]]]]:
    """Techniques for the plan's picker, grouped by approach: those matching the
    search, plus those already ticked (so a search never drops a choice)."""
    chosen = set(selected)
    matching = {t.slug for t in search(query[:100])}
    groups: dict[str, list[tuple[Any, bool]]] = {}
    for technique in all_techniques():
        if technique.slug in matching or technique.slug in chosen:
            groups.setdefault(technique.approach, []).append(
                (technique, technique.slug in chosen)
            )
    return [(APPROACHES[key], groups[key]) for key in APPROACHES if key in groups]
