from __future__ import annotations

from typing import Any

from django import forms

from alliance.core.widgets import DateInput
from alliance.homework.models import WEEKDAY_NAMES, HomeworkAssignment
from alliance.homework.services import MAX_TEXT, MAX_TITLE
from alliance.homework.templates_catalog import template_choices
from alliance.techniques.library import all_techniques


class AssignForm(forms.Form):
    template = forms.ChoiceField(label="Template", choices=template_choices)
    title = forms.CharField(
        label="Title",
        max_length=MAX_TITLE,
        required=False,
        help_text="Leave blank to use the template's name.",
    )
    instructions = forms.CharField(
        label="Instructions for the client",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="In plain words: what to do, when, and why it helps.",
    )
    technique = forms.ChoiceField(label="Technique (optional)", required=False)
    recurrence = forms.ChoiceField(
        label="How often", choices=HomeworkAssignment.Recurrence.choices
    )
    due_date = forms.DateField(
        label="Due date",
        required=False,
        widget=DateInput(),
        help_text="For homework done once.",
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Days of the week",
        required=False,
        coerce=int,
        choices=list(enumerate(WEEKDAY_NAMES)),
        widget=forms.CheckboxSelectMultiple,
        help_text="For homework on given days.",
    )
    reminder = forms.BooleanField(
        label="The client would like a reminder", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Distinct ids: the form sits on the chart next to other forms.
        kwargs.setdefault("auto_id", "id_assign_%s")
        super().__init__(*args, **kwargs)
        self.fields["technique"].choices = [("", "None")] + [  # type: ignore[attr-defined]  # a choice field
            (t.slug, t.name) for t in all_techniques()
        ]


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="Your comment for the client",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
