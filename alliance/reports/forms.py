"""The reports' period filter and the audit log's filter (GET forms)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.core.text import search_text
from alliance.core.widgets import DateInput
from alliance.measures.forms import OutcomesFilterForm, check_period
from alliance.reports.selectors import MONTH, WEEK


class ReportFilterForm(OutcomesFilterForm):
    """The outcomes page's period and clinician filter (the same checks), with
    a choice of month or week for the reports counted by period. The
    clinician list is the user's report scope when it has more than one."""

    by = forms.ChoiceField(
        label="Count by",
        required=False,
        choices=[(MONTH, "Month"), (WEEK, "Week")],
        error_messages={"invalid_choice": "Count by month or by week."},
    )

    def __init__(
        self, data: Any, *, clinicians: list[User] | None, by_period: bool = False
    ) -> None:
        super().__init__(data, clinicians=clinicians)
        if "clinician" in self.fields:
            self.fields["clinician"].choices = [  # type: ignore[attr-defined]
                ("", "Everyone I may see"),
                *((str(c.uuid), c.full_name) for c in clinicians or []),
            ]
        if not by_period:
            del self.fields["by"]

    def clean_by(self) -> str:
        return self.cleaned_data.get("by") or MONTH

    def filters(self) -> dict[str, str]:
        found = super().filters()
        if "by" in self.fields:
            found["by"] = self.cleaned_data["by"]
        return found

    def query(self) -> str:
        return urlencode({k: v for k, v in self.filters().items() if v})


class AuditFilterForm(forms.Form):
    """Who, what, about which client and when. Every field is optional; a
    value that cannot match (a date that does not exist) is an error shown
    beside its field, never a server error."""

    actor = forms.ChoiceField(
        label="Person",
        required=False,
        error_messages={"invalid_choice": "Choose a person from the list."},
    )
    action = forms.CharField(
        label="Action starts with",
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": "e.g. client. or note.sign"}),
    )
    client = forms.CharField(
        label="Client (name or ID)",
        required=False,
        max_length=100,
    )
    outcome = forms.ChoiceField(
        required=False,
        choices=[("", "Any"), *AuditEvent.Outcome.choices],
        error_messages={"invalid_choice": "Choose an outcome from the list."},
    )
    since = forms.DateField(label="From", required=False, widget=DateInput())
    until = forms.DateField(label="To", required=False, widget=DateInput())

    def __init__(self, data: Any, *, staff: list[User]) -> None:
        super().__init__(data)
        self.staff = {str(s.uuid): s for s in staff}
        self.fields["actor"].choices = [  # type: ignore[attr-defined]
            ("", "Anyone"),
            *((key, f"{s.full_name} ({s.email})") for key, s in self.staff.items()),
        ]

    def clean_actor(self) -> User | None:
        return self.staff.get(self.cleaned_data.get("actor") or "")

    def clean_action(self) -> str:
        return search_text(self.cleaned_data.get("action") or "", 64)

    def clean_client(self) -> str:
        return search_text(self.cleaned_data.get("client") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_period(self, data)
        return data

    def filters(self) -> dict[str, str]:
        """The cleaned filter as text, for the audit record and links."""
        data = self.cleaned_data
        actor = data.get("actor")
        return {
            "actor": str(actor.uuid) if actor else "",
            "action": data.get("action", ""),
            "client": data.get("client", ""),
            "outcome": data.get("outcome", ""),
            "since": data["since"].isoformat() if data.get("since") else "",
            "until": data["until"].isoformat() if data.get("until") else "",
        }

    def query(self) -> str:
        return urlencode({k: v for k, v in self.filters().items() if v})
