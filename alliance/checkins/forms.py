from __future__ import annotations

from typing import Any

from django import forms

from alliance.checkins.models import (
    FEELINGS,
    MOOD_MAX,
    MOOD_MIN,
    NOTE_MAX,
    SAFETY_QUESTION,
)

MOOD_CHOICES = [(n, str(n)) for n in range(MOOD_MIN, MOOD_MAX + 1)]
YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes(value: str) -> bool:
    return value == "yes"


class CheckInForm(forms.Form):
    mood = forms.TypedChoiceField(
        label="How has your mood been today?",
        choices=MOOD_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=f"{MOOD_MIN} is the worst it could be, {MOOD_MAX} the best.",
        error_messages={
            "required": "Choose a number for your mood.",
            "invalid_choice": "Choose your mood from 0 (the worst) to 10 (the best).",
        },
    )
    feelings = forms.MultipleChoiceField(
        label="Any of these feelings? (optional)",
        choices=FEELINGS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose feelings from the list."},
    )
    note = forms.CharField(
        label="Anything you would like to add? (optional)",
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Up to {NOTE_MAX} characters. Your clinician reads this.",
        error_messages={
            "max_length": f"Keep the note to {NOTE_MAX} characters or fewer."
        },
    )
    safety_concern = forms.TypedChoiceField(
        label=SAFETY_QUESTION,
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please answer the question about thoughts of harming "
            "yourself.",
            "invalid_choice": "Please answer yes or no.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_checkin_%s")
        super().__init__(*args, **kwargs)
