from __future__ import annotations

from typing import Any

from django import forms
from django.utils.http import urlencode

from alliance.accounts.models import User
from alliance.core.widgets import DateInput
from alliance.measures.engine import Instrument, Item
from alliance.measures.models import Administration, MeasureSchedule
from alliance.measures.selectors import instrument_choices
from alliance.measures.services import MAX_TEXT_ANSWER, MAX_WEEKS


class ScheduleForm(forms.Form):
    instrument = forms.ChoiceField(label="Measure")
    when = forms.ChoiceField(label="When", choices=MeasureSchedule.When.choices)
    every_n_weeks = forms.IntegerField(
        label="Weeks apart",
        required=False,
        min_value=1,
        max_value=MAX_WEEKS,
        help_text="Only for “every few weeks”.",
    )
    share_with_client = forms.BooleanField(
        label="Show the client their scores in the portal", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = instrument_choices()  # type: ignore[attr-defined]  # a choice field

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("when") == MeasureSchedule.When.EVERY_N_WEEKS and not data.get(
            "every_n_weeks"
        ):
            self.add_error(
                "every_n_weeks", "Say how many weeks apart the measure is given."
            )
        return data


class StartForm(forms.Form):
    instrument = forms.ChoiceField(label="Measure")
    mode = forms.ChoiceField(
        choices=[
            (Administration.Mode.CLINICIAN, "Enter answers"),
            (Administration.Mode.KIOSK, "Start kiosk"),
        ]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = instrument_choices()  # type: ignore[attr-defined]  # a choice field


class AnswerForm(forms.Form):
    """One item's answer as posted from a one-item screen, and where to go next.
    The answer is checked by the instrument (services.save_answers), so an
    out-of-range value gets the instrument's own message."""

    GO = ("next", "back", "stay", "review")

    answer = forms.CharField(required=False, max_length=MAX_TEXT_ANSWER, strip=True)
    go = forms.ChoiceField(required=False, choices=[(g, g) for g in GO], initial="next")

    def __init__(self, data: Any = None, *, item: Item, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.item = item
        self.fields["answer"].error_messages["max_length"] = (
            f"Keep the answer under {MAX_TEXT_ANSWER:,} characters."
        )

    def answer_value(self) -> Any:
        """The answer as the instrument expects it: a number for choice items."""
        raw = self.cleaned_data.get("answer", "")
        if raw == "":
            return None
        if self.item.kind == "text":
            return raw
        try:
            return int(raw)
        except ValueError:
            return raw

    def direction(self) -> str:
        return self.cleaned_data.get("go") or "next"


def item_label(item: Item) -> str:
    return item.text or f"Item {item.number}"


class CorrectionForm(forms.Form):
    """All items of a submitted administration on one page, with the reason."""

    def __init__(
        self,
        data: Any = None,
        *,
        instrument: Instrument,
        original: Administration,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, initial=original.answer_dict(), **kwargs)
        self.instrument = instrument
        for item in instrument.items:
            if item.kind == "text":
                self.fields[item.key] = forms.CharField(
                    label=f"{item.number}. {item_label(item)}",
                    required=item.required,
                    max_length=MAX_TEXT_ANSWER,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            else:
                self.fields[item.key] = forms.TypedChoiceField(
                    label=f"{item.number}. {item_label(item)}",
                    choices=[(o.value, o.label) for o in item.options],
                    coerce=int,
                    required=item.required,
                    widget=forms.RadioSelect,
                    error_messages={
                        "invalid_choice": "Choose one of the answers listed.",
                        "required": "Choose an answer.",
                    },
                )
        self.fields["reason"] = forms.CharField(
            label="Reason for the correction",
            max_length=MAX_TEXT_ANSWER,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="For example: an answer was typed in wrongly from the paper "
            "form. The original answers stay on the record.",
        )

    def answers(self) -> dict[str, Any]:
        return {
            item.key: self.cleaned_data[item.key]
            for item in self.instrument.items
            if self.cleaned_data.get(item.key) not in (None, "")
        }


class KioskExitForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="For the clinician: enter your password to unlock this device.",
    )


# Practice outcomes: the period and clinician filter.
OUTCOME_YEARS = (2000, 2100)


def check_period(form: forms.Form, data: dict[str, Any]) -> None:
    """Add errors to ``form`` for a period (``since`` to ``until``, dates)
    outside the years we count or ending before it starts. The outcomes page,
    the practice reports and the audit log check periods with it."""
    first, last = OUTCOME_YEARS
    for name in ("since", "until"):
        day = data.get(name)
        if day and not first <= day.year <= last:
            form.add_error(name, f"Choose a date between {first} and {last}.")
    since, until = data.get("since"), data.get("until")
    if since and until and since > until:
        form.add_error("until", "The end of the period is before its start.")


class OutcomesFilterForm(forms.Form):
    since = forms.DateField(
        label="From",
        required=False,
        widget=DateInput(),
        help_text="Leave both dates empty for all time.",
    )
    until = forms.DateField(label="To", required=False, widget=DateInput())
    clinician = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "Choose a clinician from the list."},
    )

    def __init__(self, data: Any, *, clinicians: list[User] | None) -> None:
        super().__init__(data)
        if clinicians is None:
            del self.fields["clinician"]
            self.clinicians: dict[str, User] = {}
        else:
            self.clinicians = {str(c.uuid): c for c in clinicians}
            self.fields["clinician"].choices = [  # type: ignore[attr-defined]
                ("", "Every clinician"),
                *((key, c.full_name) for key, c in self.clinicians.items()),
            ]

    def clean_clinician(self) -> User | None:
        return self.clinicians.get(self.cleaned_data.get("clinician") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_period(self, data)
        return data

    def filters(self) -> dict[str, str]:
        """The cleaned filter as text: ISO dates and the clinician's UUID."""
        data = self.cleaned_data
        clinician = data.get("clinician")
        return {
            "since": data["since"].isoformat() if data.get("since") else "",
            "until": data["until"].isoformat() if data.get("until") else "",
            "clinician": str(clinician.uuid) if clinician else "",
        }

    def query(self) -> str:
        """The cleaned filter as a query string, for the CSV link."""
        return urlencode({k: v for k, v in self.filters().items() if v})
