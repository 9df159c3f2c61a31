"""Self-experiments: a randomised n-of-1 trial of A vs B, its event log and adherence answers.

The A/B schedule is never stored: `Trial.schedule` derives it from the stored parameters and
seed with `core.nof1.make_schedule`, so it cannot drift from what was randomised. Pausing,
stopping early and editing past days are appended to `TrialEvent`, never rewritten.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from django.db import models, transaction
from django.utils.timezone import now

from spasmtrack.accounts.models import AppendOnly, Person
from spasmtrack.diary.entries import EntryError
from spasmtrack.diary.models import Habit, Treatment
from spasmtrack.trials.outcomes import lower_is_better, outcome_label

if TYPE_CHECKING:  # the design module is imported where a schedule is made, not at setup
    from spasmtrack.core.nof1 import Schedule

USUAL = "usual"
USUAL_LABEL = "Usual routine"


class TrialError(EntryError):
    """A change refused for a reason the person can fix; the API answers 422 (field, message)."""


def new_seed() -> int:
    """The randomisation seed, drawn from the OS's secure source and then recorded."""
    return secrets.randbelow(2**32)


class TrialQuerySet(models.QuerySet["Trial"]):
    def for_person(self, person: Person) -> TrialQuerySet:
        return self.filter(person=person).select_related("treatment_a", "treatment_b", "habit_b")


class HabitGoal(models.TextChoices):
    """What condition B asks of a habit: a daily limit for a number habit, do or avoid for a
    yes/no habit. A (the usual routine) asks nothing."""

    AT_MOST = "at_most", "At most"
    AT_LEAST = "at_least", "At least"
    DO = "do", "Every day"
    AVOID = "avoid", "Not at all"


# Plain strings (not the enum members), so the migration's check constraint reads as values.
NUMBER_GOALS: tuple[str, ...] = ("at_most", "at_least")
YES_NO_GOALS: tuple[str, ...] = ("do", "avoid")


def goal_met(goal: str, limit: float | None, value: float) -> bool:
    """Does a logged habit value keep to B's goal? Yes/no habits log 1 (yes) or 0 (no)."""
    if goal == HabitGoal.AT_MOST:
        return limit is not None and value <= limit
    if goal == HabitGoal.AT_LEAST:
        return limit is not None and value >= limit
    if goal == HabitGoal.DO:
        return value >= 0.5
    return value < 0.5  # AVOID


def habit_change_name(habit: Habit, goal: str, limit: float | None) -> str:
    """How condition B reads: "Hours sitting: at most 6 h a day", "Stretching done: not at all"."""
    if goal in NUMBER_GOALS:
        amount = f"{limit:g} {habit.unit}".strip()
        return f"{habit.name}: {HabitGoal(goal).label.lower()} {amount} a day"
    return f"{habit.name}: {HabitGoal(goal).label.lower()}"


# B is a treatment, or a habit change compared with the usual routine (A empty): never both.
B_IS_ONE_THING = (
    models.Q(treatment_b__isnull=False, habit_b__isnull=True, habit_goal="")
    & models.Q(habit_limit__isnull=True)
) | (
    models.Q(treatment_b__isnull=True, habit_b__isnull=False, treatment_a__isnull=True)
    & (
        models.Q(habit_goal__in=NUMBER_GOALS, habit_limit__isnull=False)
        | models.Q(habit_goal__in=YES_NO_GOALS, habit_limit__isnull=True)
    )
)


class TrialDict(TypedDict):
    id: str
    title: str
    treatment_a: str
    treatment_a_name: str
    treatment_b: str | None
    treatment_b_name: str
    b_kind: Literal["treatment", "habit"]
    habit_b: str | None
    habit_b_name: str | None
    habit_goal: str | None
    habit_limit: float | None
    outcome: str
    outcome_label: str
    lower_is_better: bool
    mcid: float
    period_days: int
    blocks: int
    washout_days: int
    start: date
    end: date
    total_days: int
    orders: list[str]
    seed: int
    status: str
    power: float | None
    power_note: str
    created: datetime


