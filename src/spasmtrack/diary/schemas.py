"""JSON shapes of diary entries: what the API, export and import accept and return.

One schema pair per resource. `*In` validates what a person sends (ranges, known region ids,
aware timestamps); `*Out` is what we return and export. Import re-validates exported documents
with the same `*In` schemas, so anything the API would refuse, import refuses too.

Each schema lays out the fields that need more than their model field says; `@carries(model)`
adds the model's other plain fields as the model defines them (see `spasmtrack.diary.carried`),
so a new plain field needs no edit here. `@entry_out(model)` does the same for a `*Out`, after
its own fields adding what every entry's read shape ends with: who recorded it (for kinds a
clinician may record), its last change and its version.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import AwareDatetime, Field, create_model, field_validator, model_validator

from spasmtrack.core.body.muscles import all_muscles
from spasmtrack.core.body.regions import unknown_regions
from spasmtrack.diary.carried import carries, entry_out
from spasmtrack.diary.models import (
    EMPTY_CHECKIN,
    DailyCheckin,
    Entry,
    HabitLog,
    MuscleEvent,
    PainDrawing,
    SymptomRating,
    TreatmentLog,
    TriggerPoint,
    checkin_is_empty,
)
from spasmtrack.strict import SingleLine, StrictIn

Score = Field(ge=0, le=10, description="0-10 numeric rating scale")
OptScore = Field(None, ge=0, le=10, description="0-10, or null when skipped")
Notes = Field("", max_length=5000)
MAX_DURATION_S = 7 * 24 * 3600


def _check_regions(ids: list[str]) -> list[str]:
    if bad := unknown_regions(ids):
        raise ValueError(f"unknown region id(s): {', '.join(bad)}")
    if len(set(ids)) != len(ids):
        raise ValueError("a region is listed twice")
    return ids


def check_muscle(muscle_id: str) -> str:
    """A muscle id of the knowledge base (knowledge/muscles.json), else a clear ValueError."""
    if muscle_id not in all_muscles():
        raise ValueError(
            f"unknown muscle id {muscle_id!r}: use an id from /api/trp/muscles "
            "(or `spasmtrack trp muscles`)"
        )
    return muscle_id


TrPStatus = Literal["active", "latent", "resolved"]


@carries(MuscleEvent)
class MuscleEventIn(StrictIn):
    kind: Literal["spasm", "twitch"]
    started_at: AwareDatetime | None = None
    duration_s: int | None = Field(None, ge=0, le=MAX_DURATION_S)
    intensity: int = Score
    regions: list[str] = Field(min_length=1, max_length=116)
    suspected_trigger: SingleLine = Field("", max_length=200)
    trigger_habit: str | None = Field(None, description="key of a habit from /api/habits")
    notes: str = Notes

    _regions = field_validator("regions")(_check_regions)


@entry_out(MuscleEvent)
class MuscleEventOut(Schema):
    id: UUID = Field(alias="code")
    kind: str
    started_at: datetime
    local_date: date
    duration_s: int | None
    intensity: int
    regions: list[str]
    suspected_trigger: str
    trigger_habit: str | None = Field(None, alias="trigger_habit.key")
    notes: str


@carries(PainDrawing)
class PainDrawingIn(StrictIn):
    at: AwareDatetime | None = None
    regions: dict[str, int] = Field(min_length=1, description="{region id: intensity 0-10}")
    notes: str = Notes

    @field_validator("regions")
    @classmethod
    def _known_and_in_range(cls, v: dict[str, int]) -> dict[str, int]:
        _check_regions(list(v))
        if out := [k for k, x in v.items() if not 0 <= x <= 10]:
            raise ValueError(f"intensity must be 0-10 for: {', '.join(out)}")
        return v


@entry_out(PainDrawing)
class PainDrawingOut(Schema):
    id: UUID = Field(alias="code")
    at: datetime
    local_date: date
    regions: dict[str, int]
    notes: str


class CheckinFields(StrictIn):
    local_date: date
    overall_pain: int | None = OptScore
    spasm_burden: int | None = OptScore
    sleep_quality: int | None = OptScore
    fatigue: int | None = OptScore
    brain_fog: int | None = OptScore
    stress: int | None = OptScore
    mood: int | None = OptScore
    activity: int | None = Field(
        None,
        ge=0,
        le=10,
        description="how much you did today, 0 (rested all day) to 10 (the most you ever do)",
    )
    notes: str = Notes


@carries(DailyCheckin)
class CheckinIn(CheckinFields):
    """A new check-in, or one after an edit: an empty one is refused (it would count as a day
    checked in with nothing in it)."""

    @model_validator(mode="after")
    def _not_empty(self) -> CheckinIn:
        if checkin_is_empty(self):
            raise ValueError(EMPTY_CHECKIN)
        return self


def _read_shape(name: str, model: type[Entry], schema_in: type[Schema]) -> type[Schema]:
    """The read shape of a kind whose input shape says it all: the input's fields and rules,
    then the entry's id and what `entry_out` adds."""
    identified: type[Schema] = create_model(
        name, __base__=schema_in, __module__=__name__, id=(UUID, Field(alias="code"))
    )
    return entry_out(model)(identified)


