"""One synthetic Flaredown diary, written both as the user export (wide) and the research
export (long), so tests can check that the two importers store the same thing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

CONDITIONS = ("Fibromyalgia",)
SYMPTOMS = ("Fatigue", "Muscle spasms")
TREATMENTS = ("Magnesium", "Lyrica", "Ibuprofen")


@dataclass
class Day:
    date: date
    ratings: dict[str, int] = field(default_factory=dict)
    doses: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    foods: list[str] = field(default_factory=list)


def diary(n_days: int = 150, seed: int = 7, effect: float = 1.5) -> list[Day]:
    """Days with a planted effect: on days Magnesium was taken, "Muscle spasms" is `effect`
    points lower (before rounding to 0-4). Fatigue, Lyrica, Ibuprofen and the tags are noise."""
    rng = np.random.default_rng(seed)
    start = date(2023, 3, 1)
    out = []
    for i in range(n_days):
        d = Day(start + timedelta(days=i))
        mag = rng.random() < 0.5
        spasms = 3.0 - effect * mag + rng.normal(0, 0.6)
        d.ratings["Fibromyalgia"] = int(rng.integers(1, 4))
        if rng.random() < 0.9:
            d.ratings["Fatigue"] = int(rng.integers(0, 5))
        d.ratings["Muscle spasms"] = int(np.clip(round(spasms), 0, 4))
        if mag:
            d.doses["Magnesium"] = "400 mg"
        if rng.random() < 0.8:
            d.doses["Lyrica"] = "75 mg"
        if rng.random() < 0.3:
            d.doses["Ibuprofen"] = "200 mg, twice"
        if rng.random() < 0.4:
            d.tags.append("gardening")
        if rng.random() < 0.3:
            d.tags.append("bad sleep")
        out.append(d)
    return out


def wide_csv(days: list[Day], bom: bool = False, empty_column: bool = True) -> str:
    """The user export: Date, conditions, symptoms, treatments, Tags, Foods; one row a day."""
    extra = ("Mystery",) if empty_column else ()
    header = ["Date", *CONDITIONS, *SYMPTOMS, *extra, *TREATMENTS, "Tags", "Foods"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for d in days:
        cells = [d.date.isoformat()]
        cells += [str(d.ratings.get(n, "")) for n in (*CONDITIONS, *SYMPTOMS)]
        cells += ["" for _ in extra]
        cells += [d.doses.get(n, "") for n in TREATMENTS]
        cells += ["; ".join(d.tags), "; ".join(d.foods)]
        w.writerow(cells)
    return ("\ufeff" if bom else "") + buf.getvalue()


def long_csv(days: list[Day], user: str = "u1") -> str:
    """The research export: one row per tracked item per check-in."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        [
            "user_id",
            "age",
            "sex",
            "country",
            "checkin_date",
            "trackable_id",
            "trackable_type",
            "trackable_name",
            "trackable_value",
        ]
    )
    for d in days:
        day = d.date.isoformat()
        for name, value in d.ratings.items():
            kind = "Condition" if name in CONDITIONS else "Symptom"
            w.writerow([user, 40, "female", "DE", day, 1, kind, name, value])
        for name, dose in d.doses.items():
            w.writerow([user, 40, "female", "DE", day, 2, "Treatment", name, dose])
        for tag in d.tags:
            w.writerow([user, 40, "female", "DE", day, 3, "Tag", tag, ""])
        for food in d.foods:
            w.writerow([user, 40, "female", "DE", day, 4, "Food", food, ""])
    return buf.getvalue()
