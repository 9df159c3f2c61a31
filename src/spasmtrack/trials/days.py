"""Each scheduled day of a trial as it was lived: adherence, the outcome, and the analysis.

What was actually done on a day comes from the diary's TreatmentLog (A's or B's treatment
logged that local day). Where neither was logged, the person's yes/no answer to "Did you use
<treatment> that day?" decides; with no answer the day is "unknown".

When B is a habit change (A the usual routine), the diary's HabitLog of that habit decides:
a day whose logged value keeps to B's goal ("at most 6 h sitting", "no coffee") was a B day,
any other logged value an A day (the usual routine). So, as with a treatment, a B day that
missed the goal and an A day that happened to keep to it are both off the schedule. Without
a log, the answer to "Did you keep to <goal> that day?" decides in the same way. Intention-to-treat
analyses days as scheduled; per-protocol leaves out days that did not follow the schedule
(unknown days count as followed, as `core.nof1.analyse_itt_and_per_protocol` documents).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from spasmtrack.diary.entries import RESOURCES, entries_for
from spasmtrack.trials.models import AdherenceAnswer, Trial, TrialError, TrialEvent, goal_met
from spasmtrack.trials.outcomes import daily_values, late_entries, priors_for

if TYPE_CHECKING:
    # The analysis needs NumPy and SciPy (half a second to import): imported where it runs,
    # so the pages and commands that only list days (and Insights' findings) do not pay it.
    from spasmtrack.core.nof1 import ProtocolDay, TrialResult

ACTUAL_LABELS = {
    "A": "A",
    "B": "B",
    "both": "both A and B",
    "neither": "neither",
    "paused": "paused",
}


@dataclass(frozen=True)
class DayRow:
    """One scheduled day. `actual` is None while unknown (or in the future)."""

    day: date
    number: int
    block: int
    period: int
    condition: str  # as scheduled: "A" or "B"
    in_washout: bool
    counted: bool  # on or before the last day that counts (today, end, or the stop)
    paused: bool
    actual: str | None  # "A", "B", "both", "neither", "paused" or None
    source: str  # "log", "answer" or ""
    outcome: float | None
    ask: str = ""  # the adherence question for this day, e.g. "Did you use heat?"

    @property
    def followed(self) -> bool | None:
        """True/False once known; None for an unknown or future day."""
        if self.actual is None:
            return None
        return self.actual == self.condition

    @property
    def actual_label(self) -> str:
        if not self.counted:
            return ""
        return ACTUAL_LABELS.get(self.actual or "", "not recorded")


@dataclass(frozen=True)
class Adherence:
    counted: int  # days so far
    followed: int
    deviated: int
    unknown: int
    paused: int

    @property
    def share_followed(self) -> float | None:
        known = self.followed + self.deviated
        return self.followed / known if known else None


@dataclass
class Analysis:
    """ITT and per-protocol results, or the reason they are not available yet."""

    rows: list[DayRow]
    adherence: Adherence
    itt: TrialResult | None = None
    per_protocol: TrialResult | None = None
    n_deviations: int = 0
    reason: str = ""
    pp_reason: str = ""
    washout_days: int = field(default=0)

    @property
    def ready(self) -> bool:
        return self.itt is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ready": self.ready,
            "reason": self.reason,
            "itt": self.itt.to_dict() if self.itt else None,
            "per_protocol": self.per_protocol.to_dict() if self.per_protocol else None,
            "per_protocol_reason": self.pp_reason,
            "n_deviations": self.n_deviations,
            "adherence": asdict(self.adherence),
        }


def asked_about(trial: Trial, condition: str) -> str:
    """Which condition's treatment the adherence question names: never "usual routine"."""
    return condition if condition == "B" or trial.treatment_a is not None else "B"


