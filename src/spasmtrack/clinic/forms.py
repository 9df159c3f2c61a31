from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.http import HttpRequest

from spasmtrack.accounts.models import Grant, Person
from spasmtrack.clinic import services
from spasmtrack.clinic.services import CLINIC_TREATMENTS
from spasmtrack.core.body.muscles import all_muscles


def muscle_choices() -> list[tuple[str, str]]:
    return sorted(((m.id, m.name) for m in all_muscles().values()), key=lambda c: c[1])


def treatment_choices() -> list[tuple[str, str]]:
    from spasmtrack.diary.models import Treatment

    rows = Treatment.objects.filter(owner__isnull=True, key__in=CLINIC_TREATMENTS)
    return [(t.key, t.name) for t in rows.order_by("name")]


class GrantForm(forms.Form):
    clinician = forms.CharField(
        max_length=150,
        label="Your clinician's user name on this server",
        help_text="Ask your clinician for it. Only that account will see your diary.",
    )
    level = forms.ChoiceField(choices=Grant.Level.choices, initial=Grant.Level.READ)
    until = forms.DateField(
        required=False,
        label="Until (optional, last day included)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, patient: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient

    def clean_clinician(self) -> Person:
        """The clinician's Person; a clear error for a missing or non-clinician account."""
        name = self.cleaned_data["clinician"].strip()
        user = User.objects.filter(username=name, is_active=True).first()
        person = Person.objects.filter(user=user).first() if user else None
        if person is None or not person.is_clinician:
            raise forms.ValidationError(f"There is no clinician called {name!r} on this server.")
        if person == self.patient:
            raise forms.ValidationError("You cannot share your diary with yourself.")
        return person

    def clean_until(self) -> date | None:
        until: date | None = self.cleaned_data["until"]
        if until is not None and until < self.patient.today():
            raise forms.ValidationError("Choose today or a later day.")
        return until


class ClinicRecordForm(forms.Form):
    """A form a clinician fills in to record one entry in a patient's diary (write access):
    `what` is recorded (the page's heading), `done` the message once it is."""

    what = ""
    done = ""

    def record(self, clinician: Person, patient: Person, request: HttpRequest) -> object:
        """Write the valid form's entry, attributed and audited (EntryError if refused)."""
        raise NotImplementedError


class ClinicTriggerPointForm(ClinicRecordForm):
    what = "a trigger point"
    done = "Trigger point recorded in the patient's diary."

    muscle = forms.ChoiceField(choices=muscle_choices)
    side = forms.ChoiceField(choices=[("left", "Left"), ("right", "Right"), ("midline", "Midline")])
    status = forms.ChoiceField(
        choices=[
            ("active", "Active (refers pain now)"),
            ("latent", "Latent (tender only)"),
            ("resolved", "Resolved (no longer found)"),
        ]
    )
    tenderness = forms.IntegerField(min_value=0, max_value=10, label="Tenderness (0-10)")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def record(self, clinician: Person, patient: Person, request: HttpRequest) -> object:
        return services.record_trigger_point(clinician, patient, self.cleaned_data, request)


class ClinicTreatmentForm(ClinicRecordForm):
    what = "a treatment given"
    done = "Treatment recorded in the patient's diary."

    treatment = forms.ChoiceField(choices=treatment_choices)
    duration_min = forms.IntegerField(
        required=False, min_value=0, max_value=600, label="Duration (minutes, optional)"
    )
    pain_before = forms.IntegerField(required=False, min_value=0, max_value=10)
    pain_after = forms.IntegerField(required=False, min_value=0, max_value=10)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def record(self, clinician: Person, patient: Person, request: HttpRequest) -> object:
        data = dict(self.cleaned_data)
        minutes = data.pop("duration_min")
        data["duration_s"] = minutes * 60 if minutes is not None else None
        return services.record_treatment(clinician, patient, data, request)
