"""From an Insights finding to an experiment, and from a finished experiment back to it.

One vocabulary bridge: Insights names factors by how they read in a sentence ("heat",
"hours sitting") and outcomes by their analysis name ("max spasm intensity"); a trial names
its B by a catalogue row (a treatment, or the habit of a habit change) and its outcome by key
("max_spasm_intensity"). `matches` is the one place that decides whether a trial tested a
finding: same factor (the trial's B treatment or habit) and an outcome of the finding (a
grouped finding lists several under `outcomes`).

A finished trial *confirms* a finding when its intention-to-treat result points the same
way with P > CONFIRM_P. When B adds the factor (a treatment, "at least N", "every day"): for
a finding that the factor went with better days, P(B better) > CONFIRM_P; for worse days,
P(B better) < 1 - CONFIRM_P. When B takes the factor away ("at most N", "not at all"), the
other way round: a factor that went with worse days is confirmed by B being better. Anything
else (including a trial that shows nothing clear) is "not confirmed". CONFIRM_P is the power
check's threshold, so a plan with 80 % power is one that would confirm a real effect of the
chosen size 4 times in 5.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from spasmtrack.accounts.models import Person
from spasmtrack.diary.entries import RESOURCES, entries_for, habits_for, treatments_for
from spasmtrack.diary.models import Habit, Treatment
from spasmtrack.insights.daily import (
    CHECKIN_OUTCOMES,
    MAX_INTENSITY,
    MEAN_INTENSITY,
    SPASM_COUNT,
    display_name,
)
from spasmtrack.trials import days as trial_days
from spasmtrack.trials.design import PAST_DAYS, PREVIEW_SEED
from spasmtrack.trials.models import HabitGoal, Trial
from spasmtrack.trials.outcomes import (
    DEFAULT_OUTCOME,
    SYMPTOM_PREFIX,
    lower_is_better,
    priors_for,
    series,
)

CONFIRM_P = 0.95
DEFAULT_MCID = 1.0  # points on a 0-10 score, as the trial form's default

# Insights outcome name -> trial outcome key.
_TRIAL_OUTCOME = {
    **{name: key for key, (name, _lower) in CHECKIN_OUTCOMES.items()},
    SPASM_COUNT: "spasm_count",
    MAX_INTENSITY: "max_spasm_intensity",
    MEAN_INTENSITY: "mean_spasm_intensity",
}

if TYPE_CHECKING:
    # The power check needs NumPy and SciPy (half a second to import): findings only mark
    # the Insights list, so `plan_to_power` is imported where a plan is made.
    from spasmtrack.core.nof1 import PlanChoice


class ExperimentMark(TypedDict):
    status: str  # "confirmed" or "not_confirmed"
    trial: str  # the trial's id (its code)
    title: str


def trial_outcome(outcome: str) -> str | None:
    """The trial outcome key for an Insights outcome name, or None if trials cannot use it.

    Symptom series are named "headache (0–5)" in Insights and "symptom:headache" in trials.
    """
    if outcome in _TRIAL_OUTCOME:
        return _TRIAL_OUTCOME[outcome]
    if outcome.endswith(")") and " (0–" in outcome:
        return SYMPTOM_PREFIX + outcome.rsplit(" (0–", 1)[0]
    return None


def factor_name(row: Treatment | Habit) -> str:
    """How Insights names this treatment's yes/no factor, or this habit's factor."""
    return display_name(row.name, row.owner_id is not None)


def habit_for_factor(person: Person, factor: str) -> Habit | None:
    """The person's habit behind an Insights factor ("hours sitting")."""
    for h in habits_for(person):
        if factor == factor_name(h):
            return h
    return None


def _tested_factor(trial: Trial) -> Treatment | Habit:
    if trial.habit_b is not None:
        return trial.habit_b
    assert trial.treatment_b is not None  # B_IS_ONE_THING
    return trial.treatment_b


