"""Page forms. They only reshape what a person typed into the API's input shapes
(`schemas.IntakeIn`, `schemas.ChangeIn`); the validation that matters (known foods, units
that fit, sane amounts) is the schema's, shared with the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms

from spasmtrack.core.catalogue import Food
from spasmtrack.diary.forms import PlausibleDateTimeField
from spasmtrack.nutrition.lifestyle import HabitRow
from spasmtrack.nutrition.models import ChangeEvent, ChecklistStatus, Intake, NutritionProfile


def _aware(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def food_label(food: Food) -> str:
    return f"{food.name} (1 serving = {food.serving.name}, {food.serving.grams:g} g)"


class _IntakeForm(forms.Form):
    # Schema field -> form field, for mapping the schema's errors back onto the form.
    FIELD_NAMES: dict[str, str] = {}

    # The diary's field: the person's zone, the repeated and skipped hours, the day hint.
    at = PlausibleDateTimeField(required=False, label="When? (blank = now)")
    notes = forms.CharField(
        required=False, label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 2})
    )

    def form_field(self, schema_field: str) -> str | None:
        name = self.FIELD_NAMES.get(schema_field, schema_field)
        return name if name in self.fields else None


class FoodIntakeForm(_IntakeForm):
    FIELD_NAMES = {"food_id": "food"}

    food = forms.ChoiceField(label="Food")
    amount = forms.FloatField(label="How much?", widget=forms.NumberInput(attrs={"step": "any"}))
    unit = forms.ChoiceField(
        choices=[("serving", "servings"), ("g", "grams")],
        initial="serving",
        label="In",
        widget=forms.RadioSelect(attrs={"class": "choice"}),
    )

    field_order = ("food", "amount", "unit", "at", "notes")

    def __init__(self, *args: Any, foods: list[Food], **kw: Any) -> None:
        kw["prefix"] = "food"  # (keyword-only here: *args cannot fill it)
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["food"]).choices = [
            (f.id, food_label(f)) for f in foods
        ]

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "food_id": d["food"],
            "amount": d["amount"],
            "unit": d["unit"],
            "at": _aware(d.get("at")),
            "notes": d.get("notes") or "",
        }


class SupplementForm(_IntakeForm):
    nutrient = forms.ChoiceField(choices=Intake.Nutrient.choices, label="Supplement")
    amount = forms.FloatField(
        label="How much (as on the label)?", widget=forms.NumberInput(attrs={"step": "any"})
    )
    unit = forms.ChoiceField(
        choices=[("mg", "mg"), ("µg", "µg"), ("IU", "IU")],
        initial="mg",
        label="In",
        help_text="IU is used for vitamin D only.",
        widget=forms.RadioSelect(attrs={"class": "choice"}),
    )

    field_order = ("nutrient", "amount", "unit", "at", "notes")

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw["prefix"] = "supplement"  # (keyword-only here: *args cannot fill it)
        super().__init__(*args, **kw)

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "nutrient": d["nutrient"],
            "amount": d["amount"],
            "unit": d["unit"],
            "supplemental": True,
            "at": _aware(d.get("at")),
            "notes": d.get("notes") or "",
        }


class ProfileForm(forms.Form):
    age = forms.IntegerField(
        required=False,
        min_value=19,
        max_value=120,
        label="Age (optional)",
        help_text="Reference values here are for adults, 19 and over.",
    )
    sex = forms.ChoiceField(
        required=False, choices=NutritionProfile.Sex.choices, label="Sex (optional)"
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw["prefix"] = "profile"  # (keyword-only here: *args cannot fill it)
        super().__init__(*args, **kw)


class ChangeForm(forms.Form):
    title = forms.CharField(
        max_length=120,
        label="What changed?",
        widget=forms.TextInput(attrs={"placeholder": "e.g. new pillow"}),
    )
    category = forms.ChoiceField(choices=ChangeEvent.Category.choices, label="Kind of change")
    local_date = forms.DateField(
        label="From which day?", widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        required=False, label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw["prefix"] = "change"  # (keyword-only here: *args cannot fill it)
        super().__init__(*args, **kw)

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {**d, "notes": d.get("notes") or ""}


YES_NO = [("", "Not logged"), ("1", "Yes"), ("0", "No")]


class HabitsForm(forms.Form):
    """One field per lifestyle habit; blank leaves that habit as it is."""

    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, rows: list[HabitRow], **kw: Any) -> None:
        kw["prefix"] = "habits"  # (keyword-only here: *args cannot fill it)
        super().__init__(*args, **kw)
        self.rows = rows
        for row in rows:
            h = row.habit
            if h.kind == h.Kind.NUMBER:
                self.fields[h.key] = forms.FloatField(
                    required=False,
                    min_value=0,
                    max_value=24 if h.unit == "h" else None,
                    label=f"{h.name} ({h.unit})" if h.unit else h.name,
                    widget=forms.NumberInput(attrs={"step": "any"}),
                )
            else:
                self.fields[h.key] = forms.TypedChoiceField(
                    required=False,
                    choices=YES_NO,
                    coerce=float,
                    empty_value=None,
                    label=h.name,
                    widget=forms.RadioSelect(attrs={"class": "choice"}),
                )
            if row.value is not None and not self.is_bound:
                self.initial[h.key] = f"{row.value:g}"

    def values(self) -> dict[str, float | None]:
        return {row.habit.key: self.cleaned_data.get(row.habit.key) for row in self.rows}


class ChecklistForm(forms.Form):
    status = forms.ChoiceField(
        choices=ChecklistStatus.Status.choices, widget=forms.RadioSelect(attrs={"class": "choice"})
    )
