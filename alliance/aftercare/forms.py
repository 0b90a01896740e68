from __future__ import annotations

from typing import Any

from django import forms

from alliance.aftercare.models import (
    CONTACT_QUESTION,
    NOTE_MAX,
    PLAN_QUESTION,
    WELLBEING_MAX,
    WELLBEING_MIN,
    WELLBEING_QUESTION,
    UsingPlan,
)
from alliance.aftercare.services import RESPONSE_MAX

WELLBEING_CHOICES = [(n, str(n)) for n in range(WELLBEING_MIN, WELLBEING_MAX + 1)]
YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes(value: str) -> bool:
    return value == "yes"


class FollowUpForm(forms.Form):
    """The four questions of a follow-up check-in."""

    wellbeing = forms.TypedChoiceField(
        label=WELLBEING_QUESTION,
        choices=WELLBEING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=f"{WELLBEING_MIN} is very badly, {WELLBEING_MAX} very well.",
        error_messages={
            "required": "Choose a number for how things have been.",
            "invalid_choice": f"Choose a number from {WELLBEING_MIN} to "
            f"{WELLBEING_MAX}.",
        },
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
    using_plan = forms.ChoiceField(
        label=PLAN_QUESTION,
        choices=UsingPlan.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether you have been using your plan or skills.",
            "invalid_choice": "Choose yes, sometimes or no.",
        },
    )
    wants_contact = forms.TypedChoiceField(
        label=CONTACT_QUESTION,
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
        help_text="If you say yes, your clinician is asked to get in touch about "
        "a booster session.",
        error_messages={
            "required": "Say whether you would like to talk to your clinician.",
            "invalid_choice": "Choose yes or no.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_followup_%s")
        super().__init__(*args, **kwargs)


class BoosterForm(forms.Form):
    note = forms.CharField(
        label="Anything you would like your clinician to know? (optional)",
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"Keep the note to {NOTE_MAX} characters or fewer."
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_booster_%s")
        super().__init__(*args, **kwargs)


class RespondForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("reopen", "Re-open treatment"),
            ("new_episode", "Start a new episode linked to the last"),
            ("decline", "Decline or arrange otherwise"),
        ],
        error_messages={
            "required": "Choose what to do about the booster session.",
            "invalid_choice": "Choose what to do about the booster session.",
        },
    )
    response = forms.CharField(
        max_length=RESPONSE_MAX,
        error_messages={
            "required": "Write what you decided or arranged.",
            "max_length": f"Keep it to {RESPONSE_MAX} characters or fewer.",
        },
    )
