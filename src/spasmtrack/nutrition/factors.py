"""Intake totals and recorded changes as inputs for the insights.

`daily_intake_factors` turns logged intakes into numeric per-day factors; `change_events`
lists the dated changes a before/after comparison can use. Both read only the person's live
(not binned) entries.
"""

from __future__ import annotations

from datetime import date

from spasmtrack.accounts.models import Person
from spasmtrack.core.nutrition import daily_totals
from spasmtrack.nutrition.intakes import check_range, intakes_for
from spasmtrack.nutrition.lifestyle import changes_for

# Factor name -> (nutrient, which records count: "food" | "supplement" | "all").
FACTORS: dict[str, tuple[str, str]] = {
    "magnesium from food (mg)": ("magnesium", "food"),
    "supplemental magnesium (mg)": ("magnesium", "supplement"),
    "magnesium, total (mg)": ("magnesium", "all"),
    "potassium (mg)": ("potassium", "all"),
    "calcium (mg)": ("calcium", "all"),
    "vitamin D (µg)": ("vitamin_d", "all"),
}


def daily_intake_factors(person: Person, since: date, until: date) -> dict[str, dict[date, float]]:
    """{factor name: {local day: amount}} for days in [since, until] with any intake logged.

    Every factor in FACTORS is present (possibly with an empty dict). A day appears in every
    factor as soon as the person logged anything that day, so 0.0 means "logged, none of
    this"; a day with no intake at all is absent (unknown), never 0. Days ascend.
    ValueError if since > until or the range is longer than 366 days.
    """
    check_range(since, until)
    records = [i.as_record() for i in intakes_for(person).between(since, until)]
    totals = daily_totals(records)
    supplements = daily_totals(records, supplemental_only=True)
    out: dict[str, dict[date, float]] = {name: {} for name in FACTORS}
    for day, all_amounts in totals.items():
        supplement = supplements.get(day, {})
        for name, (nutrient, which) in FACTORS.items():
            total = all_amounts[nutrient]
            from_supplements = supplement.get(nutrient, 0.0)
            value = {
                "all": total,
                "supplement": from_supplements,
                "food": total - from_supplements,
            }[which]
            out[name][day] = round(value, 3)
    return out


def change_events(person: Person) -> list[tuple[date, str]]:
    """The person's recorded changes as (local day, title), oldest first."""
    return [
        (c.local_date, c.title) for c in changes_for(person).order_by("local_date", "created", "id")
    ]
