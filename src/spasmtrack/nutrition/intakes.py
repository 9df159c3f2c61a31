"""Ownership, writes and totals of intakes, shared by the page, the API and the factors.

Every lookup by code goes through `accounts.owned.owned_or_404` (with live rows only), which
scopes the query to one person and raises Http404 for anyone else's (or a binned) entry.
Totals are computed by `spasmtrack.core.nutrition` from the person's records; nothing here
recommends an amount.

A magnesium supplement logged as a *treatment* (the catalogue's magnesium treatments, e.g.
the quick log's "400mg magnesium glycinate") counts too: its mg amount is a supplemental
magnesium record in the totals and toward the supplemental upper-limit warning, exactly once
(an intake and a treatment log are separate entries; nothing is copied between them). The
logged mg are read as elemental magnesium, as supplement labels usually state it. The
Insights factors keep the treatment as a treatment factor and do not add it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from spasmtrack.accounts.models import Person
from spasmtrack.core.catalogue import Food, foods
from spasmtrack.core.nutrition import (
    DEFAULT_ADULT_AGE,
    NUTRIENTS,
    compare_to_reference,
    daily_totals,
    magnesium_warning,
    supplemental_magnesium_limit,
    weekly_totals,
)
from spasmtrack.diary.entries import require_plausible
from spasmtrack.diary.models import EntryQuerySet, TreatmentLog
from spasmtrack.nutrition.models import Intake, NutritionProfile

if TYPE_CHECKING:  # ninja and pydantic stay out of what Insights imports (its factors)
    from spasmtrack.nutrition.schemas import IntakeIn

LABELS = {
    "potassium": "Potassium",
    "magnesium": "Magnesium",
    "calcium": "Calcium",
    "vitamin_d": "Vitamin D",
}
MAX_RANGE_DAYS = 366


def intakes_for(person: Person) -> EntryQuerySet[Intake]:
    return Intake.objects.filter(person=person).live()


def log_intake(person: Person, data: IntakeIn | Mapping[str, Any]) -> Intake:
    """Validate (if given a mapping; raises pydantic ValidationError) and save an intake."""
    from spasmtrack.nutrition.schemas import IntakeIn

    if not isinstance(data, IntakeIn):
        data = IntakeIn.model_validate(dict(data))
    values = data.model_dump()
    require_plausible(person, at=values["at"])
    if values["at"] is None:
        del values["at"]
    values["food_id"] = values["food_id"] or ""
    values["nutrient"] = values["nutrient"] or ""
    intake = Intake(person=person, **values)
    intake.save()
    return intake


def search_foods(query: str) -> list[Food]:
    """Catalogue foods whose name or a synonym contains every word of `query`.

    Best matches first: a name or synonym that starts with the query, then the rest, each
    group in catalogue order. An empty query returns every food in name order.
    """
    everything = sorted(foods().values(), key=lambda f: f.name.lower())
    words = query.lower().split()
    if not words:
        return everything
    first: list[Food] = []
    rest: list[Food] = []
    for food in everything:
        names = [food.name.lower(), *(s.lower() for s in food.synonyms)]
        if not any(all(w in n for w in words) for n in names):
            continue
        target = first if any(n.startswith(words[0]) for n in names) else rest
        target.append(food)
    return first + rest


# ---------------------------------------------------------------- totals


@dataclass(frozen=True)
class Profile:
    age: int | None
    sex: str | None

    @property
    def basis(self) -> str:
        """Plain words for which reference values are used."""
        age = f"age {self.age}" if self.age else f"adults {DEFAULT_ADULT_AGE}-50 (age not given)"
        sex = self.sex or "the higher of the values for women and men (sex not given)"
        return f"US/Canadian Dietary Reference Intakes for {age}, {sex}"


def profile_of(person: Person) -> Profile:
    p = NutritionProfile.for_person(person)
    return Profile(p.age, p.sex_or_none)


def _rows(totals: Mapping[str, float], profile: Profile) -> list[dict[str, Any]]:
    return [
        {
            "nutrient": r.nutrient,
            "label": LABELS[r.nutrient],
            "amount": round(r.amount, 1),
            "reference": r.reference,
            "percent": round(r.percent, 1),
            "unit": r.unit,
        }
        for r in compare_to_reference(totals, profile.age, profile.sex)
    ]


def _records(intakes: Iterable[Intake]) -> list[dict[str, Any]]:
    return [i.as_record() for i in intakes]


# Catalogue treatments (knowledge/treatments.json ids) that are a nutrient supplement, and
# which nutrient their amount is.
TREATMENT_NUTRIENTS = {"magnesium": "magnesium", "magnesium_malate": "magnesium"}
_TREATMENT_UNITS = ("mg", "g")


def treatment_records(
    person: Person, since: date | None = None, until: date | None = None
) -> list[dict[str, Any]]:
    """Supplemental nutrient records from the person's live treatment logs of supplement
    treatments in [since, until] (a log without an amount in mg or g adds nothing)."""
    logs = (
        TreatmentLog.objects.filter(
            person=person,
            treatment__key__in=TREATMENT_NUTRIENTS,
            treatment__owner__isnull=True,
            amount__isnull=False,
            unit__in=_TREATMENT_UNITS,
        )
        .live()
        .between(since, until)
        .values_list("local_date", "treatment__key", "amount", "unit")
    )
    return [
        {
            "date": day,
            "nutrient": TREATMENT_NUTRIENTS[key],
            "amount": amount,
            "unit": unit,
            "supplemental": True,
        }
        for day, key, amount, unit in logs
    ]


def nutrition_records(person: Person, since: date, until: date) -> list[dict[str, Any]]:
    """Everything that counts toward the nutrient totals in [since, until]: intakes and
    supplement treatment logs."""
    return _records(intakes_for(person).between(since, until)) + treatment_records(
        person, since, until
    )


def day_totals(records: list[dict[str, Any]], profile: Profile) -> list[dict[str, Any]]:
    """One dict per day that has records (ascending): nutrient rows vs the daily reference,
    supplemental magnesium and the magnesium warning of `core.nutrition` (or None)."""
    supplemental = daily_totals(records, supplemental_only=True)
    by_day: dict[date, list[dict[str, Any]]] = {}
    for r in records:
        by_day.setdefault(r["date"], []).append(r)
    out = []
    for day, totals in daily_totals(records).items():
        out.append(
            {
                "date": day,
                "nutrients": _rows(totals, profile),
                "supplemental_magnesium_mg": round(
                    supplemental.get(day, {}).get("magnesium", 0.0), 1
                ),
                "magnesium_warning": magnesium_warning(by_day[day], profile.age),
            }
        )
    return out


def check_range(since: date, until: date) -> None:
    """ValueError unless since <= until and the range is at most MAX_RANGE_DAYS long."""
    if since > until:
        raise ValueError("since must be on or before until")
    if (until - since).days + 1 > MAX_RANGE_DAYS:
        raise ValueError(f"ask for at most {MAX_RANGE_DAYS} days at a time")


def totals(person: Person, since: date, until: date) -> dict[str, Any]:
    """Daily totals vs reference for days in [since, until] that have intakes (TotalsOut)."""
    check_range(since, until)
    profile = profile_of(person)
    records = nutrition_records(person, since, until)
    return {
        "since": since,
        "until": until,
        "age": profile.age,
        "sex": profile.sex,
        "basis": profile.basis,
        "days": day_totals(records, profile),
    }


@dataclass(frozen=True)
class WeekSummary:
    start: date
    days_logged: int
    average_rows: list[dict[str, Any]]  # per logged day, vs the daily reference
    days: list[dict[str, Any]]  # day_totals of the week


def week_start(today: date) -> date:
    return today - timedelta(days=today.weekday())


def week_summary(
    person: Person,
    today: date,
    profile: Profile,
    treatments: list[dict[str, Any]] | None = None,
) -> WeekSummary:
    """This week (Monday to `today`): per-day totals and the average per day logged.

    `treatments`: this week's `treatment_records`, when the caller has read them already."""
    start = week_start(today)
    if treatments is None:
        treatments = treatment_records(person, start, today)
    records = _records(intakes_for(person).between(start, today)) + treatments
    days = day_totals(records, profile)
    week = weekly_totals(records).get(start, dict.fromkeys(NUTRIENTS, 0.0))
    n = len(days)
    average = {k: v / n for k, v in week.items()} if n else week
    return WeekSummary(start, n, _rows(average, profile), days)


def magnesium_limit(profile: Profile) -> float:
    return supplemental_magnesium_limit(profile.age)
