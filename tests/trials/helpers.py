"""Shared set-up for the self-experiment tests: a trial that started in the past, planted data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np

from spasmtrack.accounts.models import Person
from spasmtrack.diary.models import DailyCheckin, Treatment, TreatmentLog
from spasmtrack.trials.models import Trial, TrialEvent

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)  # 12:00 in Berlin
TODAY = date(2026, 5, 1)


def ice() -> Treatment:
    return Treatment.objects.get_or_create(
        key="ice", defaults={"name": "Ice / cold pack", "category": "home", "unit": "min"}
    )[0]


def past_trial(
    person: Person,
    b: Treatment,
    a: Treatment | None = None,
    *,
    days_ago: int = 42,
    seed: int = 7,
    outcome: str = "spasm_burden",
    title: str = "Heat vs usual",
    **kw: object,
) -> Trial:
    """A trial that started `days_ago` days before TODAY (the form would refuse that start)."""
    trial = Trial.objects.create(
        person=person,
        title=title,
        treatment_a=a,
        treatment_b=b,
        outcome=outcome,
        start=TODAY - timedelta(days=days_ago),
        seed=seed,
        status=Trial.Status.RUNNING,
        **kw,
    )
    TrialEvent.objects.create(trial=trial, kind="created", local_date=trial.start)
    return trial


def plant_checkins(
    trial: Trial,
    effect: float,
    *,
    base: float = 6.0,
    sd: float = 0.8,
    seed: int = 1,
    follow: dict[date, str] | None = None,
    field: str = "spasm_burden",
) -> None:
    """Daily check-ins up to TODAY: base + effect on days actually under B, plus noise.

    `follow` overrides the condition actually done on some days (default: the schedule).
    """
    rng = np.random.default_rng(seed)
    rows = []
    for d in trial.schedule.days:
        if d.day > TODAY:
            break
        done = (follow or {}).get(d.day, d.condition)
        value = base + (effect if done == "B" else 0.0) + rng.normal(0, sd)
        rows.append(
            DailyCheckin(
                person=trial.person,
                local_date=d.day,
                created=datetime.combine(d.day, datetime.min.time(), UTC) + timedelta(hours=20),
                **{field: int(np.clip(round(value), 0, 10))},
            )
        )
    DailyCheckin.objects.bulk_create(rows)


def log_treatment(person: Person, treatment: Treatment, day: date) -> TreatmentLog:
    at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=10)
    return TreatmentLog.objects.create(person=person, treatment=treatment, at=at)