class Trial(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        STOPPED = "stopped", "Stopped early"
        FINISHED = "finished", "Finished"

    person = models.ForeignKey(Person, models.CASCADE, related_name="trials")
    code = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    title = models.CharField(max_length=200)
    # Empty = "usual routine": condition A is simply not using B.
    treatment_a = models.ForeignKey(
        Treatment, models.PROTECT, null=True, blank=True, related_name="+"
    )
    # B is either a treatment (treatment_b) or a change of a habit (habit_b with its goal and,
    # for a number habit, the daily limit); `B_IS_ONE_THING` holds exactly one of the two.
    treatment_b = models.ForeignKey(
        Treatment, models.PROTECT, null=True, blank=True, related_name="+"
    )
    habit_b = models.ForeignKey(Habit, models.PROTECT, null=True, blank=True, related_name="+")
    habit_goal = models.CharField(max_length=8, choices=HabitGoal.choices, blank=True, default="")
    habit_limit = models.FloatField(null=True, blank=True)
    outcome = models.CharField(max_length=120, default="spasm_burden")
    mcid = models.FloatField(default=1.0)
    period_days = models.PositiveSmallIntegerField(default=7)
    blocks = models.PositiveSmallIntegerField(default=3)
    washout_days = models.PositiveSmallIntegerField(default=0)
    start = models.DateField()
    seed = models.BigIntegerField(default=new_seed)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PLANNED)
    # The power check made at creation from the person's past data (CENT item 7a).
    power = models.FloatField(null=True, blank=True)
    power_note = models.TextField(blank=True, default="")
    created = models.DateTimeField(default=now)

    objects = TrialQuerySet.as_manager()

    class Meta:
        indexes = [
            # The list page and the Today banner read one person's trials.
            models.Index(fields=["person", "status"], name="trial_person_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=B_IS_ONE_THING,
                name="trial_b_treatment_or_habit",
                violation_error_message=(
                    "B is either a treatment or a habit change (a habit with its goal, and a "
                    "daily limit for a number habit, compared with the usual routine), "
                    "never both or neither"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start})"

    # --- design ---------------------------------------------------------------------------

    @cached_property
    def schedule(self) -> Schedule:
        """The randomised schedule, derived from the stored parameters and seed."""
        from spasmtrack.core.nof1 import make_schedule

        return make_schedule(
            self.start,
            self.period_days,
            self.blocks,
            seed=self.seed,
            washout_days=self.washout_days,
        )

    @property
    def lower_is_better(self) -> bool:
        return lower_is_better(self.outcome)

    @property
    def outcome_label(self) -> str:
        return outcome_label(self.outcome)

    @property
    def a_key(self) -> str:
        return self.treatment_a.key if self.treatment_a else USUAL

    @property
    def a_name(self) -> str:
        return self.treatment_a.name if self.treatment_a else USUAL_LABEL

    @property
    def b_name(self) -> str:
        if self.habit_b is not None:
            return habit_change_name(self.habit_b, self.habit_goal, self.habit_limit)
        assert self.treatment_b is not None  # B_IS_ONE_THING
        return self.treatment_b.name

    @property
    def b_adds_factor(self) -> bool:
        """True when B is more of its factor (a treatment, "at least", "every day"); False
        when B is less of it ("at most", "not at all")."""
        return self.habit_goal not in (HabitGoal.AT_MOST, HabitGoal.AVOID)

    def name_of(self, condition: str | None) -> str:
        return self.a_name if condition == "A" else self.b_name

    def short_code(self) -> str:
        return self.code.hex[:8]

    # --- status and events ----------------------------------------------------------------

    def stopped_on(self) -> date | None:
        ev = [e for e in self.event_list() if e.kind == TrialEvent.Kind.STOPPED]
        return ev[0].local_date if ev else None

    def event_list(self) -> list[TrialEvent]:
        if not hasattr(self, "_events"):
            self._events = list(self.events.order_by("at", "id"))
        return self._events

    def paused_days(self) -> set[date]:
        """Days inside a pause: from the day it was paused up to (not including) the resume day."""
        days: set[date] = set()
        paused_from: date | None = None
        for e in self.event_list():
            if e.kind == TrialEvent.Kind.PAUSED:
                paused_from = e.local_date
            elif e.kind in (TrialEvent.Kind.RESUMED, TrialEvent.Kind.STOPPED) and paused_from:
                days |= _span(paused_from, e.local_date - timedelta(days=1))
                paused_from = None
        if paused_from is not None:
            days |= _span(paused_from, self.schedule.end)
        return days

    def status_on(self, today: date) -> str:
        """The status on the person's `today`: stopped and paused are explicit, the rest dates."""
        if self.status == self.Status.STOPPED:
            return self.Status.STOPPED
        if today > self.schedule.end:
            return self.Status.FINISHED
        if self.status == self.Status.PAUSED:
            return self.Status.PAUSED
        return self.Status.PLANNED if today < self.start else self.Status.RUNNING

    def sync_status(self, today: date) -> None:
        """Store the date-derived status (planned → running → finished) when it changed."""
        current = self.status_on(today)
        if current != self.status:
            # Filtered update: a concurrent stop or pause wins over the calendar.
            Trial.objects.filter(pk=self.pk, status=self.status).update(status=current)
            self.status = current

    def last_day(self, today: date) -> date:
        """The last day that counts: today, the planned end or the day it was stopped."""
        return min(today, self.schedule.end, self.stopped_on() or self.schedule.end)

    @transaction.atomic
    def record(self, kind: str, today: date, reason: str = "", **detail: Any) -> TrialEvent:
        """Append an event and apply its status change (pause/resume/stop), validated."""
        status = self.status_on(today)
        if kind == TrialEvent.Kind.PAUSED and status != self.Status.RUNNING:
            raise TrialError("kind", f"only a running experiment can be paused (it is {status})")
        if kind == TrialEvent.Kind.RESUMED and status != self.Status.PAUSED:
            raise TrialError("kind", "only a paused experiment can be resumed")
        if kind == TrialEvent.Kind.STOPPED:
            if status in (self.Status.STOPPED, self.Status.FINISHED):
                raise TrialError("kind", f"the experiment is already {status}")
            if not reason.strip():
                raise TrialError("reason", "say briefly why you stop early (it goes in the report)")
        event = TrialEvent.objects.create(
            trial=self, kind=kind, local_date=today, reason=reason.strip(), detail=detail
        )
        transitions: dict[str, str] = {
            TrialEvent.Kind.PAUSED: self.Status.PAUSED,
            TrialEvent.Kind.RESUMED: self.Status.RUNNING,
            TrialEvent.Kind.STOPPED: self.Status.STOPPED,
        }
        new_status = transitions.get(kind)
        if new_status:
            self.status = new_status
            self.save(update_fields=("status",))
            self.sync_status(today)
        self.__dict__.pop("_events", None)
        return event

    def to_dict(self) -> TrialDict:
        s = self.schedule
        return {
            "id": str(self.code),
            "title": self.title,
            "treatment_a": self.a_key,
            "treatment_a_name": self.a_name,
            "treatment_b": self.treatment_b.key if self.treatment_b else None,
            "treatment_b_name": self.b_name,
            "b_kind": "habit" if self.habit_b else "treatment",
            "habit_b": self.habit_b.key if self.habit_b else None,
            "habit_b_name": self.habit_b.name if self.habit_b else None,
            "habit_goal": self.habit_goal or None,
            "habit_limit": self.habit_limit,
            "outcome": self.outcome,
            "outcome_label": self.outcome_label,
            "lower_is_better": self.lower_is_better,
            "mcid": self.mcid,
            "period_days": self.period_days,
            "blocks": self.blocks,
            "washout_days": self.washout_days,
            "start": self.start,
            "end": s.end,
            "total_days": s.total_days,
            "orders": list(s.orders),
            "seed": self.seed,
            "status": self.status,
            "power": self.power,
            "power_note": self.power_note,
            "created": self.created,
        }


def _span(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


class TrialEvent(AppendOnly):
    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        PAUSED = "paused", "Paused"
        RESUMED = "resumed", "Resumed"
        STOPPED = "stopped", "Stopped early"
        PAST_DAY_EDIT = "past_day_edit", "Past day recorded later"

    trial = models.ForeignKey(Trial, models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField(default=now)
    local_date = models.DateField()  # the person's day when it happened
    reason = models.TextField(blank=True, default="")
    detail = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} on {self.local_date}"

    def summary(self) -> str:
        text = self.get_kind_display()
        if self.detail.get("text"):
            text += f": {self.detail['text']}"
        if self.reason:
            text += f" (reason: {self.reason})"
        return text


class AdherenceAnswer(AppendOnly):
    """A yes/no to "Did you use <treatment> on <day>?"; the latest answer for a day counts.

    Earlier answers stay (append-only), so a changed answer is visible, not rewritten.
    """

    trial = models.ForeignKey(Trial, models.CASCADE, related_name="answers")
    local_date = models.DateField()
    asked_about = models.CharField(max_length=1, choices=[("A", "A"), ("B", "B")])
    used = models.BooleanField()
    answered_at = models.DateTimeField(default=now)

    class Meta:
        indexes = [
            # Adherence is read per trial and day.
            models.Index(fields=["trial", "local_date"], name="adherence_trial_day"),
        ]

    def __str__(self) -> str:
        return f"{self.local_date}: used {self.asked_about} = {self.used}"


def find_trial(person: Person, ref: str) -> Trial:
    """A trial by full code or an unambiguous prefix of at least 6 hex digits (for the CLI).

    Raises LookupError with a message for the person on no match, an ambiguous or short prefix.
    """
    text = ref.strip().lower()
    try:
        return Trial.objects.for_person(person).get(code=uuid.UUID(text))
    except (ValueError, Trial.DoesNotExist):
        pass
    compact = text.replace("-", "")
    if len(compact) < 6 or any(c not in "0123456789abcdef" for c in compact):
        raise LookupError(f"no experiment {ref!r} (give its id or at least 6 of its first digits)")
    hits = [t for t in Trial.objects.for_person(person) if t.code.hex.startswith(compact)]
    if not hits:
        raise LookupError(f"no experiment whose id starts with {ref!r}")
    if len(hits) > 1:
        raise LookupError(f"{ref!r} matches {len(hits)} experiments: give more digits")
    return hits[0]
