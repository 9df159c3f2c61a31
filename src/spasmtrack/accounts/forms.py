from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING
from zoneinfo import available_timezones

from django import forms
from django.contrib.auth.forms import UserCreationForm

from spasmtrack.accounts.models import Person
from spasmtrack.core.days import day_start_problem

if TYPE_CHECKING:  # generic in django-stubs only: Django's form classes take no [...]
    from django.contrib.auth.models import User

    _UserForm = UserCreationForm[User]
    _PersonForm = forms.ModelForm[Person]
else:
    _UserForm, _PersonForm = UserCreationForm, forms.ModelForm

TZ_CHOICES = sorted((z, z.replace("_", " ")) for z in available_timezones())


def machine_tz() -> str:
    """The machine's IANA zone name, for the first-run default; UTC when unknown."""
    try:
        from pathlib import Path

        link = Path("/etc/localtime").resolve()
        name = str(link).split("zoneinfo/", 1)[1]
        return name if name in available_timezones() else "UTC"
    except (OSError, IndexError):
        return "UTC"


class SetupForm(_UserForm):
    tz = forms.ChoiceField(choices=TZ_CHOICES, label="Your time zone")


class TimeZoneForm(_PersonForm):
    tz = forms.ChoiceField(choices=TZ_CHOICES, label="Time zone")

    class Meta:
        model = Person
        fields = ("tz",)


class DayStartForm(_PersonForm):
    day_start = forms.TimeField(
        label="My day starts at",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Anything you log before this time counts for the day before, so a bad night "
        "stays with the day it belongs to. 00:00 keeps calendar days.",
    )

    class Meta:
        model = Person
        fields = ("day_start",)

    def clean_day_start(self) -> time:
        value: time = self.cleaned_data["day_start"]
        if problem := day_start_problem(value):
            raise forms.ValidationError(f"Choose another time: {problem}.")
        return value


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="What is this token for?")


class TotpForm(forms.Form):
    token = forms.CharField(
        label="6-digit code from your authenticator app",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
