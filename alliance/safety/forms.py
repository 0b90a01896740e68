from __future__ import annotations

from typing import Any

from django import forms

from alliance.safety.models import SECTIONS, SafetyPlanVersion
from alliance.safety.services import MAX_TEXT


class SafetyPlanForm(forms.Form):
    """Every section of the plan, pre-filled from the current version, and the
    version number it was opened from (so a concurrent save is not overwritten)."""

    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self, data: Any = None, *, current: SafetyPlanVersion | None, **kwargs: Any
    ) -> None:
        initial: dict[str, Any] = {"based_on": current.number if current else 0}
        if current is not None:
            initial.update({name: getattr(current, name) for name, _, _ in SECTIONS})
        super().__init__(data, initial=initial, **kwargs)
        for name, heading, prompt in SECTIONS:
            self.fields[name] = forms.CharField(
                label=heading,
                help_text=f"{prompt} One item a line.",
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        if current is not None:
            self.fields["reason"] = forms.CharField(
                label="Why are you revising the plan?",
                help_text="For example: reviewed after a risk alert, new contact added.",
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
