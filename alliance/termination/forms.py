from __future__ import annotations

from typing import Any

from django import forms

from alliance.clients.models import Client, DischargeReason
from alliance.termination.models import (
    CLIENT_SECTIONS,
    PLAN_SECTIONS,
    SUMMARY_SECTIONS,
    Ending,
    ReadinessReview,
    RelapsePreventionPlanVersion,
    TerminationSummary,
)
from alliance.termination.services import MAX_TEXT
from alliance.toolbox.models import CopingSkill

READY_CHOICES = [("", "Not decided yet"), ("yes", "Yes"), ("no", "No")]


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    judgement = forms.CharField(
        label="Your clinical judgement",
        help_text="Is the client ready to end? What supports that, and what gives "
        "you pause?",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    ending = forms.ChoiceField(
        label="Kind of ending",
        choices=[("", "Not decided yet"), *Ending.choices],
        required=False,
    )
    ending_reason = forms.ChoiceField(
        label="Reason",
        help_text="Required for an unplanned ending (for example the client "
        "dropped out, moved or was referred on).",
        choices=[("", "—"), *DischargeReason.choices],
        required=False,
    )
    ready_to_end = forms.ChoiceField(
        label="Is the client ready to end?", choices=READY_CHOICES, required=False
    )

    def __init__(self, data: Any = None, *, review: ReadinessReview) -> None:
        ready = {True: "yes", False: "no", None: ""}[review.ready_to_end]
        super().__init__(
            data,
            initial={
                "version": review.version,
                "judgement": review.judgement,
                "ending": review.ending,
                "ending_reason": review.ending_reason,
                "ready_to_end": ready,
            },
        )

    def review_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "judgement": data["judgement"],
            "ending": data["ending"],
            "ending_reason": data["ending_reason"],
            "ready_to_end": {"yes": True, "no": False}.get(data["ready_to_end"]),
        }


class SummaryForm(forms.Form):
    """Both versions of the summary and the version number it was opened at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, data: Any = None, *, summary: TerminationSummary) -> None:
        initial: dict[str, Any] = {"version": summary.version}
        sections = (*SUMMARY_SECTIONS, *CLIENT_SECTIONS)
        initial.update({name: getattr(summary, name) for name, _, _ in sections})
        super().__init__(data, initial=initial)
        for name, heading, prompt in sections:
            self.fields[name] = forms.CharField(
                label=heading,
                help_text=prompt,
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 5}),
            )

    def clinician_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _, _ in SUMMARY_SECTIONS]

    def client_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _, _ in CLIENT_SECTIONS]

    def sections(self) -> dict[str, str]:
        names = [name for name, _, _ in (*SUMMARY_SECTIONS, *CLIENT_SECTIONS)]
        return {name: self.cleaned_data[name] for name in names}


class RelapsePlanForm(forms.Form):
    """Every section, the skills from the client's toolbox, and the version the
    editor was opened from (so a concurrent save is not overwritten)."""

    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self,
        data: Any = None,
        *,
        client: Client,
        current: RelapsePreventionPlanVersion | None,
        prefill: dict[str, str],
    ) -> None:
        initial: dict[str, Any] = {"based_on": current.number if current else 0}
        if current is not None:
            initial.update(
                {name: getattr(current, name) for name, _, _ in PLAN_SECTIONS}
            )
            initial["skills"] = list(current.skills.values_list("pk", flat=True))
        else:
            initial.update(prefill)
        super().__init__(data, initial=initial)
        for name, heading, prompt in PLAN_SECTIONS:
            self.fields[name] = forms.CharField(
                label=heading,
                help_text=f"{prompt} One item a line.",
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            if name == "coping_strategies":
                self.fields["skills"] = forms.ModelMultipleChoiceField(
                    label="Skills from the client's coping toolbox",
                    help_text="Tick the skills that helped; they are listed in the "
                    "plan with a link to the toolbox.",
                    queryset=CopingSkill.objects.current().filter(client=client),
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
        if current is not None:
            self.fields["reason"] = forms.CharField(
                label="Why are you revising the plan?",
                help_text="For example: reviewed at the last session, new support added.",
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
