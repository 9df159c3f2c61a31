"""The reminder settings form: an empty time or interval turns that reminder off."""

from __future__ import annotations

from typing import Any

from django import forms

from spasmtrack.reminders.models import ReminderSettings

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ReminderSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ReminderSettings
        fields = (
            "checkin_at",
            "pain_after_minutes",
            "experiment_at",
            "fiqr_weeks",
            "acr2016_months",
            "peg_weeks",
            "questionnaire_at",
            "quiet_from",
            "quiet_until",
            "on_today",
            "by_push",
            "by_email",
            "email",
            "in_calendar",
        )
        labels = {
            "checkin_at": "Daily check-in at (skipped when you have done it)",
            "pain_after_minutes": "Ask “how is your pain now?” this many minutes after a "
            "treatment logged with a pain before",
            "experiment_at": "Experiment days: ask the day's question at",
            "fiqr_weeks": "FIQR every … weeks",
            "acr2016_months": "ACR 2016 criteria every … months",
            "peg_weeks": "PEG every … weeks",
            "questionnaire_at": "Questionnaire reminders at",
            "quiet_from": "Quiet hours from",
            "quiet_until": "Quiet hours until",
            "on_today": "Show what is due on Today",
            "by_push": "Notifications on my devices (Web Push)",
            "by_email": "E-mail",
            "email": "E-mail address (empty: the account's)",
            "in_calendar": "Alarms in the calendar files (.ics)",
        }
        help_texts = {
            "checkin_at": "Leave empty for no check-in reminder.",
            "pain_after_minutes": "5 to 720; empty for none.",
            "fiqr_weeks": "Empty: off.",
            "acr2016_months": "Empty: off.",
            "peg_weeks": "Empty: off.",
            "quiet_until": "Nothing is sent in quiet hours; a reminder waits until they end.",
        }
        widgets = {
            "checkin_at": TIME,
            "experiment_at": TIME,
            "questionnaire_at": TIME,
            "quiet_from": TIME,
            "quiet_until": TIME,
        }

    BOUNDS = {
        "pain_after_minutes": (5, 720),
        "fiqr_weeks": (1, 52),
        "acr2016_months": (1, 24),
        "peg_weeks": (1, 52),
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, (lo, hi) in self.BOUNDS.items():
            v = data.get(name)
            if v is not None and not lo <= v <= hi:
                self.add_error(name, f"Choose {lo} to {hi}, or leave it empty for none.")
        if (data.get("quiet_from") is None) != (data.get("quiet_until") is None):
            self.add_error("quiet_until", "Give both ends of the quiet hours, or neither.")
        if data.get("by_email") and not (data.get("email") or self.instance.person.user.email):
            self.add_error("email", "Give an address for e-mail reminders.")
        return data
