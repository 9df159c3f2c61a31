"""JSON shapes of the trigger-point API (/api/trp/...)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, field_validator

from spasmtrack.core.body.muscles import MuscleDict
from spasmtrack.core.body.referral import CandidateDict
from spasmtrack.shapes import schema_of
from spasmtrack.strict import StrictIn

Intensity = Annotated[int, Field(ge=0, le=10)]


class FindIn(StrictIn):
    regions: dict[str, Intensity] | list[str] = Field(
        description="{region id: intensity 0-10} or a list of region ids (all equally painful)"
    )
    limit: int = Field(5, ge=1, le=50, description="at most this many muscles")

    @field_validator("regions")
    @classmethod
    def _not_empty(cls, v: dict[str, int] | list[str]) -> dict[str, int] | list[str]:
        if not v:
            raise ValueError("pick at least one painful region")
        return v


CandidateOut = schema_of(
    CandidateDict,
    "CandidateOut",
    side=Literal["left", "right", "both"],
    score=Annotated[float, Field(description="share of the ranking, 0-1 (all muscles sum to 1)")],
)


class CombinationPartOut(Schema):
    muscle: str
    name: str
    side: Literal["left", "right", "both"]
    explains: list[str]


class CombinationOut(Schema):
    muscles: list[CombinationPartOut]
    coverage: float
    single_coverage: float
    better_than_single: bool
    unexplained: list[str]


class FindOut(Schema):
    candidates: list[CandidateOut]  # type: ignore[valid-type]
    combination: CombinationOut | None = Field(
        description="null unless several muscles together explain the drawing clearly better"
    )


class ErrorDetail(Schema):
    loc: list[str | int]
    msg: str
    type: str
    ids: list[str] = Field(default_factory=list, description="the unknown region ids")


class FindErrorOut(Schema):
    detail: list[ErrorDetail]


class MuscleSourceOut(Schema):
    citation: str
    url: str | None = None
    doi: str | None = None
    isbn: str | None = None


MuscleOut = schema_of(
    MuscleDict,
    "MuscleOut",
    doc="One muscle as stored: region ids are written for the LEFT side (mirror for the right).",
    sources=list[MuscleSourceOut],
)


class TrendOut(Schema):
    n: int
    first_day: date
    last_day: date
    slope_per_week: float | None
    p_value: float | None
    direction: Literal["falling", "rising", "flat"]


class TrPEntryOut(Schema):
    id: str
    local_date: date
    status: str
    tenderness: int
    found_by: str


class MuscleSideOut(Schema):
    muscle: str
    name: str
    side: str
    latest_status: str
    latest_tenderness: int
    entries: list[TrPEntryOut]
    trend: TrendOut


class WeekOut(Schema):
    start: date
    end: date
    active: int


class PatternOut(Schema):
    flagged: bool
    weeks: list[WeekOut]
    message: str | None


class SummaryOut(Schema):
    muscle_sides: list[MuscleSideOut]
    pattern: PatternOut
