"""Page forms. They reshape what a person typed; the design rules live in `trials.design`."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms

from spasmtrack.accounts.models import Person
from spasmtrack.diary.entries import habits_for, treatments_for
from spasmtrack.trials.design import MAX_BLOCKS, MAX_PERIOD_DAYS, check_design
from spasmtrack.trials.models import USUAL, USUAL_LABEL, HabitGoal, TrialError
from spasmtrack.trials.outcomes import DEFAULT_OUTCOME, outcome_choices


class TrialForm(forms.Form):
    treatment_a = forms.ChoiceField(label="A: what you compare against")
    treatment_b = forms.ChoiceField(label="B: a treatment you want to try", required=False)
    habit_b = forms.ChoiceField(
        label="…or B: a habit you want to change",
        required=False,
        help_text="Choose a treatment or a habit for B, not both. A habit change is compared "
        "with your usual routine.",
    )
    habit_goal = forms.ChoiceField(
        label="The habit change on B days",
        required=False,
        choices=[
            ("", "Choose…"),
            (HabitGoal.AT_MOST.value, "At most (a number habit: a daily limit)"),
            (HabitGoal.AT_LEAST.value, "At least (a number habit: a daily limit)"),
            (HabitGoal.AVOID.value, "Not at all (a yes/no habit)"),
            (HabitGoal.DO.value, "Every day (a yes/no habit)"),
        ],
    )
    habit_limit = forms.FloatField(
        label="Daily limit (number habits, in the habit's unit)", required=False, min_value=0
    )
    outcome = forms.ChoiceField(label="What should get better? (the daily score)")
    period_days = forms.IntegerField(
        min_value=2, max_value=MAX_PERIOD_DAYS, initial=7, label="Days per period"
    )
    blocks = forms.IntegerField(
        min_value=1,
        max_value=MAX_BLOCKS,
        initial=3,
        label="Blocks (each block = one A period and one B period)",
    )
    washout_days = forms.IntegerField(
        min_value=0,
        initial=0,
        label="Washout days after each switch (not analysed)",
        help_text="Use this if the effect of A or B lingers for a day or two after stopping.",
    )
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Start on")
    mcid = forms.FloatField(
        min_value=0.1,
        initial=1.0,
        label="Smallest difference that matters to you (in score points)",
    )
    title = forms.CharField(required=False, max_length=200, label="Name (optional)")

    def __init__(self, *args: Any, person: Person, today: date, **kw: Any) -> None:
        kw.setdefault("initial", {})
        kw["initial"] = {"start": today, "outcome": DEFAULT_OUTCOME, **kw["initial"]}
        super().__init__(*args, **kw)
        self.person, self.today = person, today
        catalogue = [(t.key, t.name) for t in treatments_for(person).order_by("name")]
        habits = [
            (h.key, f"{h.name} ({h.unit})" if h.unit else h.name)
            for h in habits_for(person).order_by("name")
        ]
        a, b, habit, outcome = (
            cast(forms.ChoiceField, self.fields[f])
            for f in ("treatment_a", "treatment_b", "habit_b", "outcome")
        )
        a.choices = [(USUAL, USUAL_LABEL), *catalogue]
        b.choices = [("", "Choose…"), *catalogue]
        habit.choices = [("", "None (B is a treatment)"), *habits]
        outcome.choices = outcome_choices(person)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            data["design"] = check_design(self.person, data, self.today)
        except TrialError as e:
            self.add_error(e.field if e.field in self.fields else None, e.message)
        return data


class EventForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("paused", "Pause"), ("resumed", "Resume"), ("stopped", "Stop early")]
    )
    reason = forms.CharField(required=False, max_length=500, label="Why? (goes in the report)")


class AnswerForm(forms.Form):
    day = forms.DateField()
    used = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")], coerce=lambda v: v == "yes"
    )
    next = forms.CharField(required=False)