def question(trial: Trial, condition: str, when: str = "today") -> str:
    if trial.habit_b is not None:
        # Always about B's goal (A is the usual routine): "Did you keep to “…” today?"
        return f"Did you keep to “{trial.b_name}” {when}?"
    name = trial.name_of(asked_about(trial, condition))
    if name[:1].isupper() and name[1:2].islower():
        name = name[0].lower() + name[1:]  # "Heat" -> "heat", but "TENS" stays
    return f"Did you use {name} {when}?"


def _logged(trial: Trial, since: date, until: date) -> dict[date, set[str]]:
    """Conditions whose treatment was logged, per local day (for a habit change: the
    condition the logged habit value kept to)."""
    if trial.habit_b is not None:
        habit_logs = entries_for(trial.person, RESOURCES["habit-logs"]).between(since, until)
        rows = habit_logs.filter(habit=trial.habit_b).values_list("local_date", "value")
        return {
            day: {"B" if goal_met(trial.habit_goal, trial.habit_limit, value) else "A"}
            for day, value in rows
        }
    keys: dict[int, str] = {}
    if trial.treatment_b_id:
        keys[trial.treatment_b_id] = "B"
    if trial.treatment_a_id:
        keys[trial.treatment_a_id] = "A"
    logs = entries_for(trial.person, RESOURCES["treatment-logs"]).between(since, until)
    out: dict[date, set[str]] = {}
    for day, tid in logs.filter(treatment_id__in=keys).values_list("local_date", "treatment_id"):
        out.setdefault(day, set()).add(keys[tid])
    return out


def latest_answers(trial: Trial) -> dict[date, AdherenceAnswer]:
    """The latest answer per day (earlier ones stay in the table, append-only)."""
    return {a.local_date: a for a in trial.answers.order_by("answered_at", "id")}


def _actual(
    trial: Trial, logged: set[str], answer: AdherenceAnswer | None
) -> tuple[str | None, str]:
    if logged:
        return ("both" if len(logged) == 2 else next(iter(logged))), "log"
    if answer is None:
        return None, ""
    if answer.used:
        return answer.asked_about, "answer"
    # "No" to B on a day when A is the usual routine means the day was A.
    if answer.asked_about == "B" and trial.treatment_a is None:
        return "A", "answer"
    return "neither", "answer"


def day_rows(trial: Trial, today: date) -> list[DayRow]:
    """Every scheduled day with what was done and the outcome (future days blank)."""
    s = trial.schedule
    last = trial.last_day(today)
    logged = _logged(trial, s.start, last)
    answers = latest_answers(trial)
    values = daily_values(trial.person, trial.outcome, s.start, last)
    paused = trial.paused_days()
    asks = {c: question(trial, c, "").rstrip(" ?") + "?" for c in ("A", "B")}
    rows = []
    for i, d in enumerate(s.days):
        counted = d.day <= last
        if not counted:
            actual, source = None, ""
        elif d.day in paused:
            actual, source = "paused", ""
        else:
            actual, source = _actual(trial, logged.get(d.day, set()), answers.get(d.day))
        rows.append(
            DayRow(
                day=d.day,
                number=i + 1,
                block=d.block,
                period=d.period,
                condition=d.condition,
                in_washout=d.in_washout,
                counted=counted,
                paused=d.day in paused,
                actual=actual,
                source=source,
                outcome=values.get(d.day) if counted else None,
                ask=asks[d.condition],
            )
        )
    return rows


def adherence(rows: list[DayRow]) -> Adherence:
    counted = [r for r in rows if r.counted]
    return Adherence(
        counted=len(counted),
        followed=sum(r.followed is True for r in counted),
        deviated=sum(r.followed is False and not r.paused for r in counted),
        unknown=sum(r.actual is None for r in counted),
        paused=sum(r.paused for r in counted),
    )


