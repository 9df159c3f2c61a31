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

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from spasmtrack.accounts.models import Person
from spasmtrack.diary.entries import RESOURCES, create_entry, entries_for

DRAWING_EVERY = 14
FOOD_DAYS = 14
# Areas a person with fibromyalgia often marks besides where the spasms were.
USUAL_AREAS = ("neck_back_left", "neck_back_right", "shoulder_top_left", "lumbar_left")
TRIGGER_POINTS = (  # muscle, side, found by, first tenderness
    ("upper_trapezius", "left", "self", 7),
    ("upper_trapezius", "right", "clinician", 6),
    ("levator_scapulae", "left", "clinician", 6),
    ("quadratus_lumborum", "left", "self", 5),
    ("gastrocnemius", "right", "self", 5),
)
FOODS = (
    *("banana", "almonds", "spinach_raw", "yogurt_plain_whole", "potato_baked"),
    *("salmon_sockeye_cooked", "pumpkin_seeds", "egg"),
)
EXPERIMENT_PERIOD, EXPERIMENT_BLOCKS = 7, 3
EXPERIMENT_ENDS_DAYS_AGO = 8
CHANGE_DAYS_AGO = 4


def _at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, 0), zone)


def fill_pages(person: Person, days: int, seed: int) -> int:
    """Add the demo's other records for the `days` days ending yesterday; returns how many.

    Deterministic for a given seed and day count (its own generator, separate from the
    diary's). Short demos get what fits: an experiment needs its 42 days plus a week.
    """
    rng = np.random.default_rng([seed, 21])
    zone = ZoneInfo(person.tz)
    today = person.today()
    first = today - timedelta(days=days)
    n = _drawings(person, first, today, rng, zone)
    n += _trigger_points(person, first, today, rng, zone)
    n += _questionnaires(person, first, today, rng, zone)
    n += _food(person, today, days, rng, zone)
    n += _change(person, today, days)
    _entered_that_evening(person, first, today, zone)
    if days >= 2 * EXPERIMENT_PERIOD * EXPERIMENT_BLOCKS + EXPERIMENT_ENDS_DAYS_AGO + 14:
        n += _experiment(person, first, today, seed, rng, zone)
    return n


def _entered_that_evening(person: Person, first: date, today: date, zone: ZoneInfo) -> None:
    """The diary was written in one go; date each check-in's entry to its own evening, as a
    person filling it in daily would have (otherwise an experiment lists 42 late entries)."""
    from spasmtrack.diary.models import DailyCheckin

    for c in DailyCheckin.objects.filter(person=person, local_date__gte=first):
        c.created = _at(c.local_date, 21, zone)
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
                {"at": _at(day, 21, zone).isoformat(), "regions": regions},
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
                    "at": _at(day, 11, zone).isoformat(),
                },
            )
            n += 1
            value = int(np.clip(value + rng.choice([-1, -1, 0, 1]), 2, 9))
            day += timedelta(days=30)
    return n


