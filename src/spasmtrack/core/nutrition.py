"""Nutrient arithmetic for logged foods and supplements (potassium, magnesium, calcium, D).

Canonical units: potassium, magnesium and calcium in mg; vitamin D in µg. Food and
supplement magnesium are kept apart because the adult upper limit (350 mg/day) applies to
supplements and medicines only; food magnesium never counts toward it. The app informs:
nothing here recommends a dose.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, NamedTuple, TypedDict

from spasmtrack.core.catalogue import AgeBand, foods, reference_intakes

NUTRIENTS = ("potassium", "magnesium", "calcium", "vitamin_d")
UNITS = {"potassium": "mg", "magnesium": "mg", "calcium": "mg", "vitamin_d": "µg"}
# Key of each nutrient in a food's per-100 g values.
_FOOD_KEYS = {
    "potassium": "potassium_mg",
    "magnesium": "magnesium_mg",
    "calcium": "calcium_mg",
    "vitamin_d": "vitamin_d_ug",
}
IU_TO_UG_VITAMIN_D = 0.025  # 1 µg = 40 IU (IOM 2011 pairs: 15 µg = 600 IU)
# Used when the person's age is unknown: the 31-50 band, the most common adult band.
DEFAULT_ADULT_AGE = 31
_MASS_TO_MG = {"mg": 1.0, "g": 1000.0, "µg": 0.001, "ug": 0.001, "mcg": 0.001}
_GRAM_UNITS = frozenset({"g", "gram", "grams"})
_SERVING_UNITS = frozenset({"serving", "servings"})


class Intake(TypedDict, total=False):
    """One logged intake. Give `food_id` (unit "g" or "serving") or `nutrient`
    (unit mg/g/µg/ug/mcg, or IU for vitamin D only). `supplemental` defaults to True for
    nutrient records and must not be True for food records."""

    date: date
    food_id: str
    nutrient: str
    amount: float
    unit: str
    supplemental: bool


class ReferenceRow(NamedTuple):
    nutrient: str
    amount: float
    reference: float
    percent: float
    unit: str


def _zero() -> dict[str, float]:
    return dict.fromkeys(NUTRIENTS, 0.0)


def nutrient_amounts(
    food_id: str, grams: float | None = None, servings: float | None = None
) -> dict[str, float]:
    """Nutrients in an amount of a catalogue food, in canonical units.

    Give exactly one of `grams` or `servings` (the food's common serving). KeyError for an
    unknown food; ValueError for a missing, doubled or negative amount.
    """
    food = foods()[food_id]
    if grams is not None and servings is None:
        weight = grams
    elif servings is not None and grams is None:
        weight = servings * food.serving.grams
    else:
        raise ValueError("give exactly one of grams or servings")
    if weight < 0:
        raise ValueError("amount cannot be negative")
    return {n: food.per_100g[_FOOD_KEYS[n]] * weight / 100.0 for n in NUTRIENTS}


def supplement_amount(nutrient: str, amount: float, unit: str) -> float:
    """`amount` of `nutrient` converted to its canonical unit (mg, or µg for vitamin D).

    Accepts mg, g, µg/ug/mcg, and IU for vitamin D only (1 IU = 0.025 µg).
    """
    if nutrient not in UNITS:
        raise ValueError(f"unknown nutrient {nutrient!r}")
    if amount < 0:
        raise ValueError("amount cannot be negative")
    if unit == "IU":
        if nutrient != "vitamin_d":
            raise ValueError("IU is only defined here for vitamin D")
        return amount * IU_TO_UG_VITAMIN_D
    if unit not in _MASS_TO_MG:
        raise ValueError(f"unknown unit {unit!r}")
    mg = amount * _MASS_TO_MG[unit]
    return mg * 1000.0 if UNITS[nutrient] == "µg" else mg


def intake_nutrients(intake: Mapping[str, Any]) -> tuple[dict[str, float], bool]:
    """The nutrients in one intake record and whether they are supplemental."""
    if "food_id" in intake:
        if intake.get("supplemental", False):
            # Food magnesium never counts toward the supplement limit, so a food record
            # flagged supplemental is ambiguous: refuse it rather than guess.
            raise ValueError("a food record cannot be supplemental; log the supplement instead")
        unit = intake["unit"]
        if unit in _GRAM_UNITS:
            return nutrient_amounts(intake["food_id"], grams=intake["amount"]), False
        if unit in _SERVING_UNITS:
            return nutrient_amounts(intake["food_id"], servings=intake["amount"]), False
        raise ValueError(f"food amounts are in g or servings, not {unit!r}")
    if "nutrient" in intake:
        amounts = _zero()
        nutrient = intake["nutrient"]
        amounts[nutrient] = supplement_amount(nutrient, intake["amount"], intake["unit"])
        return amounts, bool(intake.get("supplemental", True))
    raise ValueError("an intake needs a food_id or a nutrient")


def daily_totals(
    intakes: Iterable[Mapping[str, Any]], supplemental_only: bool = False
) -> dict[date, dict[str, float]]:
    """Per-day totals of every nutrient (canonical units), days in ascending order.

    With `supplemental_only`, only supplemental records count (for upper-limit checks).
    """
    totals: dict[date, dict[str, float]] = {}
    for intake in intakes:
        amounts, supplemental = intake_nutrients(intake)
        if supplemental_only and not supplemental:
            continue
        day = totals.setdefault(intake["date"], _zero())
        for n in NUTRIENTS:
            day[n] += amounts[n]
    return dict(sorted(totals.items()))


def weekly_totals(
    intakes: Iterable[Mapping[str, Any]], week_start: int = 0, supplemental_only: bool = False
) -> dict[date, dict[str, float]]:
    """Per-week totals keyed by the week's first day (`week_start`: 0 = Monday ... 6 = Sunday).

    These are sums over the week; divide by the days logged to compare with a daily reference.
    """
    if not 0 <= week_start <= 6:
        raise ValueError("week_start must be 0 (Monday) to 6 (Sunday)")
    weeks: dict[date, dict[str, float]] = {}
    for day, amounts in daily_totals(intakes, supplemental_only).items():
        start = day - timedelta(days=(day.weekday() - week_start) % 7)
        week = weeks.setdefault(start, _zero())
        for n in NUTRIENTS:
            week[n] += amounts[n]
    return dict(sorted(weeks.items()))


def _band_amount(bands: Iterable[AgeBand], age: int, sex: str | None) -> float:
    """The band value for age/sex; with unknown sex, the higher of the sexes' values
    so the app never overstates how much of a need is met."""
    sexes = ("male", "female") if sex not in ("male", "female") else (sex,)
    matches = [b.amount for b in bands for s in sexes if b.covers(age, s)]
    if not matches:
        raise ValueError(f"no reference value for age {age}")
    return max(matches)


def reference_for(nutrient: str, age: int | None = None, sex: str | None = None) -> float:
    """Daily RDA/AI for an adult (19+), canonical units.

    Unknown age: DEFAULT_ADULT_AGE. Unknown sex (None or anything but "male"/"female"):
    the higher of the two values. ValueError for an unknown nutrient or age under 19
    (child values are not in the catalogue).
    """
    refs = reference_intakes().nutrients
    if nutrient not in refs:
        raise ValueError(f"unknown nutrient {nutrient!r}")
    return _band_amount(refs[nutrient].bands, DEFAULT_ADULT_AGE if age is None else age, sex)


def compare_to_reference(
    totals: Mapping[str, float], age: int | None = None, sex: str | None = None
) -> list[ReferenceRow]:
    """One row per nutrient in NUTRIENTS order: amount, daily reference and percent of it."""
    rows = []
    for n in NUTRIENTS:
        amount = float(totals.get(n, 0.0))
        reference = reference_for(n, age, sex)
        rows.append(ReferenceRow(n, amount, reference, 100.0 * amount / reference, UNITS[n]))
    return rows


def supplemental_magnesium_limit(age: int | None = None) -> float:
    """The upper limit (mg/day) for magnesium from supplements and medicines."""
    limit = reference_intakes().upper_limits["magnesium_supplemental"]
    return _band_amount(limit.bands, DEFAULT_ADULT_AGE if age is None else age, None)


def magnesium_warning(intakes: Iterable[Mapping[str, Any]], age: int | None = None) -> str | None:
    """A warning when one day's SUPPLEMENTAL magnesium exceeds the upper limit, else None.

    `intakes` are the records of a single day (ValueError if they span several days).
    Magnesium from food never counts: the limit applies to supplements and medicines only.
    """
    records = list(intakes)
    days = {r["date"] for r in records if "date" in r}
    if len(days) > 1:
        raise ValueError("magnesium_warning takes the records of one day")
    supplemental = 0.0
    for record in records:
        amounts, is_supplement = intake_nutrients(record)
        if is_supplement:
            supplemental += amounts["magnesium"]
    limit = supplemental_magnesium_limit(age)
    if supplemental <= limit:
        return None
    return (
        f"Magnesium from supplements today: {supplemental:.0f} mg. That is above the "
        f"{limit:.0f} mg/day upper limit for supplemental magnesium in adults "
        "(magnesium in food does not count toward it). High supplement doses commonly "
        "cause diarrhoea; consider checking with a clinician or pharmacist, especially "
        "if you have kidney disease or take other medicines."
    )