CheckinOut = _read_shape("CheckinOut", DailyCheckin, CheckinFields)


@carries(TreatmentLog)
class TreatmentLogIn(StrictIn):
    treatment: str = Field(description="key of a treatment from /api/treatments")
    at: AwareDatetime | None = None
    amount: float | None = Field(None, ge=0)
    unit: SingleLine = Field("", max_length=20)
    duration_s: int | None = Field(None, ge=0, le=MAX_DURATION_S)
    pain_before: int | None = OptScore
    pain_after: int | None = OptScore
    notes: str = Notes


@entry_out(TreatmentLog, recorded_by=True)
class TreatmentLogOut(Schema):
    id: UUID = Field(alias="code")
    treatment: str = Field(alias="treatment.key")
    treatment_name: str = Field(alias="treatment.name")
    at: datetime
    local_date: date
    amount: float | None
    unit: str
    duration_s: int | None
    pain_before: int | None
    pain_after: int | None
    notes: str


@carries(HabitLog)
class HabitLogIn(StrictIn):
    habit: str = Field(description="key of a habit from /api/habits")
    local_date: date
    value: float = Field(1, ge=0, le=100000, description="1/0 for yes/no habits")
    notes: str = Notes


@entry_out(HabitLog)
class HabitLogOut(Schema):
    id: UUID = Field(alias="code")
    habit: str = Field(alias="habit.key")
    habit_name: str = Field(alias="habit.name")
    local_date: date
    value: float
    notes: str


@carries(SymptomRating)
class SymptomRatingIn(StrictIn):
    name: SingleLine = Field(min_length=1, max_length=100)
    local_date: date
    value: float
    scale_max: float = Field(10, gt=0, le=1000)
    notes: str = Notes

    @model_validator(mode="after")
    def _value_on_scale(self) -> SymptomRatingIn:
        if not 0 <= self.value <= self.scale_max:
            raise ValueError(f"value must be between 0 and scale_max ({self.scale_max:g})")
        return self


SymptomRatingOut = _read_shape("SymptomRatingOut", SymptomRating, SymptomRatingIn)


@carries(TriggerPoint)
class TriggerPointIn(StrictIn):
    muscle: str = Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")
    side: Literal["left", "right", "midline"]
    status: TrPStatus = Field("active", description="active, latent, or resolved (no longer found)")
    tenderness: int = Score
    found_by: Literal["self", "clinician"] = "self"
    at: AwareDatetime | None = None
    notes: str = Notes

    _muscle = field_validator("muscle")(check_muscle)


@entry_out(TriggerPoint, recorded_by=True)
class TriggerPointOut(Schema):
    id: UUID = Field(alias="code")
    muscle: str
    side: str
    status: str
    tenderness: int
    found_by: str
    at: datetime
    local_date: date
    notes: str


class CatalogueIn(StrictIn):
    name: SingleLine = Field(min_length=1, max_length=120)
    unit: SingleLine = Field("", max_length=20)


class TreatmentIn(CatalogueIn):
    category: Literal["home", "nutrition", "clinical", "lifestyle"]


class TreatmentOut(TreatmentIn):
    key: str
    custom: bool


class HabitIn(CatalogueIn):
    kind: Literal["yes_no", "number"] = "yes_no"
    category: SingleLine = Field("lifestyle", max_length=20)


class HabitOut(HabitIn):
    key: str
    custom: bool


class PreconditionFailedOut(Schema):
    detail: str


class ConflictOut(Schema):
    detail: str = Field(description="what happened; nothing was saved")
    current: dict[str, Any] = Field(description="the entry as saved now (the read shape)")
