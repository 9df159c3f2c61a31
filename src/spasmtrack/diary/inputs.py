"""What a person sends for each kind of diary entry: the `*In` schemas (ranges, known region
ids, aware timestamps), which the API, the pages' forms, import and `spasmtrack log` all
validate with. Import re-validates exported documents with them, so anything the API would
refuse, import refuses too.

Plain pydantic (`spasmtrack.strict.StrictIn`), no ninja: validating an entry must not import
the API's framework (`spasmtrack log` would pay a quarter of a second for it). The read shapes
(`*Out`) are in `spasmtrack.diary.schemas`, which also offers these under the same names.

Each schema lays out the fields that need more than their model field says; `@carries(model)`
adds the model's other plain fields as the model defines them (see `spasmtrack.diary.carried`),
so a new plain field needs no edit here.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, Field, field_validator, model_validator

from spasmtrack.core.body.muscles import all_muscles
from spasmtrack.core.body.regions import unknown_regions
from spasmtrack.diary.carried import carries
from spasmtrack.diary.models import (
    EMPTY_CHECKIN,
    DailyCheckin,
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


@carries(HabitLog)
class HabitLogIn(StrictIn):
    habit: str = Field(description="key of a habit from /api/habits")
    local_date: date
    value: float = Field(1, ge=0, le=100000, description="1/0 for yes/no habits")
    notes: str = Notes


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


class CatalogueIn(StrictIn):
    name: SingleLine = Field(min_length=1, max_length=120)
    unit: SingleLine = Field("", max_length=20)


class TreatmentIn(CatalogueIn):
    category: Literal["home", "nutrition", "clinical", "lifestyle"]


class HabitIn(CatalogueIn):
    kind: Literal["yes_no", "number"] = "yes_no"
    category: SingleLine = Field("lifestyle", max_length=20)
