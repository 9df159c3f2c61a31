"""The demo person's food (the last FOOD_DAYS days) and one recorded change (see
spasmtrack.diary.demo_pages)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from spasmtrack.accounts.models import Person
from spasmtrack.diary.demo_pages import Demo, at

FOOD_DAYS = 14
FOODS = (
    *("banana", "almonds", "spinach_raw", "yogurt_plain_whole", "potato_baked"),
    *("salmon_sockeye_cooked", "pumpkin_seeds", "egg"),
)
CHANGE_DAYS_AGO = 4


def fill_demo(demo: Demo) -> int:
    n = _food(demo.person, demo.today, demo.days, demo.rng, demo.zone)
    return n + _change(demo.person, demo.today, demo.days)


def _food(person: Person, today: date, days: int, rng: np.random.Generator, zone: ZoneInfo) -> int:
    """Two to four foods a day on the last FOOD_DAYS days."""
    from spasmtrack.nutrition.intakes import log_intake

    n = 0
    for back in range(min(FOOD_DAYS, days), 0, -1):
        day = today - timedelta(days=back)
        picks = rng.choice(len(FOODS), size=int(rng.integers(2, 5)), replace=False)
        for j, idx in enumerate(sorted(picks)):
            log_intake(
                person,
                {
                    "food_id": FOODS[int(idx)],
                    "unit": "serving",
                    "amount": float(rng.choice([1.0, 1.0, 2.0])),
                    "at": at(day, 8 + 4 * j, zone).isoformat(),
                },
            )
            n += 1
    return n


def _change(person: Person, today: date, days: int) -> int:
    """One dated change, CHANGE_DAYS_AGO days ago: Insights lists it as waiting for a week
    of days after it, rather than running a before/after test on a change with no effect."""
    from spasmtrack.nutrition.lifestyle import record_change

    record_change(
        person,
        {
            "title": "New desk chair with lumbar support",
            "category": "workstation",
            "local_date": today - timedelta(days=min(CHANGE_DAYS_AGO, days)),
            "notes": "Synthetic demo entry.",
        },
    )
    return 1
