from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from alliance.clients.models import Client
from alliance.core.widgets import DateInput
from alliance.supervision.models import ACTION_MAX, ACTIONS_MAX, NOTES_MAX
from alliance.supervision.services import SessionInput, split_actions


class ClientChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class SupervisionSessionForm(forms.Form):
    held_on = forms.DateField(label="Date of the session", widget=DateInput())
    clients = ClientChoice(
        queryset=Client.objects.none(),
        required=False,
        label="Clients discussed",
        widget=forms.CheckboxSelectMultiple,
        to_field_name="uuid",
        help_text="Only the supervisee's own clients can be named.",
    )
    actions = forms.CharField(
        label="Agreed actions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=ACTIONS_MAX * (ACTION_MAX + 1),
        help_text="One action per line. Each can be ticked done later.",
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=NOTES_MAX,
        help_text="What was discussed, in enough detail to pick up next time.",
    )

    def __init__(self, *args: Any, clients: QuerySet[Client], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["clients"]
        assert isinstance(field, ClientChoice)  # noqa: S101  # declared above
        field.queryset = clients

    def session_input(self) -> SessionInput:
        data = self.cleaned_data
        return SessionInput(
            held_on=data["held_on"],
            clients=list(data["clients"]),
            actions=split_actions(data["actions"]),
            notes=data["notes"] or "",
        )
