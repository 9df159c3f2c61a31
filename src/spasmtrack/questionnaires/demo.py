"""The demo person's questionnaires (see spasmtrack.diary.demo_pages): ACR 2016, FIQR, PEG."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from spasmtrack.accounts.models import Person
from spasmtrack.diary.demo_pages import Demo, at


def fill_demo(demo: Demo) -> int:
    return _questionnaires(demo.person, demo.first, demo.today, demo.rng, demo.zone)


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
        when = at(day, 19, zone)
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
            QuestionnaireResponse.record(person, "acr2016", answers, when)
            n += 1
        if i % 30 == 2:
            answers = {
                "function": ints(9, 4.5),
                "overall": ints(2, 5.0),
                "symptoms": ints(10, 5.5),
            }
            QuestionnaireResponse.record(person, "fiqr", answers, when)
            n += 1
        if i % 14 == 4:
            p, e, a = ints(3, 5.0)
            QuestionnaireResponse.record(
                person, "peg", {"pain": p, "enjoyment": e, "activity": a}, when
            )
            n += 1
    return n
