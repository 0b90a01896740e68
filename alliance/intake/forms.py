from __future__ import annotations

import re
from typing import Any

from django import forms

from alliance.intake.models import (
    CHOICE_FIELDS,
    CONTACT_FIELDS,
    SECTION_FIELDS,
    IntakeSection,
    ProvisionalDiagnosis,
)
from alliance.intake.services import (
    MAX_ANSWER,
    MAX_CODE,
    MAX_DESCRIPTION,
    MAX_DIAGNOSES,
    MAX_TEXT,
)

_ROW = re.compile(r"^dx-(\d+)-")
DX_PARTS = ("description", "code_system", "code")


class SectionForm(forms.Form):
    """One intake section: its own fields and the version the editor loaded (the
    optimistic lock). ``prefill`` supplies initial text for an empty section."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self,
        data: Any = None,
        *,
        section: IntakeSection,
        prefill: dict[str, str] | None = None,
        rows: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.section = section
        key = section.key
        initial: dict[str, Any] = {"version": section.version}
        for name, _, _ in SECTION_FIELDS[key]:
            initial[name] = getattr(section, name)
        initial.update(prefill or {})
        diagnoses: list[ProvisionalDiagnosis] = []
        if key == IntakeSection.Key.DIAGNOSES:
            diagnoses = list(section.intake.diagnoses.all())
            for i, dx in enumerate(diagnoses):
                for part in DX_PARTS:
                    initial[f"dx-{i}-{part}"] = getattr(dx, part)
        kwargs.setdefault("auto_id", f"id_{key}_%s")
        super().__init__(data, initial=initial, **kwargs)
        for name, label, prompt in SECTION_FIELDS[key]:
            if name == "risk_level":
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    help_text=prompt,
                    choices=[("", "Choose…"), *IntakeSection.RiskLevel.choices],
                    error_messages={
                        "required": "Record your judgement of current risk: low, "
                        "moderate or high."
                    },
                )
            elif name in CHOICE_FIELDS:
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    help_text=prompt,
                    choices=[("", "Choose…"), *IntakeSection.Answer.choices],
                    error_messages={"required": "Answer yes, no or unsure."},
                )
            else:
                self.fields[name] = forms.CharField(
                    label=label,
                    help_text=prompt,
                    required=False,
                    max_length=MAX_TEXT,
                    strip=False,
                    widget=forms.Textarea(attrs={"rows": 5}),
                )
        if key == IntakeSection.Key.DIAGNOSES:
            if rows is None:
                rows = (
                    self._posted_rows(data) if data is not None else len(diagnoses) + 2
                )
            self.row_count = max(1, min(rows, MAX_DIAGNOSES))
            for i in range(self.row_count):
                self.fields[f"dx-{i}-description"] = forms.CharField(
                    label="Diagnosis, in your words",
                    required=False,
                    max_length=MAX_DESCRIPTION,
                )
                self.fields[f"dx-{i}-code_system"] = forms.ChoiceField(
                    label="Code system",
                    required=False,
                    choices=ProvisionalDiagnosis.CodeSystem.choices,
                )
                self.fields[f"dx-{i}-code"] = forms.CharField(
                    label="Code",
                    required=False,
                    max_length=MAX_CODE,
                    help_text="For example F32.1 (ICD-10-CM) or 6A70.1 (ICD-11).",
                )
        # Keep the version last so fields render in writing order.
        self.fields["version"] = self.fields.pop("version")

    @staticmethod
    def _posted_rows(data: Any) -> int:
        indices = [int(m.group(1)) for k in data if (m := _ROW.match(k))]
        return max(indices, default=-1) + 1

    def diagnosis_rows(self) -> list[tuple[int, list[forms.BoundField]]]:
        """(row number from 1, [description, code system, code]) for the template."""
        if self.section.key != IntakeSection.Key.DIAGNOSES:
            return []
        return [
            (i + 1, [self[f"dx-{i}-{part}"] for part in DX_PARTS])
            for i in range(self.row_count)
        ]

    def section_fields(self) -> dict[str, Any]:
        """What to pass to services.save_section."""
        values: dict[str, Any] = {
            name: self.cleaned_data[name]
            for name, _, _ in SECTION_FIELDS[self.section.key]
        }
        if self.section.key == IntakeSection.Key.DIAGNOSES:
            values["diagnoses"] = [
                {part: self.cleaned_data[f"dx-{i}-{part}"] for part in DX_PARTS}
                for i in range(self.row_count)
            ]
        return values

    def posted_text(self) -> list[tuple[str, str]]:
        """(label, text) of what the editor typed, to keep it visible when a
        save is refused."""
        if not self.is_bound:
            return []
        typed = []
        for name, label, _ in SECTION_FIELDS[self.section.key]:
            value = self.data.get(name, "")
            if name not in CHOICE_FIELDS and value.strip():
                typed.append((label, value))
        for i in range(getattr(self, "row_count", 0)):
            value = self.data.get(f"dx-{i}-description", "")
            code = self.data.get(f"dx-{i}-code", "")
            if value.strip() or code.strip():
                typed.append((f"Diagnosis {i + 1}", f"{value} {code}".strip()))
        return typed


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A correction or later information. It is added below the "
        "completed intake with your name and the date; the intake itself does "
        "not change.",
    )


class PreIntakeForm(forms.Form):
    """The client's questionnaire. Contact fields start empty: a public link
    never shows what the practice holds."""

    email = forms.EmailField(label="Email", required=False, max_length=254)
    phone = forms.CharField(label="Phone", required=False, max_length=40)
    address = forms.CharField(
        label="Address",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    emergency_contact_name = forms.CharField(
        label="Emergency contact: name", required=False, max_length=200
    )
    emergency_contact_relationship = forms.CharField(
        label="Emergency contact: how they are related to you",
        required=False,
        max_length=100,
    )
    emergency_contact_phone = forms.CharField(
        label="Emergency contact: phone", required=False, max_length=40
    )
    contact_unchanged = forms.BooleanField(
        label="My contact details have not changed since I gave them to the practice",
        required=False,
    )
    what_brings_you = forms.CharField(
        label="What brings you to therapy now?",
        max_length=MAX_ANSWER,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In your own words. Write as much or as little as you like.",
        error_messages={
            "required": "Tell us a little about what brings you to therapy."
        },
    )
    hopes = forms.CharField(
        label="What do you hope to get from therapy?",
        required=False,
        max_length=MAX_ANSWER,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    prior_therapy = forms.CharField(
        label="Have you had therapy, counselling or psychiatric care before?",
        required=False,
        max_length=MAX_ANSWER,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="When, what kind, and what helped or did not.",
    )
    current_supports = forms.CharField(
        label="Who or what supports you at the moment?",
        required=False,
        max_length=MAX_ANSWER,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="People, groups, activities, anything that helps you cope.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        autocomplete = {
            "email": "email",
            "phone": "tel",
            "emergency_contact_phone": "off",
        }
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        entered = any(data.get(name) for name, _ in CONTACT_FIELDS)
        if not entered and not data.get("contact_unchanged"):
            raise forms.ValidationError(
                "Enter your current contact details, or tick “My contact details "
                "have not changed”."
            )
        return data

    def contact_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _ in CONTACT_FIELDS]

    def question_fields(self) -> list[forms.BoundField]:
        names = ("what_brings_you", "hopes", "prior_therapy", "current_supports")
        return [self[name] for name in names]


class ContactReviewForm(forms.Form):
    """Which of the client's proposed contact details to copy to their record."""

    fields_to_accept = forms.MultipleChoiceField(
        label="Details to update",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Sent by the button pressed: "Update the ticked details" or "Keep".
    action = forms.ChoiceField(choices=[("accept", "Update"), ("keep", "Keep")])

    def __init__(
        self, data: Any = None, *, proposals: list[tuple[str, str, str, str]], **kw: Any
    ) -> None:
        super().__init__(data, **kw)
        self.fields["fields_to_accept"].choices = [  # type: ignore[attr-defined]  # a choice field
            (name, label) for name, label, _, _ in proposals
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        chosen = data.get("fields_to_accept") or []
        if data.get("action") == "accept" and not chosen:
            raise forms.ValidationError(
                "Tick the details to update, or choose “Keep the details on file”."
            )
        if data.get("action") == "keep":
            data["fields_to_accept"] = []
        return data