def protocol_days(rows: list[DayRow]) -> tuple[list[ProtocolDay], list[bool]]:
    """(date, scheduled, actual, outcome, block) rows and the washout mask, days so far."""
    counted = [r for r in rows if r.counted]
    days: list[ProtocolDay] = [
        # "both", "neither" and "paused" differ from the schedule: per-protocol drops them.
        (r.day, r.condition, r.actual, r.outcome, r.block)
        for r in counted
    ]
    return days, [r.in_washout for r in counted]


def analysis(trial: Trial, today: date) -> Analysis:
    """ITT and per-protocol analyses of the days so far (an interim look while running)."""
    from spasmtrack.core.nof1 import analyse, analyse_itt_and_per_protocol

    rows = day_rows(trial, today)
    out = Analysis(rows=rows, adherence=adherence(rows), washout_days=trial.washout_days)
    days, mask = protocol_days(rows)
    kwargs: dict[str, Any] = {
        "lower_is_better": trial.lower_is_better,
        "mcid": trial.mcid,
        "seed": trial.seed,
        "priors": priors_for(trial.person, trial.outcome),
    }
    try:
        both = analyse_itt_and_per_protocol(days, washout=mask, **kwargs)
        out.itt, out.per_protocol, out.n_deviations = both.itt, both.per_protocol, both.n_deviations
        return out
    except ValueError:
        pass  # per-protocol may have too few days left while intention-to-treat works
    out.n_deviations = sum(a is not None and a.upper() != s.upper() for _d, s, a, _y, _b in days)
    try:
        out.itt = analyse([(d, s, y, b) for d, s, _a, y, b in days], washout=mask, **kwargs)
    except ValueError as e:
        out.reason = _plain(str(e))
        return out
    out.pp_reason = "Too few days followed the schedule for a per-protocol analysis."
    return out


def _plain(message: str) -> str:
    return f"Not enough data for an analysis yet: {message[:1].lower()}{message[1:]}"


def record_answer(trial: Trial, day: date, used: bool, today: date) -> AdherenceAnswer:
    """Save a yes/no for `day`; an answer for an earlier day is logged as a past-day edit."""
    s = trial.schedule
    if not s.start <= day <= trial.last_day(today):
        raise TrialError("day", "answer only for days of the experiment up to today")
    rec = s.days[(day - s.start).days]
    about = asked_about(trial, rec.condition)
    previous = latest_answers(trial).get(day)
    answer = AdherenceAnswer.objects.create(
        trial=trial, local_date=day, asked_about=about, used=used
    )
    name = trial.name_of(about)
    text = f"{name} on {day:%a %d %b}: {'yes' if used else 'no'}"
    if previous is not None and (previous.used, previous.asked_about) != (used, about):
        text += f" (was {'yes' if previous.used else 'no'})"
    if day < today or previous is not None:
        TrialEvent.objects.create(
            trial=trial,
            kind=TrialEvent.Kind.PAST_DAY_EDIT,
            local_date=today,
            detail={"text": f"adherence answer: {text}", "day": day.isoformat()},
        )
        trial.__dict__.pop("_events", None)
    return answer


def note_late_entries(trial: Trial, today: date) -> int:
    """Log, once each, outcome scores entered more than a day after their day."""
    s = trial.schedule
    known = {
        e.detail.get("late_entry")
        for e in trial.event_list()
        if e.kind == TrialEvent.Kind.PAST_DAY_EDIT
    }
    new = 0
    for day, entered in late_entries(trial.person, trial.outcome, s.start, trial.last_day(today)):
        if day.isoformat() in known:
            continue
        TrialEvent.objects.create(
            trial=trial,
            kind=TrialEvent.Kind.PAST_DAY_EDIT,
            local_date=entered,
            detail={
                "text": f"score for {day:%a %d %b} entered on {entered:%a %d %b}",
                "late_entry": day.isoformat(),
            },
        )
        new += 1
    if new:
        trial.__dict__.pop("_events", None)
    return new


def refresh(trial: Trial, today: date) -> None:
    """Bring stored status and the event log up to date before showing a trial."""
    trial.sync_status(today)
    note_late_entries(trial, today)
