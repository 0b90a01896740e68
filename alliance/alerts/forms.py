from django import forms


class AcknowledgeForm(forms.Form):
    action_taken = forms.CharField(
        label="Action taken",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="What you did about this risk, e.g. called the client, reviewed the "
        "safety plan, contacted the crisis team. Stored encrypted.",
    )


class DutyReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why you are opening this alert",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="For example: on duty, the client's clinician is away today. "
        "Kept encrypted with the access record.",
    )
