from __future__ import annotations

from datetime import date, time
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


class ProfileForm(_PersonForm):
    """Who the clinician report names: both optional."""

    display_name = forms.CharField(
        label="Your name on the report",
        required=False,
        max_length=100,
        help_text="E.g. your full name as your clinic knows it. Empty: your user name.",
    )
    birth_date = forms.DateField(
        label="Date of birth (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Printed on the report so the clinic files it with the right person.",
    )

    class Meta:
        model = Person
        fields = ("display_name", "birth_date")

    def clean_display_name(self) -> str:
        name: str = " ".join(self.cleaned_data["display_name"].split())
        return name

    def clean_birth_date(self) -> date | None:
        born: date | None = self.cleaned_data["birth_date"]
        today = self.instance.today()
        if born is not None and not date(1900, 1, 1) <= born <= today:
            raise forms.ValidationError("Choose a day between 1 Jan 1900 and today.")
        return born


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="What is this token for?")


class TotpForm(forms.Form):
    token = forms.CharField(
        label="6-digit code from your authenticator app",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
