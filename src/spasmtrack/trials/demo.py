"""The demo person's finished self-experiment (see spasmtrack.diary.demo_pages)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from spasmtrack.accounts.models import Person
from spasmtrack.diary.demo_pages import Demo, at

EXPERIMENT_PERIOD, EXPERIMENT_BLOCKS = 7, 3
EXPERIMENT_ENDS_DAYS_AGO = 8


def fill_demo(demo: Demo) -> int:
    """Only when the diary is long enough for one: 42 days plus a week and two before."""
    if demo.days < 2 * EXPERIMENT_PERIOD * EXPERIMENT_BLOCKS + EXPERIMENT_ENDS_DAYS_AGO + 14:
        return 0
    return _experiment(demo.person, demo.first, demo.today, demo.seed, demo.rng, demo.zone)


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
        created=at(start, 8, zone),
    )
    TrialEvent.objects.create(
        trial=trial,
        kind=TrialEvent.Kind.CREATED,
        local_date=start,
        at=at(start, 8, zone),
        detail={"text": f"seed {trial_seed}, order {' '.join(schedule.orders)}"},
    )
    off = set(rng.choice(total, size=2, replace=False).tolist())
    answers = [
        AdherenceAnswer(
            trial=trial,
            local_date=d.day,
            asked_about="B",
            used=(d.condition == "B") != (i in off),
            answered_at=at(d.day, 21, zone),
        )
        for i, d in enumerate(schedule.days)
    ]
    AdherenceAnswer.objects.bulk_create(answers)
    trial.sync_status(today)
    return 1 + len(answers)
