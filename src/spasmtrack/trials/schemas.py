"""JSON shapes of self-experiments for the API: the inputs, and the outputs read from the
shapes the models and core already define (TrialDict, TodayDict, core.nof1's results)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field, create_model

from spasmtrack.core.nof1.results import FrequentistDict, PowerCheck, TrialResult
from spasmtrack.shapes import schema_of
from spasmtrack.strict import SingleLine, StrictIn
from spasmtrack.trials.models import TrialDict
from spasmtrack.trials.today import TodayDict


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


# Read from the shapes the code already has (spasmtrack.shapes): one list of fields each.
PowerOut = schema_of(PowerCheck, "PowerOut")
TrialOut = schema_of(TrialDict, "TrialOut")
TrialCreatedOut = create_model("TrialCreatedOut", __base__=TrialOut, power_check=(PowerOut, ...))
TodayOut = schema_of(TodayDict, "TodayOut")
FrequentistOut = schema_of(FrequentistDict, "FrequentistOut")
ResultOut = schema_of(TrialResult, "ResultOut", ci95=list[float], frequentist=FrequentistOut)


class AdherenceOut(Schema):
    counted: int
    followed: int
    deviated: int
    unknown: int
    paused: int


class AnalysisOut(Schema):
    ready: bool
    reason: str
    itt: ResultOut | None  # type: ignore[valid-type]
    per_protocol: ResultOut | None  # type: ignore[valid-type]
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
