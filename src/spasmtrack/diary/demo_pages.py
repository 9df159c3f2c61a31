"""The rest of the demo person's synthetic record, so that every page has something to show.

`core.demo` writes the daily diary (check-ins, spasms, treatments, sitting) with its planted
effects; this module adds, after it and from its own seeded generator (the diary's values
are unchanged; only each check-in's entry time is set to its own evening): pain drawings,
trigger points, the three questionnaires, two weeks of food, one dated change and one
finished self-experiment with its answers.

Nothing here plants an effect for the Insights engine to find, and nothing here is tested by
it in a 180-day demo: pain drawings come every DRAWING_EVERY days (fewer than the days a
comparison needs) and follow the day's own spasms and pain; food is logged on FOOD_DAYS days
only; the change is recent (CHANGE_DAYS_AGO days: fewer than a before/after comparison
needs after it); the experiment's B (stretching) is recorded through its yes/no answers,
not as diary treatment logs, so it adds no factor. Its result is whatever the diary's own
scores say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from spasmtrack.accounts.models import Person
from spasmtrack.diary.entries import RESOURCES, create_entry, entries_for
from spasmtrack.exchange.sections import app_modules
from spasmtrack.features import FEATURE_APPS

DRAWING_EVERY = 14
# Areas a person with fibromyalgia often marks besides where the spasms were.
USUAL_AREAS = ("neck_back_left", "neck_back_right", "shoulder_top_left", "lumbar_left")
TRIGGER_POINTS = (  # muscle, side, found by, first tenderness
    ("upper_trapezius", "left", "self", 7),
    ("upper_trapezius", "right", "clinician", 6),
    ("levator_scapulae", "left", "clinician", 6),
    ("quadratus_lumborum", "left", "self", 5),
    ("gastrocnemius", "right", "self", 5),
)


def at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, 0), zone)


def fill_pages(person: Person, days: int, seed: int) -> int:
    """Add the demo's other records for the `days` days ending yesterday; returns how many.

    Deterministic for a given seed and day count (its own generator, separate from the
    diary's). The diary's own (drawings, trigger points) come first; then each feature app
    that has a `demo` module adds its part (`fill_demo(demo) -> int`), in `FEATURE_APPS`
    order, drawing from the same generator: questionnaires, food and a change, a finished
    experiment. Short demos get what fits: an experiment needs its 42 days plus a week.
    """
    zone = ZoneInfo(person.tz)
    today = person.today()
    demo = Demo(
        person,
        today - timedelta(days=days),
        today,
        days,
        seed,
        np.random.default_rng([seed, 21]),
        zone,
    )
    n = _drawings(person, demo.first, today, demo.rng, zone)
    n += _trigger_points(person, demo.first, today, demo.rng, zone)
    _entered_that_evening(person, demo.first, today, zone)
    for module in app_modules("demo", FEATURE_APPS):
        n += int(module.fill_demo(demo))
    return n


@dataclass(frozen=True)
class Demo:
    """What an app's `fill_demo` gets: whose record, which days, and the shared generator."""

    person: Person
    first: date
    today: date
    days: int
    seed: int
    rng: np.random.Generator
    zone: ZoneInfo


def _entered_that_evening(person: Person, first: date, today: date, zone: ZoneInfo) -> None:
    """The diary was written in one go; date each check-in's entry to its own evening, as a
    person filling it in daily would have (otherwise an experiment lists 42 late entries)."""
    from spasmtrack.diary.models import DailyCheckin

    for c in DailyCheckin.objects.filter(person=person, local_date__gte=first):
        c.created = at(c.local_date, 21, zone)
        c.save(update_fields=("created",))


def _drawings(
    person: Person, first: date, today: date, rng: np.random.Generator, zone: ZoneInfo
) -> int:
    """A pain drawing every DRAWING_EVERY days: that day's spasm sites at their intensity,
    plus the usual aching areas at about the day's overall pain."""
    events = entries_for(person, RESOURCES["muscle-events"]).between(first, today)
    sites: dict[date, dict[str, int]] = {}
    for day, kind, intensity, regions in events.values_list(
        "local_date", "kind", "intensity", "regions"
    ):
        if kind == "spasm":
            for r in regions:
                sites.setdefault(day, {})[r] = max(intensity, sites.get(day, {}).get(r, 0))
    pain = dict(
        entries_for(person, RESOURCES["checkins"])
        .between(first, today)
        .values_list("local_date", "overall_pain")
    )
    n = 0
    day = first + timedelta(days=3)
    while day < today:
        regions = dict(sites.get(day, {}))
        level = pain.get(day) or 4
        for area in USUAL_AREAS:
            if rng.random() < 0.6:
                regions.setdefault(area, int(np.clip(level + rng.integers(-1, 2), 1, 10)))
        if regions:
            create_entry(
                person,
                RESOURCES["pain-drawings"],
                {"at": at(day, 21, zone).isoformat(), "regions": regions},
            )
            n += 1
        day += timedelta(days=DRAWING_EVERY)
    return n


def _trigger_points(
    person: Person, first: date, today: date, rng: np.random.Generator, zone: ZoneInfo
) -> int:
    """Each trigger point found once early on and re-checked monthly, easing a little."""
    n = 0
    span = (today - first).days
    for k, (muscle, side, found_by, tenderness) in enumerate(TRIGGER_POINTS):
        day = first + timedelta(days=5 + 3 * k)
        value = tenderness
        while day < today and (day - first).days < span:
            create_entry(
                person,
                RESOURCES["trigger-points"],
                {
                    "muscle": muscle,
                    "side": side,
                    "found_by": found_by,
                    "status": "active" if value >= 5 else "latent",
                    "tenderness": int(value),
                    "at": at(day, 11, zone).isoformat(),
                },
            )
            n += 1
            value = int(np.clip(value + rng.choice([-1, -1, 0, 1]), 2, 9))
            day += timedelta(days=30)
    return n
