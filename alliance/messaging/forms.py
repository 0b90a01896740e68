from __future__ import annotations

from typing import Any

from django import forms

from alliance.messaging.services import MAX_BODY, clean_body


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Your message",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_BODY}),
        help_text=f"Up to {MAX_BODY:,} characters.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The service's checks, with its wording, are the only ones.
        self.fields["body"].validators = []

    def clean_body(self) -> str:
        return clean_body(self.cleaned_data.get("body", ""))