def _questionnaires(
    person: Person, first: date, today: date, rng: np.random.Generator, zone: ZoneInfo
) -> int:
    """ACR 2016 at the start and every 90 days, FIQR monthly, PEG every two weeks."""
    from spasmtrack.questionnaires.models import QuestionnaireResponse

    def ints(size: int, centre: float, top: int = 10) -> list[int]:
        return [int(v) for v in np.clip(np.round(rng.normal(centre, 1.5, size)), 0, top)]

    n = 0
    acr_areas = [
        *("neck", "upper_back", "lower_back", "shoulder_girdle_left", "shoulder_girdle_right"),
        *("upper_leg_left", "lower_leg_right", "hip_left", "jaw_left"),
    ]
    for i in range(0, (today - first).days, 1):
        day = first + timedelta(days=i)
        at = _at(day, 19, zone)
        if i % 90 == 1:
            k = int(rng.integers(7, len(acr_areas) + 1))
            answers = {
                "pain_areas": acr_areas[:k],
                "fatigue": int(rng.integers(2, 4)),
                "waking_unrefreshed": int(rng.integers(1, 4)),
                "cognitive": int(rng.integers(1, 3)),
                "headaches": 1,
                "lower_abdominal": int(rng.integers(0, 2)),
                "depression": 0,
                "symptoms_3_months": True,
            }
            QuestionnaireResponse.record(person, "acr2016", answers, at)
            n += 1
        if i % 30 == 2:
            answers = {
                "function": ints(9, 4.5),
                "overall": ints(2, 5.0),
                "symptoms": ints(10, 5.5),
            }
            QuestionnaireResponse.record(person, "fiqr", answers, at)
            n += 1
        if i % 14 == 4:
            p, e, a = ints(3, 5.0)
            QuestionnaireResponse.record(
                person, "peg", {"pain": p, "enjoyment": e, "activity": a}, at
            )
            n += 1
    return n


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
                    "at": _at(day, 8 + 4 * j, zone).isoformat(),
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


def _experiment(
    person: Person, first: date, today: date, seed: int, rng: np.random.Generator, zone: ZoneInfo
) -> int:
    """A finished stretching-vs-usual experiment on the daily spasm score, answered daily
    (two days off the schedule). With enough diary before it, its plan is the one the app
    proposes for 80 % power (`plan_to_power` on the first 60 days); otherwise 3 blocks of 7
    days. Its power check is made from the 60 days before its start, as the app does."""
    from spasmtrack.core.nof1 import make_schedule, plan_to_power, power_warning
    from spasmtrack.diary.models import Treatment
    from spasmtrack.trials.models import AdherenceAnswer, Trial, TrialEvent
    from spasmtrack.trials.outcomes import priors_for, series

    priors = priors_for(person, "spasm_burden")
    period, blocks = EXPERIMENT_PERIOD, EXPERIMENT_BLOCKS
    longest = 112  # plan_to_power's max_days
    if (today - first).days >= 60 + longest + EXPERIMENT_ENDS_DAYS_AGO:
        early = series(person, "spasm_burden", first, first + timedelta(days=59))
        choice = plan_to_power(
            early, first + timedelta(days=60), 1.0, max_days=longest, priors=priors
        )
        period, blocks = choice.period_days, choice.blocks
    total = 2 * period * blocks
    start = today - timedelta(days=total + EXPERIMENT_ENDS_DAYS_AGO)
    b = Treatment.objects.get(key="stretching_yoga", owner=None)
    trial_seed = 1_000 + seed
    past = series(person, "spasm_burden", start - timedelta(days=60), start - timedelta(days=1))
    schedule = make_schedule(start, period, blocks, seed=trial_seed)
    check = power_warning(past, schedule, 1.0, True, priors=priors)
    trial = Trial.objects.create(
        person=person,
        title=f"{b.name} vs usual routine",
        treatment_b=b,
        outcome="spasm_burden",
        mcid=1.0,
        period_days=period,
        blocks=blocks,
        start=start,
        seed=trial_seed,
        power=check.power,
        power_note=check.warning or "",
        created=_at(start, 8, zone),
    )
    TrialEvent.objects.create(
        trial=trial,
        kind=TrialEvent.Kind.CREATED,
        local_date=start,
        at=_at(start, 8, zone),
        detail={"text": f"seed {trial_seed}, order {' '.join(schedule.orders)}"},
    )
    off = set(rng.choice(total, size=2, replace=False).tolist())
    answers = [
        AdherenceAnswer(
            trial=trial,
            local_date=d.day,
            asked_about="B",
            used=(d.condition == "B") != (i in off),
            answered_at=_at(d.day, 21, zone),
        )
        for i, d in enumerate(schedule.days)
    ]
    AdherenceAnswer.objects.bulk_create(answers)
    trial.sync_status(today)
    return 1 + len(answers)
