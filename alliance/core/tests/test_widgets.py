"""The shared date and date-time pickers write the ISO values browsers need."""

from __future__ import annotations

from datetime import date, datetime

from django import forms

from alliance.core.widgets import DATETIME_INPUT_FORMATS, DateInput, DateTimeInput


class Form(forms.Form):
    day = forms.DateField(widget=DateInput())
    at = forms.DateTimeField(
        widget=DateTimeInput(), input_formats=DATETIME_INPUT_FORMATS
    )


def test_they_render_the_browser_pickers_with_iso_values():
    form = Form(initial={"day": date(2026, 3, 9), "at": datetime(2026, 3, 9, 14, 5)})
    assert 'type="date"' in str(form["day"]) and 'value="2026-03-09"' in str(
        form["day"]
    )
    assert 'type="datetime-local"' in str(form["at"])
    assert 'value="2026-03-09T14:05"' in str(form["at"])


def test_typed_values_are_read_back():
    form = Form({"day": "2026-03-09", "at": "2026-03-09 14:05"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == date(2026, 3, 9)
    assert form.cleaned_data["at"].hour == 14
