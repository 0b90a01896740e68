from __future__ import annotations

from typing import Any
from uuid import uuid4

from django import forms

from alliance.core.widgets import DateInput
from alliance.techniques.library import APPROACHES, all_techniques
from alliance.toolbox.models import HELPFULNESS_MAX
from alliance.toolbox.services import (
    MAX_GUIDED_MINUTES,
    MAX_NOTES,
    MAX_PRACTICE_NOTE,
    MAX_TITLE,
)


def library_choices() -> list[Any]:
    """The library's techniques grouped by approach, for a <select>."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for technique in all_techniques():
        groups.setdefault(technique.approach, []).append(
            (technique.slug, technique.name)
        )
    return [("", "Choose a technique")] + [
        (APPROACHES[approach], options) for approach, options in groups.items()
    ]


class LibrarySkillForm(forms.Form):
    technique = forms.ChoiceField(label="Skill from the technique library")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Distinct ids: the form sits on the chart next to other forms.
        kwargs.setdefault("auto_id", "id_toolbox_library_%s")
        super().__init__(*args, **kwargs)
        self.fields["technique"].choices = library_choices()  # type: ignore[attr-defined]  # a choice field


class OwnSkillForm(forms.Form):
    title = forms.CharField(
        label="Name of the skill",
        max_length=MAX_TITLE,
        help_text="A few words, such as “Call my sister” or “Walk round the block”.",
    )
    notes = forms.CharField(
        label="How and when it helps",
        max_length=MAX_NOTES,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_toolbox_own_%s")
        super().__init__(*args, **kwargs)


class NotesForm(forms.Form):
    notes = forms.CharField(
        label="How and when it helps me",
        max_length=MAX_NOTES,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="In your own words: what you do, when it helps, what to watch for.",
    )
    # The version the editor opened (core.versioning).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PracticeForm(forms.Form):
    practised_on = forms.DateField(label="Day I practised", widget=DateInput())
    helpfulness = forms.IntegerField(
        label=f"How much did it help? (0 = not at all, {HELPFULNESS_MAX} = a great deal)",
        min_value=0,
        max_value=HELPFULNESS_MAX,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    note = forms.CharField(
        label="Anything to remember (optional)",
        max_length=MAX_PRACTICE_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # A fresh key per form shown: sending the same form twice logs it once.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_practice_%s")
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid4())


GUIDED_CHOICES = (
    ("breathing", "Paced breathing"),
    ("body_scan", "Body scan"),
    ("grounding", "5-4-3-2-1 grounding"),
)


class GuidedLogForm(forms.Form):
    """Log a guided exercise to the toolbox. The ids ``id_method`` and
    ``id_minutes`` are the ones static/js/homework-relaxation.js fills when
    the client stops an exercise; without JavaScript they fill them in."""

    method = forms.ChoiceField(label="Exercise", choices=GUIDED_CHOICES)
    minutes = forms.IntegerField(
        label="Minutes",
        min_value=1,
        max_value=MAX_GUIDED_MINUTES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    helpfulness = forms.IntegerField(
        label=f"How much did it help? (0 = not at all, {HELPFULNESS_MAX} = a great deal)",
        min_value=0,
        max_value=HELPFULNESS_MAX,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid4())
