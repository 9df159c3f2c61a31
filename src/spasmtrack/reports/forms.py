from __future__ import annotations

from typing import Any

from django import forms

from spasmtrack.reports.data import PeriodError, check_period
from spasmtrack.reports.models import MAX_QUESTIONS_CHARS


class ReportPeriodForm(forms.Form):
    """The report's period, the same rules for patients and clinicians (`check_period`)."""

    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            try:
                check_period(start, end)
            except PeriodError as e:
                raise forms.ValidationError(f"Please check the dates: {e}.") from None
        return data


class ReportForm(ReportPeriodForm):
    questions = forms.CharField(
        required=False,
        max_length=MAX_QUESTIONS_CHARS,
        label="Questions for my visit",
        help_text="Printed at the end of the report, so you don't forget them in the room. "
        "Saved for next time.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
