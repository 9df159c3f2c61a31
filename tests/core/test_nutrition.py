from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from spasmtrack.core import nutrition

MON = date(2024, 3, 4)  # a Monday
TUE = date(2024, 3, 5)
SUN = date(2024, 3, 10)
NEXT_MON = date(2024, 3, 11)


def food(day: date, food_id: str, amount: float, unit: str = "g") -> dict[str, Any]:
    return {"date": day, "food_id": food_id, "amount": amount, "unit": unit}


def supplement(day: date, nutrient: str, amount: float, unit: str = "mg") -> dict[str, Any]:
    return {"date": day, "nutrient": nutrient, "amount": amount, "unit": unit, "supplemental": True}


# ---------------------------------------------------------------- unit conversion


def test_it_scales_per_100g_values_by_grams() -> None:
    # Pumpkin seeds: 592 mg Mg, 809 mg K, 46 mg Ca per 100 g (USDA SR 12014).
    got = nutrition.nutrient_amounts("pumpkin_seeds", grams=50)
    assert got == pytest.approx(
        {"potassium": 404.5, "magnesium": 296.0, "calcium": 23.0, "vitamin_d": 0.0}
    )


def test_it_converts_servings_through_the_serving_weight() -> None:
    # One medium banana is 118 g: 358 * 1.18 mg potassium.
    got = nutrition.nutrient_amounts("banana", servings=1)
    assert got["potassium"] == pytest.approx(422.44)
    # Two 3-oz (85 g) portions of sockeye salmon at 16.7 µg vitamin D per 100 g.
    salmon = nutrition.nutrient_amounts("salmon_sockeye_cooked", servings=2)
    assert salmon["vitamin_d"] == pytest.approx(28.39)


@pytest.mark.parametrize(("grams", "servings"), [(None, None), (10, 1), (-5, None)])
def test_it_rejects_a_missing_doubled_or_negative_amount(
    grams: float | None, servings: float | None
) -> None:
    with pytest.raises(ValueError):
        nutrition.nutrient_amounts("banana", grams=grams, servings=servings)


def test_it_raises_keyerror_for_an_unknown_food() -> None:
    with pytest.raises(KeyError):
        nutrition.nutrient_amounts("unicorn", grams=10)


@pytest.mark.parametrize(
    ("nutrient", "amount", "unit", "expected"),
    [
        ("magnesium", 400, "mg", 400.0),
        ("magnesium", 0.4, "g", 400.0),
        ("magnesium", 500, "µg", 0.5),
        ("calcium", 1.2, "g", 1200.0),
        ("vitamin_d", 400, "IU", 10.0),
        ("vitamin_d", 4000, "IU", 100.0),
        ("vitamin_d", 25, "µg", 25.0),
        ("vitamin_d", 25, "mcg", 25.0),
        ("vitamin_d", 0.01, "mg", 10.0),
    ],
)
def test_it_converts_supplement_units_to_canonical_units(
    nutrient: str, amount: float, unit: str, expected: float
) -> None:
    assert nutrition.supplement_amount(nutrient, amount, unit) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("nutrient", "unit"), [("magnesium", "IU"), ("magnesium", "tablets"), ("zinc", "mg")]
)
def test_it_rejects_units_it_cannot_convert(nutrient: str, unit: str) -> None:
    with pytest.raises(ValueError):
        nutrition.supplement_amount(nutrient, 1, unit)


# ---------------------------------------------------------------- totals


def test_it_totals_food_and_supplements_per_day() -> None:
    intakes = [
        food(MON, "banana", 1, "serving"),  # K 422.44, Mg 31.86, Ca 5.9
        food(MON, "almonds", 28.35),  # K 207.8055, Mg 76.545, Ca 76.2615
        supplement(MON, "magnesium", 200),
        supplement(TUE, "vitamin_d", 1000, "IU"),  # 25 µg
    ]
    totals = nutrition.daily_totals(intakes)
    assert list(totals) == [MON, TUE]
    assert totals[MON] == pytest.approx(
        {"potassium": 630.2455, "magnesium": 308.405, "calcium": 82.1615, "vitamin_d": 0.0}
    )
    assert totals[TUE] == pytest.approx(
        {"potassium": 0.0, "magnesium": 0.0, "calcium": 0.0, "vitamin_d": 25.0}
    )


def test_it_can_total_supplements_alone() -> None:
    intakes = [food(MON, "pumpkin_seeds", 100), supplement(MON, "magnesium", 150)]
    assert nutrition.daily_totals(intakes, supplemental_only=True)[MON]["magnesium"] == 150


def test_it_refuses_a_food_record_marked_supplemental() -> None:
    record = food(MON, "banana", 100) | {"supplemental": True}
    with pytest.raises(ValueError, match="supplemental"):
        nutrition.daily_totals([record])


