from __future__ import annotations

from django import forms

from spasmtrack.sharing.models import DEFAULT_DAYS, MAX_DAYS
from spasmtrack.sharing.services import PIN_RE


class ShareForm(forms.Form):
    days = forms.IntegerField(
        label="Works for (days)",
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=f"1 to {MAX_DAYS} days; you can revoke it sooner.",
    )
    pin = forms.CharField(
        label="PIN (optional)",
        required=False,
        max_length=12,
        help_text="4 to 12 digits. Tell it to your clinician; it is not in the link.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    label = forms.CharField(
        label="For (optional)",
        required=False,
        max_length=100,
        help_text="E.g. “Dr Rahman, 3 March”: shown in your list and access log.",
    )

    def clean_pin(self) -> str:
        pin: str = self.cleaned_data["pin"].strip()
        if pin and not PIN_RE.fullmatch(pin):
            raise forms.ValidationError("A PIN is 4 to 12 digits.")
        return pin


class PinForm(forms.Form):
    pin = forms.CharField(
        label="PIN",
        max_length=12,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