def treatment_for_factor(person: Person, factor: str) -> Treatment | None:
    """The person's treatment behind an Insights factor ("heat", or its dose "… (mg)")."""
    for t in treatments_for(person):
        name = factor_name(t)
        if factor == name or (factor.startswith(name + " (") and factor.endswith(")")):
            return t
    return None


def finding_outcomes(item: Mapping[str, Any]) -> list[str]:
    """Every outcome a finding speaks for: its `outcomes` when grouped, else its `outcome`."""
    return list(item.get("outcomes") or [item["outcome"]])


def matches(trial: Trial, item: Mapping[str, Any]) -> bool:
    """Did `trial` test this finding? Same factor as B (its treatment, or the habit it
    changes, whatever the goal), and the trial's outcome among the finding's outcomes. The
    one matching rule for the page, the API and the report."""
    name = factor_name(_tested_factor(trial))
    factor = str(item["factor"])
    same_factor = factor == name
    if trial.habit_b is None:  # a treatment's dose factor is "heat (min)"
        same_factor |= factor.startswith(name + " (") and factor.endswith(")")
    if not same_factor:
        return False
    return any(trial_outcome(o) == trial.outcome for o in finding_outcomes(item))


def verdict_of(trial: Trial, finding_verdict: str, today: date) -> str | None:
    """ "confirmed" / "not_confirmed" for a finished trial, None if it has no result."""
    if trial.status_on(today) != Trial.Status.FINISHED:
        return None
    result = trial_days.analysis(trial, today)
    if result.itt is None:
        return None
    p = result.itt.p_b_better
    if not trial.b_adds_factor:  # B is less of the factor: B better confirms "aggravates"
        p = 1 - p
    if finding_verdict == "helps":
        return "confirmed" if p > CONFIRM_P else "not_confirmed"
    return "confirmed" if p < 1 - CONFIRM_P else "not_confirmed"


def finished_trials(person: Person, today: date) -> list[Trial]:
    """The person's finished trials, newest end first (the latest result speaks)."""
    trials = [
        t
        for t in Trial.objects.for_person(person).exclude(status=Trial.Status.STOPPED)
        if t.status_on(today) == Trial.Status.FINISHED
    ]
    return sorted(trials, key=lambda t: t.schedule.end, reverse=True)


def mark_findings(
    report: Mapping[str, Any], person: Person, today: date, keys: Iterable[str] = ()
) -> dict[str, Any]:
    """A copy of `report` whose items carry `experiment`: an ExperimentMark or None.

    Only "helps" and "aggravates" findings can be confirmed; every item of the four groups
    gets the key (None when no finished trial tested it), so the shape is always the same.
    """
    trials = finished_trials(person, today)
    groups = ("helps", "aggravates", "no_clear_effect", "not_enough_data", *keys)
    out = dict(report)
    verdicts: dict[tuple[int, str], str | None] = {}
    for group in groups:
        if group not in report:
            continue
        items = []
        for item in report[group]:
            mark: ExperimentMark | None = None
            if group in ("helps", "aggravates"):
                for t in trials:
                    if not matches(t, item):
                        continue
                    if (t.pk, group) not in verdicts:
                        verdicts[(t.pk, group)] = verdict_of(t, group, today)
                    status = verdicts[(t.pk, group)]
                    if status:
                        mark = {"status": status, "trial": str(t.code), "title": t.title}
                        break
            items.append({**item, "experiment": mark})
        out[group] = items
    return out


def default_limit(values: list[float], goal: str) -> float | None:
    """A first daily limit from the person's own logged values: their lower quartile for
    "at most" (a quarter of their days already keep to it), the upper one for "at least",
    rounded to a whole unit. None with fewer than 2 values."""
    if len(values) < 2:
        return None
    low, _median, high = statistics.quantiles(values, n=4, method="inclusive")
    limit = float(math.floor((low if goal == HabitGoal.AT_MOST else high) + 0.5))
    if goal == HabitGoal.AT_LEAST:
        limit = max(limit, 1.0)  # "at least 0" would ask nothing
    return limit


