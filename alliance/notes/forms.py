from __future__ import annotations

from typing import Any

from django import forms

from alliance.notes.models import ProcessNote, ProgressNote
from alliance.notes.services import DRAFT_FIELDS, MAX_TEXT


class StartSessionForm(forms.Form):
    structure = forms.ChoiceField(
        label="Progress note structure",
        choices=ProgressNote.Structure.choices,
        initial=ProgressNote.Structure.SOAP,
    )


class NoteForm(forms.Form):
    """A draft progress note: the structure's sections, the risk check, and the
    version the editor loaded (the optimistic lock)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, data: Any = None, *, note: ProgressNote, **kwargs: Any) -> None:
        initial = {name: getattr(note, name) for name in note.section_fields()}
        initial.update(
            risk_level=note.risk_level,
            risk_notes=note.risk_notes,
            version=note.version,
        )
        super().__init__(data, initial=initial, **kwargs)
        self.note = note
        # Drafts may be incomplete; completeness is checked when signing.
        for name, label, prompt, _ in note.sections():
            self.fields[name] = forms.CharField(
                label=label,
                help_text=prompt,
                required=False,
                max_length=MAX_TEXT,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
        self.fields["risk_level"] = forms.ChoiceField(
            label="Risk check",
            choices=[("", "Not yet recorded"), *ProgressNote.RiskLevel.choices],
            required=False,
            help_text="Your judgement of risk to self or others after this session. "
            "Any level above none raises a risk alert when the note is signed.",
        )
        self.fields["risk_notes"] = forms.CharField(
            label="Risk details",
            required=False,
            max_length=MAX_TEXT,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="What the risk is and what was agreed, e.g. safety plan "
            "reviewed. Required when a risk is identified.",
        )
        # Keep the version field last so fields render in writing order.
        self.fields["version"] = self.fields.pop("version")

    def draft_fields(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name]
            for name in DRAFT_FIELDS
            if name in self.fields
        }

    @staticmethod
    def carries_text(data: Any) -> bool:
        """True when a POST includes any part of the note (not just a version)."""
        return any(name in data for name in DRAFT_FIELDS)


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A correction or later information. It is added below the signed "
        "note with your name and the time; the note itself does not change.",
    )


class ProcessNoteForm(forms.Form):
    text = forms.CharField(
        label="Process notes",
        required=False,
        max_length=MAX_TEXT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Your private working notes: only you can ever read them.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self, data: Any = None, *, process_note: ProcessNote, **kwargs: Any
    ) -> None:
        super().__init__(
            data,
            initial={"text": process_note.text, "version": process_note.version},
            **kwargs,
        )
