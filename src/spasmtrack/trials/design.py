"""Checking and creating a self-experiment: one set of rules for the page, the API and the CLI."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction

from spasmtrack.accounts.models import Person
from spasmtrack.core.nof1 import Schedule, make_schedule
from spasmtrack.diary.entries import habits_for, treatments_for
from spasmtrack.diary.models import Habit, Treatment
from spasmtrack.trials.models import (
    NUMBER_GOALS,
    USUAL,
    USUAL_LABEL,
    YES_NO_GOALS,
    HabitGoal,
    Trial,
    TrialError,
    TrialEvent,
    habit_change_name,
)
from spasmtrack.trials.outcomes import (
    check_outcome,
    lower_is_better,
    outcome_label,
    priors_for,
    series,
)

if TYPE_CHECKING:
    # The power check simulates with NumPy and SciPy (half a second to import): imported in
    # `check_power`, so that importing this module (Insights' findings do) does not pay it.
    from spasmtrack.core.nof1 import PowerCheck

MAX_BLOCKS = 12
MAX_PERIOD_DAYS = 56
PAST_DAYS = 60  # how much history the power check looks at
PREVIEW_SEED = 0  # the preview must not reveal (or let anyone re-roll) the real random order


@dataclass(frozen=True)
class HabitChange:
    """Condition B as a change of a habit: its goal, and the daily limit of a number habit."""

    habit: Habit
    goal: str
    limit: float | None

    @property
    def name(self) -> str:
        return habit_change_name(self.habit, self.goal, self.limit)


@dataclass(frozen=True)
class Design:
    """A checked design: catalogue rows resolved, numbers in range. B is `treatment_b` or
    `habit_change`, exactly one of them."""

    title: str
    treatment_a: Treatment | None
    treatment_b: Treatment | None
    outcome: str
    mcid: float
    period_days: int
    blocks: int
    washout_days: int
    start: date
    habit_change: HabitChange | None = None

    @property
    def a_name(self) -> str:
        return self.treatment_a.name if self.treatment_a else USUAL_LABEL

    @property
    def b_name(self) -> str:
        if self.habit_change is not None:
            return self.habit_change.name
        assert self.treatment_b is not None
        return self.treatment_b.name

    def schedule(self, seed: int) -> Schedule:
        return make_schedule(
            self.start, self.period_days, self.blocks, seed=seed, washout_days=self.washout_days
        )


def _treatment(person: Person, key: str, field: str) -> Treatment:
    found = treatments_for(person).filter(key=key).first()
    if found is None:
        raise TrialError(field, f"unknown treatment {key!r} (see /api/treatments)")
    return found


def _number(data: dict[str, Any], field: str, default: Any, kind: type) -> Any:
    value = data.get(field)
    if value is None or value == "":
        return default
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise TrialError(field, f"{value!r} is not a number") from None


def check_habit_change(person: Person, data: dict[str, Any]) -> HabitChange:
    """B as a habit change: `habit_b` (a habit key), `habit_goal` (at_most / at_least with
    `habit_limit` for a number habit; do / avoid for a yes/no habit)."""
    key = str(data.get("habit_b") or "").strip()
    habit = habits_for(person).filter(key=key).first()
    if habit is None:
        raise TrialError("habit_b", f"unknown habit {key!r} (see /api/habits)")
    goal = str(data.get("habit_goal") or "").strip()
    number = habit.kind == Habit.Kind.NUMBER
    allowed = NUMBER_GOALS if number else YES_NO_GOALS
    if goal not in allowed:
        what = "a number habit" if number else "a yes/no habit"
        raise TrialError(
            "habit_goal", f"for {what} the goal is one of {', '.join(allowed)} (not {goal!r})"
        )
    limit = _number(data, "habit_limit", None, float)
    if number:
        if limit is None:
            raise TrialError("habit_limit", f"give the daily limit for {habit.name.lower()}")
        if not 0 <= limit <= 100_000:
            raise TrialError(
                "habit_limit", "the daily limit must be 0 or more (and at most 100,000)"
            )
        if goal == HabitGoal.AT_LEAST and limit == 0:
            raise TrialError("habit_limit", "“at least 0” asks nothing: choose a limit above 0")
    elif limit is not None:
        raise TrialError("habit_limit", "a yes/no habit has no daily limit: leave it empty")
    return HabitChange(habit, goal, limit)


def check_design(person: Person, data: dict[str, Any], today: date) -> Design:
    """Check a proposed design; raises TrialError(field, message) for the first problem.

    `data` keys: treatment_a ("usual" or a catalogue key), treatment_b, outcome, mcid,
    period_days, blocks, washout_days, start (date or None = today), title (optional).
    Instead of treatment_b, B may be a habit change: habit_b, habit_goal, habit_limit (see
    `check_habit_change`); A is then the usual routine.
    """
    a_key = str(data.get("treatment_a") or USUAL).strip()
    b_key = str(data.get("treatment_b") or "").strip()
    habit_key = str(data.get("habit_b") or "").strip()
    if b_key and habit_key:
        raise TrialError(
            "habit_b", "B is either a treatment or a habit change: choose one, not both"
        )
    habit_change: HabitChange | None = None
    treatment_b: Treatment | None = None
    if habit_key:
        if a_key != USUAL:
            raise TrialError(
                "treatment_a", "a habit change is compared with your usual routine: A is usual"
            )
        habit_change = check_habit_change(person, data)
    else:
        if data.get("habit_goal") or data.get("habit_limit") not in (None, ""):
            raise TrialError("habit_b", "choose the habit that the goal and limit are about")
        if not b_key or b_key == USUAL:
            raise TrialError("treatment_b", "choose the treatment to try as B, or a habit change")
        if a_key == b_key:
            raise TrialError("treatment_b", "A and B must differ")
        treatment_b = _treatment(person, b_key, "treatment_b")
    treatment_a = None if a_key == USUAL else _treatment(person, a_key, "treatment_a")
    outcome = str(data.get("outcome") or "spasm_burden")
    if problem := check_outcome(person, outcome):
        raise TrialError("outcome", problem)
    blocks = _number(data, "blocks", 3, int)
    if not 1 <= blocks <= MAX_BLOCKS:
        raise TrialError("blocks", f"choose between 1 and {MAX_BLOCKS} blocks")
    period = _number(data, "period_days", 7, int)
    if not 2 <= period <= MAX_PERIOD_DAYS:
        raise TrialError("period_days", f"a period lasts 2 to {MAX_PERIOD_DAYS} days")
    washout = _number(data, "washout_days", 0, int)
    if not 0 <= washout < period:
        raise TrialError("washout_days", "the washout must be shorter than a period (0 or more)")
    mcid = _number(data, "mcid", 1.0, float)
    if not 0 < mcid <= 1000:
        raise TrialError("mcid", "the meaningful difference must be more than 0")
    start = data.get("start") or today
    if isinstance(start, str):
        try:
            start = date.fromisoformat(start)
        except ValueError:
            raise TrialError("start", f"{start!r} is not a date (YYYY-MM-DD)") from None
    if start < today:
        # A start in the past would let days already lived count as if randomised.
        raise TrialError("start", "the experiment can start today at the earliest")
    if start > today + timedelta(days=365):
        raise TrialError("start", "start within the next year")
    a_name = treatment_a.name if treatment_a else USUAL_LABEL
    b_name = habit_change.name if habit_change else treatment_b.name if treatment_b else ""
    title = str(data.get("title") or "").strip()[:200] or f"{b_name} vs {a_name}"[:200]
    return Design(
        title,
        treatment_a,
        treatment_b,
        outcome,
        mcid,
        period,
        blocks,
        washout,
        start,
        habit_change=habit_change,
    )


def check_power(person: Person, design: Design, today: date, seed: int) -> PowerCheck:
    """Simulate the design from the person's last PAST_DAYS days of the chosen outcome."""
    from spasmtrack.core.nof1 import power_warning

    past = series(person, design.outcome, today - timedelta(days=PAST_DAYS), today - timedelta(1))
    return power_warning(
        past,
        design.schedule(seed),
        design.mcid,
        lower_is_better(design.outcome),
        priors=priors_for(person, design.outcome),
    )


