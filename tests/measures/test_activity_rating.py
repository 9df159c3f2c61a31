"""Pacing from the check-in's "how much did you do" rating when there are no steps: the same
"a day well above your usual activity" factor, the same engine, the same line on Today."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import time_machine

from spasmtrack.core.measures import BOOM_RATING_POINTS, BOOM_WINDOW_DAYS, boom_days
from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.insights.daily import diary_series
from spasmtrack.insights.services import compute_insights
from spasmtrack.measures.factors import ACTIVITY_RATING, BOOM, BOOM_RATED
from spasmtrack.measures.models import DailyMetric, Source
from spasmtrack.test import BaseTestCase

FIRST = date(2024, 1, 1)
DAYS = 150
NOW = datetime(2024, 5, 30, 12, tzinfo=UTC)  # day 150 is 29 May


def test_it_counts_points_over_the_usual_for_a_rating() -> None:
    days = {FIRST + timedelta(days=i): 4.0 for i in range(BOOM_WINDOW_DAYS)}
    d = FIRST + timedelta(days=BOOM_WINDOW_DAYS)
    assert boom_days({**days, d: 4 + BOOM_RATING_POINTS}, points=BOOM_RATING_POINTS)[d] == 1
    assert boom_days({**days, d: 3 + BOOM_RATING_POINTS}, points=BOOM_RATING_POINTS)[d] == 0
    # By steps' ratio rule 7 would be "well above" 4 (> 6) and 6 not; points rule: 7 is.
    zero = {k: 0.0 for k in days}
    assert boom_days({**zero, d: 3.0}, points=BOOM_RATING_POINTS)[d] == 1  # a usual 0 too


@time_machine.travel(NOW)
class ActivityRatingPacingTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        rng = random.Random(16)
        self.booms = set()
        for i in range(DAYS):
            day = FIRST + timedelta(days=i)
            boom = i >= BOOM_WINDOW_DAYS and i % 6 == 0
            if boom:
                self.booms.add(day)
            rating = 8 if boom else rng.choice((3, 4, 5))
            # Planted: pain 3 points higher on the day after a boom day.
            after = (day - timedelta(days=1)) in self.booms
            pain = min(10, max(0, round(3 + 3 * after + rng.gauss(0, 0.8))))
            create_entry(
                self.alice,
                RESOURCES["checkins"],
                {"local_date": day, "overall_pain": pain, "activity": rating},
            )

    def test_it_makes_the_pacing_factor_from_the_rating(self) -> None:
        s = diary_series(self.alice)
        boom = s.factors[BOOM_RATED]
        assert {d for d, v in boom.items() if v} == self.booms
        assert s.factor_info[BOOM_RATED].kind == "binary" and BOOM not in s.factors
        assert s.factors[ACTIVITY_RATING][FIRST] in (3, 4, 5)
        assert s.factor_info[ACTIVITY_RATING].kind == "numeric"
        assert not any("daily measurements" in n for n in s.notes)  # nothing imported

    def test_it_finds_the_planted_bust_the_day_after(self) -> None:
        found = compute_insights(diary_series(self.alice))["aggravates"]
        hit = [f for f in found if f["factor"] == BOOM_RATED and "overall pain" in f["outcomes"]]
        assert hit, [(f["factor"], f["outcome"], f["lag_days"]) for f in found]
        assert hit[0]["lag_days"] == 1 and hit[0]["ci95"] is not None and hit[0]["ci95"][0] > 0

    def test_it_uses_steps_when_there_are_any(self) -> None:
        for i in range(DAYS):
            DailyMetric.objects.create(
                person=self.alice,
                local_date=FIRST + timedelta(days=i),
                metric="steps",
                value=5000 + (9000 if i % 9 == 0 and i > 30 else 0),
                source=Source.FITBIT,
            )
        s = diary_series(self.alice)
        assert BOOM in s.factors and BOOM_RATED not in s.factors
        assert ACTIVITY_RATING in s.factors  # the rating itself stays a factor

    def test_it_shows_the_weekly_line_on_today_from_the_rating(self) -> None:
        self.client.force_login(self.alice_user)
        r = self.client.get("/")
        week = {FIRST + timedelta(days=DAYS - 1 - k) for k in range(7)}
        n = len(week & self.booms)
        assert n >= 1
        self.assertContains(r, f"{n} day{'s' if n > 1 else ''} above your usual activity")
        self.assertContains(r, "“how much did you do” rating 3 or more points over your median")