def habit_change_for(
    person: Person, habit: Habit, verdict: str | None, today: date
) -> tuple[dict[str, Any], list[str]]:
    """Form values for B as a change of `habit`: less of it when the finding is that it goes
    with worse days (also when the finding's direction is not given), more of it when it
    goes with better days."""
    less = verdict != "helps"
    out: dict[str, Any] = {"habit_b": habit.key}
    if habit.kind == Habit.Kind.YES_NO:
        out["habit_goal"] = HabitGoal.AVOID.value if less else HabitGoal.DO.value
        return out, []
    goal = HabitGoal.AT_MOST if less else HabitGoal.AT_LEAST
    out["habit_goal"] = goal.value
    logs = entries_for(person, RESOURCES["habit-logs"]).filter(habit=habit)
    recent = logs.between(today - timedelta(days=PAST_DAYS), today - timedelta(days=1))
    values = [float(v) for v in recent.values_list("value", flat=True)]
    if len(values) < 2:
        values = [float(v) for v in logs.values_list("value", flat=True)]
    limit = default_limit(values, goal)
    if limit is None:
        return out, [f"Give a daily limit for “{habit.name.lower()}”: you have logged it too "
                     "rarely to suggest one."]  # fmt: skip
    out["habit_limit"] = limit
    share = "a quarter" if len(values) >= 4 else "some"
    amount = f"{limit:g} {habit.unit}".strip()
    side = "or less" if less else "or more"
    return out, [
        f"B asks for {goal.label.lower()} {amount} a day: on about {share} of your logged "
        f"days you already had {amount} {side}. Change the limit if you like."
    ]


def plan_for_finding(
    person: Person,
    factor: str,
    outcome: str,
    lag_days: int,
    today: date,
    verdict: str | None = None,
) -> tuple[dict[str, Any], PlanChoice | None, list[str]]:
    """Initial values of the experiment form for a finding, the plan chosen for 80 % power
    from the person's own past PAST_DAYS days, and notes for what could not be filled in.

    B is the factor's treatment, or a change of the factor's habit (`habit_change_for`:
    `verdict` "helps" asks for more of it, otherwise less); A the usual routine; the outcome
    the finding's (the first of a group that trials can measure). A finding with a lag (the
    next day) gets that many washout days after each switch, so the previous period's
    effect has worn off.
    """
    notes: list[str] = []
    initial: dict[str, Any] = {"treatment_a": "usual", "mcid": DEFAULT_MCID}
    treatment = treatment_for_factor(person, factor)
    habit = None if treatment is not None else habit_for_factor(person, factor)
    if treatment is not None:
        initial["treatment_b"] = treatment.key
    elif habit is not None:
        change, change_notes = habit_change_for(person, habit, verdict, today)
        initial.update(change)
        notes += change_notes
    else:
        notes.append(
            f"“{factor}” is not a treatment on your list nor one of your habits, so it cannot "
            "be condition B. Choose what to try as B."
        )
    key = trial_outcome(outcome)
    if key is None:
        key = DEFAULT_OUTCOME
        notes.append(f"Experiments cannot measure “{outcome}” yet; the daily spasm score is used.")
    initial["outcome"] = key
    washout = max(0, min(2, lag_days))
    initial["washout_days"] = washout
    from spasmtrack.core.nof1 import plan_to_power

    past = series(person, key, today - timedelta(days=PAST_DAYS), today - timedelta(days=1))
    choice = plan_to_power(
        past,
        today,
        DEFAULT_MCID,
        lower_is_better(key),
        washout_days=washout,
        schedule_seed=PREVIEW_SEED,
        priors=priors_for(person, key),
    )
    initial["period_days"], initial["blocks"] = choice.period_days, choice.blocks
    if choice.check.power is None:
        return initial, None, [*notes, choice.check.warning or ""]
    if not choice.reached:
        notes.append(
            f"Even the longest plan tried ({choice.blocks} blocks of {choice.period_days} days) "
            f"would show a real difference of {DEFAULT_MCID:g} point in only about "
            f"{choice.check.power:.0%} of cases: your scores vary a lot from day to day."
        )
    return initial, choice, notes
