"""JSON shapes of self-experiments for the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from spasmtrack.strict import SingleLine, StrictIn


class TrialIn(StrictIn):
    treatment_a: str = Field("usual", description='"usual" (usual routine) or a treatment key')
    treatment_b: str = Field(
        "", description="key of a treatment from /api/treatments (or give habit_b instead)"
    )
    habit_b: str = Field(
        "",
        description="instead of treatment_b: key of a habit from /api/habits to change on B "
        "days (A is then the usual routine)",
    )
    habit_goal: Literal["at_most", "at_least", "do", "avoid"] | None = Field(
        None,
        description="with habit_b: at_most / at_least (a number habit, with habit_limit) or "
        "do / avoid (a yes/no habit)",
    )
    habit_limit: float | None = Field(
        None, description="with habit_b and at_most / at_least: the daily limit, habit's unit"
    )
    outcome: str = Field(
        "spasm_burden",
        description="a check-in item, spasm_count, or symptom:<name>",
        max_length=120,
    )
    mcid: float = Field(1.0, description="smallest difference that matters, in outcome units")
    period_days: int = 7
    blocks: int = 3
    washout_days: int = 0
    start: date | None = Field(None, description="local date; default today")
    title: SingleLine = Field("", max_length=200)


class PowerOut(Schema):
    power: float | None
    warning: str | None
    mean: float | None
    sd: float | None
    autocorrelation: float | None
    n_sims: int


class TrialOut(Schema):
    id: str
    title: str
    treatment_a: str
    treatment_a_name: str
    treatment_b: str | None  # null when B is a habit change
    treatment_b_name: str  # B's name: the treatment, or the habit change in words
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


class TrialCreatedOut(TrialOut):
    power_check: PowerOut


class TodayOut(Schema):
    trial: str
    state: str
    status: str
    text: str
    day_number: int | None
    total_days: int
    condition: str | None
    treatment: str | None
    in_washout: bool
    days_left_in_period: int | None
    actual: str | None
    ask_adherence: bool
    question: str | None
    asked_about: str | None


class FrequentistOut(Schema):
    method: str
    mean_difference: float | None
    ci95: list[float] | None
    p_value: float | None
    n_blocks: int


class ResultOut(Schema):
    effect: float
    ci95: list[float]
    p_b_better: float
    p_mcid: float
    n_days: int
    model: str
    sentence: str
    frequentist: FrequentistOut


class AdherenceOut(Schema):
    counted: int
    followed: int
    deviated: int
    unknown: int
    paused: int


class AnalysisOut(Schema):
    ready: bool
    reason: str
    itt: ResultOut | None
    per_protocol: ResultOut | None
    per_protocol_reason: str
    n_deviations: int
    adherence: AdherenceOut


class EventIn(StrictIn):
    kind: Literal["pause", "resume", "stop"]
    reason: str = Field("", max_length=500)


class EventOut(Schema):
    kind: str
    at: datetime
    local_date: date
    reason: str
    detail: dict[str, object]


class AnswerIn(StrictIn):
    day: date
    used: bool
