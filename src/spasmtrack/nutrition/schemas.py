"""JSON shapes of intakes, totals, the checklist and lifestyle changes.

`IntakeIn` is the one place an intake is validated: the API receives it as its payload and
the page forms build it from what was typed (`Intake.log` accepts either), so a page and an
API client are refused for the same reasons.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import AwareDatetime, Field, ValidationInfo, field_validator

from spasmtrack.core.catalogue import Source, ergonomics, foods
from spasmtrack.diary.carried import patch_of
from spasmtrack.strict import SingleLine, StrictIn

FOOD_UNITS = ("g", "serving")
SUPPLEMENT_UNITS = ("mg", "µg", "IU")
# Other spellings people and devices send for the same units.
UNIT_ALIASES = {
    "grams": "g",
    "gram": "g",
    "servings": "serving",
    "ug": "µg",
    "mcg": "µg",
    "μg": "µg",  # Greek mu, not the micro sign
    "iu": "IU",
}
# Typo guards, far above any real meal or supplement (2 kg of one food, 20 g of a mineral,
# 100,000 IU of vitamin D): they catch a slipped digit, they are not dose advice.
MAX_AMOUNT = {"g": 2000.0, "serving": 40.0, "mg": 20000.0, "µg": 20000.0, "IU": 100000.0}
Notes = Field("", max_length=5000)

NutrientName = Literal["magnesium", "calcium", "potassium", "vitamin_d"]
UnitName = Literal["g", "serving", "mg", "µg", "IU"]


class IntakeIn(StrictIn):
    food_id: str | None = Field(None, description="id of a food from foods.json")
    nutrient: NutrientName | None = Field(
        None, validate_default=True, description="for a supplement, instead of food_id"
    )
    unit: UnitName = Field(description="g or serving for a food; mg, µg or IU for a supplement")
    amount: float = Field(gt=0, description="in `unit`; must be above 0")
    supplemental: bool | None = Field(
        None, validate_default=True, description="default: true for a nutrient, false for a food"
    )
    at: AwareDatetime | None = None
    notes: str = Notes

    @field_validator("food_id")
    @classmethod
    def _known_food(cls, v: str | None) -> str | None:
        if v is not None and v not in foods():
            raise ValueError(f"unknown food {v!r}")
        return v

    @field_validator("nutrient")
    @classmethod
    def _food_or_nutrient(cls, v: str | None, info: ValidationInfo) -> str | None:
        food = info.data.get("food_id")
        if v is None and food is None and "food_id" in info.data:
            raise ValueError("give a food (food_id) or a supplement nutrient")
        if v is not None and food is not None:
            raise ValueError("give either a food or a supplement nutrient, not both")
        return v

    @field_validator("unit", mode="before")
    @classmethod
    def _alias(cls, v: Any) -> Any:
        return UNIT_ALIASES.get(v, v) if isinstance(v, str) else v

    @field_validator("unit")
    @classmethod
    def _unit_fits_kind(cls, v: str, info: ValidationInfo) -> str:
        if info.data.get("food_id") and v not in FOOD_UNITS:
            raise ValueError("a food is logged in servings or grams (g)")
        nutrient = info.data.get("nutrient")
        if nutrient and v not in SUPPLEMENT_UNITS:
            raise ValueError("a supplement is logged in mg, µg or IU")
        if nutrient and v == "IU" and nutrient != "vitamin_d":
            raise ValueError("IU is only used here for vitamin D")
        return v

    @field_validator("amount")
    @classmethod
    def _sane_amount(cls, v: float, info: ValidationInfo) -> float:
        unit = info.data.get("unit")
        if unit in MAX_AMOUNT and v > MAX_AMOUNT[unit]:
            raise ValueError(f"{v:g} {unit} looks like a typo (at most {MAX_AMOUNT[unit]:g})")
        return v

    @field_validator("supplemental")
    @classmethod
    def _supplemental(cls, v: bool | None, info: ValidationInfo) -> bool:
        is_food = bool(info.data.get("food_id"))
        if v and is_food:
            raise ValueError("a food cannot be supplemental: log the supplement instead")
        return (not is_food) if v is None else v


class IntakeOut(Schema):
    id: UUID = Field(alias="code")
    at: datetime
    local_date: date
    food_id: str | None
    food_name: str | None
    nutrient: str | None
    amount: float
    unit: str
    supplemental: bool
    notes: str
    nutrients: dict[str, float] = Field(description="mg; µg for vitamin D")

    @staticmethod
    def resolve_food_id(obj: Any) -> str | None:
        return obj.food_id or None

    @staticmethod
    def resolve_food_name(obj: Any) -> str | None:
        return obj.food_name if obj.food_id else None

    @staticmethod
    def resolve_nutrient(obj: Any) -> str | None:
        return obj.nutrient or None

    @staticmethod
    def resolve_nutrients(obj: Any) -> dict[str, float]:
        return {k: round(v, 3) for k, v in obj.nutrients().items()}


class ProfileIn(StrictIn):
    age: int | None = Field(None, ge=19, le=120, description="years; adult values only (19+)")
    sex: Literal["female", "male"] | None = Field(None, description="null: prefer not to say")


class ProfileOut(ProfileIn):
    pass


class NutrientRowOut(Schema):
    nutrient: str
    label: str
    amount: float
    reference: float
    percent: float
    unit: str


class DayTotalsOut(Schema):
    date: date
    nutrients: list[NutrientRowOut]
    supplemental_magnesium_mg: float
    magnesium_warning: str | None


class TotalsOut(Schema):
    since: date
    until: date
    age: int | None
    sex: str | None
    basis: str = Field(description="which reference values were used")
    days: list[DayTotalsOut] = Field(description="days with at least one intake logged")


class SourceOut(Schema):
    citation: str
    doi: str | None
    url: str | None


def sources_out(sources: tuple[Source, ...]) -> list[dict[str, str | None]]:
    return [{"citation": s.citation, "doi": s.doi, "url": s.url} for s in sources]


ChecklistStatusName = Literal["not_looked", "done", "not_relevant"]


class ChecklistItemOut(Schema):
    item: str
    title: str
    guidance: str
    status: str
    local_date: date | None
    sources: list[SourceOut]


class ChecklistIn(StrictIn):
    status: ChecklistStatusName
    local_date: date | None = Field(None, description="default: the person's today")


class ChangeIn(StrictIn):
    title: SingleLine = Field(min_length=1, max_length=120)
    category: Literal[
        "sleep", "workstation", "activity", "diet", "treatment", "footwear", "other"
    ] = "other"
    local_date: date
    notes: str = Notes

    @field_validator("title")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("say what changed")
        return v.strip()


# A PATCH of a change: ChangeIn's fields, each optional; update_change validates the whole.
ChangePatch = patch_of(ChangeIn, "ChangePatch")


class ChangeOut(Schema):
    id: UUID = Field(alias="code")
    title: str
    category: str
    local_date: date
    notes: str


def known_checklist_item(item: str) -> bool:
    return item in ergonomics()