def test_it_groups_weeks_from_monday_by_default() -> None:
    intakes = [
        supplement(MON, "calcium", 100),
        supplement(SUN, "calcium", 200),
        supplement(NEXT_MON, "calcium", 400),
    ]
    weeks = nutrition.weekly_totals(intakes)
    assert {week: t["calcium"] for week, t in weeks.items()} == {MON: 300.0, NEXT_MON: 400.0}


def test_it_groups_weeks_from_sunday_when_asked() -> None:
    intakes = [supplement(MON, "calcium", 100), supplement(SUN, "calcium", 200)]
    weeks = nutrition.weekly_totals(intakes, week_start=6)
    assert {week: t["calcium"] for week, t in weeks.items()} == {
        date(2024, 3, 3): 100.0,
        SUN: 200.0,
    }


# ---------------------------------------------------------------- references


@pytest.mark.parametrize(
    ("nutrient", "age", "sex", "expected"),
    [
        ("magnesium", 25, "male", 400),
        ("magnesium", 25, "female", 310),
        ("magnesium", 45, "female", 320),
        ("magnesium", 45, None, 420),  # unknown sex: the higher value
        ("magnesium", None, "female", 320),  # unknown age: adult default (31-50)
        ("magnesium", None, None, 420),
        ("potassium", 40, "male", 3400),
        ("potassium", 40, "female", 2600),
        ("calcium", 55, "male", 1000),
        ("calcium", 55, "female", 1200),
        ("calcium", 75, "male", 1200),
        ("vitamin_d", 40, "female", 15),
        ("vitamin_d", 75, "male", 20),
        ("vitamin_d", 40, "nonbinary", 15),
    ],
)
def test_it_looks_up_adult_references(
    nutrient: str, age: int | None, sex: str | None, expected: float
) -> None:
    assert nutrition.reference_for(nutrient, age, sex) == expected


@pytest.mark.parametrize(("nutrient", "age"), [("magnesium", 15), ("iron", 40)])
def test_it_has_no_reference_for_children_or_unknown_nutrients(nutrient: str, age: int) -> None:
    with pytest.raises(ValueError):
        nutrition.reference_for(nutrient, age, "female")


def test_it_compares_a_day_with_the_reference() -> None:
    totals = {"potassium": 1300.0, "magnesium": 240.0, "calcium": 500.0, "vitamin_d": 7.5}
    rows = nutrition.compare_to_reference(totals, age=40, sex="female")
    assert [(r.nutrient, r.reference, r.unit) for r in rows] == [
        ("potassium", 2600, "mg"),
        ("magnesium", 320, "mg"),
        ("calcium", 1000, "mg"),
        ("vitamin_d", 15, "µg"),
    ]
    assert [r.percent for r in rows] == pytest.approx([50.0, 75.0, 50.0, 50.0])


def test_it_compares_a_logged_day_end_to_end() -> None:
    # 2 cups of 2% milk (488 g): 585.6 mg calcium, 5.856 µg vitamin D; man aged 60.
    day = nutrition.daily_totals([food(MON, "milk_2pct", 2, "serving")])[MON]
    rows = {r.nutrient: r for r in nutrition.compare_to_reference(day, age=60, sex="male")}
    assert rows["calcium"].percent == pytest.approx(58.56)
    assert rows["vitamin_d"].percent == pytest.approx(39.04)


# ---------------------------------------------------------------- magnesium warning


def test_it_does_not_warn_about_800_mg_of_food_magnesium() -> None:
    seeds = food(MON, "pumpkin_seeds", 800 / 5.92)  # 800 mg magnesium from food
    assert nutrition.daily_totals([seeds])[MON]["magnesium"] == pytest.approx(800)
    assert nutrition.magnesium_warning([seeds]) is None


def test_it_warns_about_400_mg_of_supplemental_magnesium() -> None:
    warning = nutrition.magnesium_warning([supplement(MON, "magnesium", 400)])
    assert warning is not None
    assert "400 mg" in warning and "350 mg" in warning


def test_it_does_not_add_food_magnesium_to_a_300_mg_supplement() -> None:
    intakes = [supplement(MON, "magnesium", 300), food(MON, "pumpkin_seeds", 500 / 5.92)]
    assert nutrition.magnesium_warning(intakes) is None


@pytest.mark.parametrize(("mg", "warns"), [(350, False), (351, True)])
def test_it_warns_only_above_the_limit(mg: float, warns: bool) -> None:
    assert (nutrition.magnesium_warning([supplement(MON, "magnesium", mg)]) is not None) is warns


def test_it_adds_up_several_supplements_in_any_unit() -> None:
    intakes = [supplement(MON, "magnesium", 200), supplement(MON, "magnesium", 0.2, "g")]
    assert nutrition.magnesium_warning(intakes) is not None


def test_it_checks_one_day_at_a_time() -> None:
    with pytest.raises(ValueError, match="one day"):
        nutrition.magnesium_warning(
            [supplement(MON, "magnesium", 200), supplement(TUE, "magnesium", 200)]
        )
