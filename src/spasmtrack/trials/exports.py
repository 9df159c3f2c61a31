"""The self-experiments' sections of the native export: each trial with its recorded seed,
its event log and the adherence answers (see `spasmtrack.exchange.sections`). A trial is
checked by the same design rules as the form and API (`check_design`) and saved by
`restore_trial`, keeping the seed that randomised it."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Literal

from django.utils.timezone import now
from pydantic import AwareDatetime, BaseModel, Field

from spasmtrack.accounts.models import Person
from spasmtrack.diary.entries import require_plausible
from spasmtrack.exchange.sections import Row, Section, as_json, columns, each_row, new_code
from spasmtrack.trials.days import asked_about
from spasmtrack.trials.design import check_design, restore_trial
from spasmtrack.trials.models import AdherenceAnswer, Trial, TrialEvent, TrialQuerySet
from spasmtrack.trials.schemas import EventOut, TrialOut

PLANNING_HORIZON = timedelta(days=366)  # an experiment may be planned up to a year ahead
DESIGN_KEYS: tuple[str, ...] = ("title", "treatment_a", "treatment_b", "outcome", "mcid")
DESIGN_KEYS += ("period_days", "blocks", "washout_days", "start")
DESIGN_KEYS += ("habit_b", "habit_goal", "habit_limit")  # B as a habit change (added later)


class TrialRow(BaseModel):
    """A trial as stored: the design, and the seed that randomised it (never re-drawn).

    B is `treatment_b` or, in exports made since habit changes exist, `habit_b` with
    `habit_goal` and `habit_limit`; older exports have only `treatment_b` and still load."""

    id: uuid.UUID | None = None
    title: str = Field("", max_length=200)
    treatment_a: str = "usual"
    treatment_b: str | None = None
    habit_b: str | None = None
    habit_goal: str | None = None
    habit_limit: float | None = None
    outcome: str = "spasm_burden"
    mcid: float = 1.0
    period_days: int = 7
    blocks: int = 3
    washout_days: int = 0
    start: date
    seed: int = Field(ge=0, lt=2**63)
    status: Literal["planned", "running", "paused", "stopped", "finished"] = "planned"
    power: float | None = Field(None, ge=0, le=1)
    power_note: str = ""
    created: AwareDatetime | None = None


def _trials_of(person: Person) -> TrialQuerySet:
    return Trial.objects.for_person(person).order_by("created", "code")


def _export_trials(person: Person) -> list[Row]:
    return [as_json(TrialOut, t.to_dict()) for t in _trials_of(person)]


def _load_trial(person: Person, row: Row) -> None:
    r = TrialRow.model_validate(row)
    code = new_code(Trial, r.id, "experiment")
    require_plausible(person, PLANNING_HORIZON, start=r.start, created=r.created)
    # The design rules of the form and API, judged as on the day it started (a start in the
    # past is refused when creating, not when restoring).
    design = check_design(person, r.model_dump(include=set(DESIGN_KEYS)), today=r.start)
    restore_trial(
        person,
        design,
        code=code,
        seed=r.seed,
        status=r.status,
        power=r.power,
        power_note=r.power_note,
        created=r.created or now(),
    )


def _own_trial(person: Person, code: uuid.UUID) -> Trial:
    found = Trial.objects.for_person(person).filter(code=code).first()
    if found is None:
        raise ValueError(f"trial: no experiment {code} (it must be in the trials section)")
    return found


class TrialEventRow(EventOut):
    trial: uuid.UUID
    reason: str = ""
    detail: dict[str, object] = Field(default_factory=dict)


def _export_trial_events(person: Person) -> list[Row]:
    qs = TrialEvent.objects.filter(trial__person=person).select_related("trial")
    qs = qs.order_by("trial__created", "trial__code", "at", "id")
    return [as_json(TrialEventRow, {**as_json(EventOut, e), "trial": e.trial.code}) for e in qs]


def _load_trial_event(person: Person, row: Row) -> None:
    r = TrialEventRow.model_validate(row)
    if r.kind not in TrialEvent.Kind.values:
        raise ValueError(f"kind: unknown experiment event {r.kind!r}")
    require_plausible(person, at=r.at, local_date=r.local_date)
    TrialEvent.objects.create(
        trial=_own_trial(person, r.trial),
        kind=r.kind,
        at=r.at,
        local_date=r.local_date,
        reason=r.reason,
        detail=r.detail,
    )


class AnswerRow(BaseModel):
    trial: uuid.UUID
    local_date: date
    asked_about: Literal["A", "B"]
    used: bool
    answered_at: AwareDatetime


def _export_answers(person: Person) -> list[Row]:
    qs = AdherenceAnswer.objects.filter(trial__person=person).select_related("trial")
    qs = qs.order_by("trial__created", "trial__code", "answered_at", "id")
    return [
        as_json(
            AnswerRow,
            {
                "trial": a.trial.code,
                "local_date": a.local_date,
                "asked_about": a.asked_about,
                "used": a.used,
                "answered_at": a.answered_at,
            },
        )
        for a in qs
    ]


def _load_answer(person: Person, row: Row) -> None:
    r = AnswerRow.model_validate(row)
    require_plausible(person, local_date=r.local_date, answered_at=r.answered_at)
    trial = _own_trial(person, r.trial)
    s = trial.schedule
    if not s.start <= r.local_date <= s.end:
        raise ValueError(f"local_date: {r.local_date} is not a day of experiment {r.trial}")
    expected = asked_about(trial, s.days[(r.local_date - s.start).days].condition)
    if r.asked_about != expected:
        raise ValueError(f"asked_about: the question on {r.local_date} was about {expected}")
    AdherenceAnswer.objects.create(
        trial=trial,
        local_date=r.local_date,
        asked_about=r.asked_about,
        used=r.used,
        answered_at=r.answered_at,
    )


SECTIONS: tuple[Section, ...] = (
    Section(
        "trials",
        columns(TrialOut),
        _export_trials,
        each_row(_load_trial),
        lambda p: Trial.objects.filter(person=p),
        frozenset({"orders"}),
    ),
    Section(
        "trial-events",
        columns(TrialEventRow, first=("trial",)),
        _export_trial_events,
        each_row(_load_trial_event),
        lambda p: TrialEvent.objects.filter(trial__person=p),
        frozenset({"detail"}),
    ),
    Section(
        "adherence-answers",
        columns(AnswerRow),
        _export_answers,
        each_row(_load_answer),
        lambda p: AdherenceAnswer.objects.filter(trial__person=p),
    ),
)
