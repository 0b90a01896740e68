from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from alliance.accounts.models import ApiToken, Practice, User
from alliance.core.widgets import DateInput


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label="6-digit code from your authenticator app",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]{6}",
            }
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("The code is six digits.")
        return token


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.CharField(
        label="Recovery code",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class InvitationForm(forms.Form):
    full_name = forms.CharField(max_length=200)
    email = forms.EmailField()
    role = forms.ChoiceField(
        choices=[
            (r.value, r.label)
            for r in (User.Role.CLINICIAN, User.Role.SUPERVISOR, User.Role.ADMIN)
        ]
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(
                "Someone with this email already has an account."
            )
        return email


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(max_length=200)
    password1 = forms.CharField(
        label="Password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            try:
                password_validation.validate_password(
                    p1, User(email=self.email, full_name=data.get("full_name", ""))
                )
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class SupervisionForm(forms.Form):
    supervisor = forms.ModelChoiceField(queryset=User.objects.none())
    supervisee = forms.ModelChoiceField(queryset=User.objects.none(), label="Clinician")

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(practice=practice, is_active=True)
        self.fields["supervisor"].queryset = staff.filter(role=User.Role.SUPERVISOR)  # type: ignore[attr-defined]  # a choice field
        self.fields["supervisee"].queryset = staff.filter(role__in=User.CLINICAL_ROLES)  # type: ignore[attr-defined]  # a choice field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("supervisor") and data.get("supervisor") == data.get("supervisee"):
            raise forms.ValidationError("A supervisor cannot supervise themselves.")
        return data


class PracticeForm(forms.ModelForm):
    # The version the editor opened (core.versioning).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Practice
        fields = [
            "name",
            "letterhead",
            "crisis_lines",
            "time_zone",
            "portal_days_after_close",
            "allow_message_attachments",
            "quiet_hours_start",
            "quiet_hours_end",
            "cancel_notice_hours",
            "video_url_template",
            "followup_months",
            "appointment_purposes",
            "retention_years",
            "alert_escalation_hours",
            "api_enabled",
            "drink_measure",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)

    def settings(self) -> dict[str, Any]:
        """The practice fields, without the version."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    def clean_followup_months(self) -> str:
        raw = self.cleaned_data["followup_months"]
        parts = [part.strip() for part in raw.split(",") if part.strip()]
        if not parts or not all(part.isdigit() for part in parts):
            raise forms.ValidationError(
                "Give whole months separated by commas, such as 1,3,6."
            )
        months = sorted({int(part) for part in parts})
        if months[0] < 1 or months[-1] > 60:
            raise forms.ValidationError("Each follow-up falls 1 to 60 months on.")
        return ",".join(str(month) for month in months)

    def clean_appointment_purposes(self) -> str:
        lines = [
            line.strip()
            for line in self.cleaned_data["appointment_purposes"].splitlines()
            if line.strip()
        ]
        for line in lines:
            if len(line) > 60:
                raise forms.ValidationError(
                    f"Keep each purpose under 60 characters (“{line[:20]}…” is longer)."
                )
        if len(lines) > 20:
            raise forms.ValidationError("Twenty purposes at most.")
        return "\n".join(dict.fromkeys(lines))

    def clean_retention_years(self) -> int:
        years = self.cleaned_data["retention_years"]
        if not 1 <= years <= 100:
            raise forms.ValidationError("Keep records for 1 to 100 years.")
        return years

    def clean_portal_days_after_close(self) -> int:
        days = self.cleaned_data["portal_days_after_close"]
        if days > 3650:
            raise forms.ValidationError("At most ten years (3650 days).")
        return days

    def clean_alert_escalation_hours(self) -> int:
        hours = self.cleaned_data["alert_escalation_hours"]
        if not 1 <= hours <= 72:
            raise forms.ValidationError("Escalate after 1 to 72 hours.")
        return hours

    def clean_cancel_notice_hours(self) -> int:
        hours = self.cleaned_data["cancel_notice_hours"]
        if not 0 <= hours <= 168:
            raise forms.ValidationError("Ask for 0 to 168 hours' notice (a week).")
        return hours

    def clean_video_url_template(self) -> str:
        raw = self.cleaned_data["video_url_template"].strip()
        probe = raw.replace("{room}", "room")
        if not probe.startswith("https://") or "{" in probe or "}" in probe:
            raise forms.ValidationError(
                "Give an https:// address, with {room} where the room name goes "
                "if it does not go at the end."
            )
        return raw

    def clean_time_zone(self) -> str:
        import zoneinfo

        tz = self.cleaned_data["time_zone"]
        if tz not in zoneinfo.available_timezones():
            raise forms.ValidationError("Choose a time zone such as Europe/London.")
        return tz


class CoverForm(forms.Form):
    """Name a colleague as cover for some days. Clinicians arrange their own;
    the practice admin also chooses who is away."""

    clinician = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Clinician who is away"
    )
    cover = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Colleague who covers"
    )
    starts_on = forms.DateField(label="First day", widget=DateInput())
    ends_on = forms.DateField(
        label="Last day",
        widget=DateInput(),
        help_text="Whole days in the practice's time zone.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clinicians = User.objects.clinicians().filter(practice_id=user.practice_id)  # type: ignore[misc]  # None: IS NULL, as at run time
        self.fields["cover"].queryset = clinicians.exclude(pk=user.pk)  # type: ignore[attr-defined]  # a choice field
        if user.is_practice_admin:
            self.fields["clinician"].queryset = clinicians  # type: ignore[attr-defined]  # a choice field
            self.fields["cover"].queryset = clinicians  # type: ignore[attr-defined]  # a choice field
        else:
            del self.fields["clinician"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The last day cannot come before the first.")
        return data


class DutyDayForm(forms.Form):
    clinician = forms.ModelChoiceField(queryset=User.objects.none())
    date = forms.DateField(widget=DateInput())
    repeat_weekly_until = forms.DateField(
        label="Repeat every week until (optional)",
        required=False,
        widget=DateInput(),
        help_text="The same weekday each week, up to this date.",
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = User.objects.clinicians().filter(  # type: ignore[attr-defined]  # a choice field
            practice=practice
        )


class ApiTokenForm(forms.Form):
    """A new personal API token (docs/api.md)."""

    name = forms.CharField(
        max_length=100, help_text="What uses it, e.g. 'Outcomes spreadsheet'."
    )
    scope = forms.ChoiceField(
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
    )
    notes = forms.BooleanField(
        required=False,
        label="Include progress-note text",
        help_text="Without this, the token never receives what a progress note "
        "says. Psychotherapy process notes are never available through the API.",
    )
    days = forms.IntegerField(
        label="Expires after (days)",
        min_value=1,
        max_value=ApiToken.MAX_DAYS,
        initial=90,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not user.is_clinical:
            del self.fields["notes"]
