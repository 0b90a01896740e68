from __future__ import annotations

from django import forms


class PreferencesForm(forms.Form):
    appointments = forms.BooleanField(
        required=False,
        label="Appointments",
        help_text="The day and time of an appointment in the next day and a half.",
    )
    homework = forms.BooleanField(
        required=False,
        label="Homework",
        help_text="How many homework tasks are due today or tomorrow (only "
        "homework you asked to be reminded of).",
    )
    questionnaires = forms.BooleanField(
        required=False,
        label="Questionnaires and check-ins",
        help_text="How many questionnaires and follow-up check-ins are waiting "
        "for you.",
    )
