"""The browser's own date and date-time pickers, one widget each, used by every
form. Values are written in the ISO forms the ``date`` and ``datetime-local``
inputs require, whatever the language; the forms read typed times in the
practice's time zone (their views run inside ``timezone.override``)."""

from __future__ import annotations

from typing import Any

from django import forms

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
# What a date-time field accepts: the picker's value, or a date and time typed
# with a space (older browsers show a plain text box).
DATETIME_INPUT_FORMATS = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", DATE_FORMAT)
        super().__init__(**kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", DATETIME_FORMAT)
        super().__init__(**kwargs)
