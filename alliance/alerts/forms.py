from django import forms


class AcknowledgeForm(forms.Form):
    action_taken = forms.CharField(
        label="Action taken",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="What you did about this risk, e.g. called the client, reviewed the "
        "safety plan, contacted the crisis team. Stored encrypted.",
    )
