from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from alliance.accounts.models import User
from alliance.clients.models import Client, Consent, ConsentText, Episode
from alliance.clients.services import CLIENT_FIELDS
from alliance.core.widgets import DateInput, DateTimeInput


class ClientForm(forms.ModelForm):
    # The version the editor opened (core.versioning).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Client
        fields = [*CLIENT_FIELDS]
        widgets = {
            "date_of_birth": DateInput(),
            "address": forms.Textarea(attrs={"rows": 3}),
            "referral_reason": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "preferred_name": "What the client likes to be called.",
            "referral_reason": "Why the client was referred, in the referrer's or client's words. "
            "Stored encrypted.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def details(self) -> dict[str, Any]:
        """The client fields, without the version."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    def clean_date_of_birth(self) -> Any:
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if born.year < today.year - 120:
            raise forms.ValidationError("Check the year of birth.")
        return born


class NewClientForm(ClientForm):
    clinician = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Primary clinician", required=True
    )

    class Meta(ClientForm.Meta):
        fields = ["clinician", *CLIENT_FIELDS]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["version"]  # a new record has nothing to conflict with
        self.fields["clinician"].queryset = User.objects.clinicians().filter(  # type: ignore[attr-defined,misc]  # a choice field; None: IS NULL
            practice_id=user.practice_id
        )
        self.fields["clinician"].initial = user.pk
        self.fields["referral_reason"].required = True


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label="Move to", choices=Episode.Phase.choices)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Recorded in the episode's timeline.",
    )
    discharge = forms.ChoiceField(
        label="Discharge reason (when closing)",
        choices=[("", "—"), *Episode.DischargeReason.choices],
        required=False,
    )

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [  # type: ignore[attr-defined]  # a choice field
            (phase, Episode.Phase(phase).label) for phase in episode.next_phases()
        ]


class NewEpisodeForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="For example: re-referred by their GP after a relapse.",
    )


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["method", "given_at"]
        widgets = {"given_at": DateTimeInput()}
        labels = {"given_at": "Given on", "method": "How consent was given"}


class ConsentTextForm(forms.ModelForm):
    class Meta:
        model = ConsentText
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}
        help_texts = {
            "body": "Saving creates a new version. Consents already given keep pointing "
            "at the version the client agreed to."
        }
