"""Forms for booking and changing appointments. Times typed into them are read
in the practice's time zone: the views run inside ``timezone.override``."""

from __future__ import annotations

from typing import Any

from django import forms

from alliance.accounts.models import User
from alliance.clients.models import Client, Episode
from alliance.core.widgets import DATETIME_INPUT_FORMATS, DateTimeInput
from alliance.scheduling.models import Appointment
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


class BookAppointmentForm(AppointmentDetailsForm):
    client = ClientChoiceField(
        queryset=Client.objects.none(), to_field_name="uuid", label="Client"
    )
    clinician = forms.ModelChoiceField(
        queryset=User.objects.none(), to_field_name="uuid", label="Clinician"
    )

    field_order = ["client", "clinician"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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
    # The version the editor opened (core.versioning).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

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