def _unsaved(person: Person, design: Design, **recorded: Any) -> Trial:
    """A new, unsaved trial of this design; `recorded` sets further fields (seed, status...)."""
    return Trial(
        person=person,
        title=design.title,
        treatment_a=design.treatment_a,
        treatment_b=design.treatment_b,
        habit_b=design.habit_change.habit if design.habit_change else None,
        habit_goal=design.habit_change.goal if design.habit_change else "",
        habit_limit=design.habit_change.limit if design.habit_change else None,
        outcome=design.outcome,
        mcid=design.mcid,
        period_days=design.period_days,
        blocks=design.blocks,
        washout_days=design.washout_days,
        start=design.start,
        **recorded,
    )


def restore_trial(
    person: Person,
    design: Design,
    *,
    code: uuid.UUID,
    seed: int,
    status: str,
    power: float | None,
    power_note: str,
    created: datetime,
) -> Trial:
    """Save a checked design as it was recorded (for an import): its seed, status and power
    check are kept, never re-drawn; no event is logged (the export brings its event log)."""
    trial = _unsaved(
        person,
        design,
        code=code,
        seed=seed,
        status=status,
        power=power,
        power_note=power_note,
        created=created,
    )
    trial.save()
    return trial


@transaction.atomic
def create_trial(person: Person, design: Design, today: date) -> tuple[Trial, PowerCheck]:
    """Save a checked design with a freshly drawn seed; logs the `created` event."""
    trial = _unsaved(person, design)
    check = check_power(person, design, today, trial.seed)
    trial.power = check.power
    trial.power_note = check.warning or ""
    trial.status = trial.status_on(today)
    trial.save()
    TrialEvent.objects.create(
        trial=trial,
        kind=TrialEvent.Kind.CREATED,
        local_date=today,
        detail={"text": f"seed {trial.seed}, order {' '.join(trial.schedule.orders)}"},
    )
    return trial, check


def describe(design: Design) -> str:
    """One plain line about the shape of a design (not its random order)."""
    total = 2 * design.blocks * design.period_days
    text = (
        f"{design.blocks} block(s) of two {design.period_days}-day periods, {total} days from "
        f"{design.start:%d %b %Y} to {design.start + timedelta(days=total - 1):%d %b %Y}. "
        f"In each block you spend one period on A ({design.a_name}) and one on B "
        f"({design.b_name}), in an order drawn at random when you create it. "
        f"Outcome: {outcome_label(design.outcome)}."
    )
    if design.washout_days:
        text += (
            f" The first {design.washout_days} day(s) after each switch are a washout and "
            "are not analysed."
        )
    return text
