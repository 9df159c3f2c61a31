"""JSON shapes of diary entries: what the API, export and import accept and return.

One schema pair per resource. `*In` validates what a person sends (`spasmtrack.diary.inputs`,
offered here under the same names); `*Out` is what we return and export: ninja Schemas, which
read a model instance's attributes, dotted aliases and `resolve_*` methods.

`@entry_out(model)` lays out each read shape: after its own fields, what every entry's read
shape ends with: who recorded it (for kinds a clinician may record), its last change and its
version, then the model's other plain fields (see `spasmtrack.diary.carried`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Schema
from pydantic import BaseModel, Field, create_model

from spasmtrack.diary.carried import entry_out
from spasmtrack.diary.inputs import MAX_DURATION_S as MAX_DURATION_S
from spasmtrack.diary.inputs import CatalogueIn as CatalogueIn
from spasmtrack.diary.inputs import CheckinFields as CheckinFields
from spasmtrack.diary.inputs import CheckinIn as CheckinIn
from spasmtrack.diary.inputs import HabitIn as HabitIn
from spasmtrack.diary.inputs import HabitLogIn as HabitLogIn
from spasmtrack.diary.inputs import MuscleEventIn as MuscleEventIn
from spasmtrack.diary.inputs import Notes as Notes
from spasmtrack.diary.inputs import OptScore as OptScore
from spasmtrack.diary.inputs import PainDrawingIn as PainDrawingIn
from spasmtrack.diary.inputs import Score as Score
from spasmtrack.diary.inputs import SymptomRatingIn as SymptomRatingIn
from spasmtrack.diary.inputs import TreatmentIn as TreatmentIn
from spasmtrack.diary.inputs import TreatmentLogIn as TreatmentLogIn
from spasmtrack.diary.inputs import TriggerPointIn as TriggerPointIn
from spasmtrack.diary.inputs import TrPStatus as TrPStatus
from spasmtrack.diary.inputs import check_muscle as check_muscle
from spasmtrack.diary.models import (
    DailyCheckin,
    Entry,
    HabitLog,
    MuscleEvent,
    PainDrawing,
    SymptomRating,
    TreatmentLog,
    TriggerPoint,
)


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


@entry_out(PainDrawing)
class PainDrawingOut(Schema):
    id: UUID = Field(alias="code")
    at: datetime
    local_date: date
    regions: dict[str, int]
    notes: str


def _read_shape(name: str, model: type[Entry], schema_in: type[BaseModel]) -> type[Schema]:
    """The read shape of a kind whose input shape says it all: the input's fields and rules
    (a ninja Schema besides, to read an entry), then the entry's id and what `entry_out` adds."""
    bases: tuple[type[Any], ...] = (schema_in, Schema)
    identified: type[Schema] = create_model(
        name, __base__=bases, __module__=__name__, id=(UUID, Field(alias="code"))
    )
    return entry_out(model)(identified)


CheckinOut = _read_shape("CheckinOut", DailyCheckin, CheckinFields)


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


@entry_out(HabitLog)
class HabitLogOut(Schema):
    id: UUID = Field(alias="code")
    habit: str = Field(alias="habit.key")
    habit_name: str = Field(alias="habit.name")
    local_date: date
    value: float
    notes: str


SymptomRatingOut = _read_shape("SymptomRatingOut", SymptomRating, SymptomRatingIn)


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


class TreatmentOut(TreatmentIn, Schema):
    key: str
    custom: bool


class HabitOut(HabitIn, Schema):
    key: str
    custom: bool


class PreconditionFailedOut(Schema):
    detail: str


class ConflictOut(Schema):
    detail: str = Field(description="what happened; nothing was saved")
    current: dict[str, Any] = Field(description="the entry as saved now (the read shape)")
