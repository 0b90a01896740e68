"""Forms for booking and changing appointments. Times typed into them are read
in the practice's time zone: the views run inside ``timezone.override``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from alliance.accounts.models import User
from alliance.clients.models import Client, Episode
from alliance.core.widgets import DATETIME_INPUT_FORMATS, DateInput, DateTimeInput
from alliance.scheduling import recurrence
from alliance.scheduling.models import Appointment, purpose_choices
from alliance.scheduling.services import MAX_MINUTES, MIN_MINUTES


class ClientChoiceField(forms.ModelChoiceField):
    # A practice admin books for every clinician, so sees whose client it is.
    show_clinician = False

    def label_from_instance(self, obj: Client) -> str:
        if self.show_clinician:
            return f"{obj.display_name} ({obj.clinician})"
        return obj.display_name


class AppointmentDetailsForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="Date and time",
        widget=DateTimeInput(),
        input_formats=DATETIME_INPUT_FORMATS,
        help_text="In the practice's time zone.",
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        min_value=MIN_MINUTES,
        max_value=MAX_MINUTES,
        initial=50,
    )
    modality = forms.ChoiceField(
        label="How you will meet",
        choices=Appointment.Modality.choices,
        initial=Appointment.Modality.IN_PERSON,
    )
    location = forms.CharField(
        max_length=200,
        required=False,
        help_text="A room for an in-person session, or where to join for video or "
        "phone. Only an in-person location appears in your calendar feed, so do "
        "not write client details here.",
    )


PURPOSE_HELP = (
    "Only treatment appointments count as treatment sessions in the practice's "
    "outcomes."
)


class BookAppointmentForm(AppointmentDetailsForm):
    client = ClientChoiceField(
        queryset=Client.objects.none(), to_field_name="uuid", label="Client"
    )
    clinician = forms.ModelChoiceField(
        queryset=User.objects.none(), to_field_name="uuid", label="Clinician"
    )

    purpose = forms.ChoiceField(
        label="Purpose",
        required=False,
        help_text="Left on the first choice, the client's first appointment in "
        "this episode is an assessment and later ones are treatment. " + PURPOSE_HELP,
        error_messages={"invalid_choice": "Choose a purpose from the list."},
    )

    field_order = ["client", "clinician", "purpose"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [  # type: ignore[attr-defined]
            ("", "Assessment if first, otherwise treatment"),
            *purpose_choices(user.practice),
        ]
        with_open_episode = Episode.objects.open().values("client_id")
        if user.is_practice_admin:
            clients = Client.objects.filter(practice_id=user.practice_id)  # type: ignore[misc]  # None: IS NULL, as at run time
            self.fields["client"].show_clinician = True  # type: ignore[attr-defined]  # the client field is a ModelChoiceField subclass
            self.fields["clinician"].queryset = User.objects.clinicians().filter(  # type: ignore[attr-defined,misc]  # a choice field; None: IS NULL
                practice_id=user.practice_id
            )
        else:
            # Clinicians book their own clients on their own calendar; a
            # supervisor reads supervisees' calendars but does not book on them.
            clients = Client.objects.in_caseload_of(user).filter(clinician=user)
            del self.fields["clinician"]
        self.fields["client"].queryset = clients.filter(  # type: ignore[attr-defined]  # a choice field
            pk__in=with_open_episode
        ).select_related("clinician")


class RescheduleForm(AppointmentDetailsForm):
    # Left out of a request, the purpose stays as it was.
    purpose = forms.ChoiceField(
        label="Purpose",
        required=False,
        help_text=PURPOSE_HELP,
        error_messages={"invalid_choice": "Choose a purpose from the list."},
    )
    # The version the editor opened (core.versioning).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    field_order = ["purpose"]

    def __init__(self, *args: Any, practice: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = purpose_choices(practice)
        current = self.initial.get("purpose")
        if current and current not in dict(choices):
            # A purpose the practice has since removed stays choosable here.
            choices.append((current, current))
        self.fields["purpose"].choices = choices  # type: ignore[attr-defined]

    def details(self) -> dict[str, Any]:
        """The appointment fields, without the version."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=Appointment.Status.choices, widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label="Reason for cancelling",
        max_length=200,
        required=False,
        help_text="For example: client unwell, clinician on leave. Keep it brief; "
        "this is not a clinical note.",
    )


class SeriesForm(BookAppointmentForm):
    """Book a repeating series: the first session's date and time, then how
    it repeats and when it ends (``recurrence.make_rule``)."""

    every_weeks = forms.TypedChoiceField(
        label="Repeats",
        choices=[(1, "Every week"), (2, "Every other week (fortnightly)")],
        coerce=int,
        initial=1,
        error_messages={"invalid_choice": "Choose weekly or fortnightly."},
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="On",
        choices=list(enumerate(recurrence.WEEKDAY_NAMES)),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Left empty, the weekday of the first session.",
        error_messages={"invalid_choice": "Choose days of the week from the list."},
    )
    count = forms.IntegerField(
        label="Number of sessions",
        required=False,
        min_value=1,
        max_value=recurrence.MAX_OCCURRENCES,
        help_text=f"Up to {recurrence.MAX_OCCURRENCES}. Give this or an end date.",
    )
    until = forms.DateField(
        label="Or repeat until",
        required=False,
        widget=DateInput(),
        help_text="The last day a session may fall on.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_at = data.get("starts_at")
        if starts_at is None or self.has_error("count") or self.has_error("until"):
            return data
        weekdays = data.get("weekdays") or [timezone.localtime(starts_at).weekday()]
        try:
            data["rule"] = recurrence.make_rule(
                every_weeks=data.get("every_weeks") or 1,
                weekdays=weekdays,
                until=data.get("until"),
                count=data.get("count"),
            )
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


class ChangeFollowingForm(AppointmentDetailsForm):
    """New time, length and place for this and the following sessions."""
