"""Daily measurements reach Insights as factors, one source per day, cache refreshed."""

from __future__ import annotations

from datetime import date, timedelta

import time_machine

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.insights.daily import diary_series
from spasmtrack.insights.services import diary_version
from spasmtrack.measures.factors import BOOM, PRESSURE_CHANGE, PRESSURE_DROP
from spasmtrack.measures.models import DailyMetric, Source
from spasmtrack.measures.services import update_value
from spasmtrack.test import BaseTestCase
from tests.measures.synthetic import datetime, timezone

FIRST = date(2024, 1, 1)


@time_machine.travel(datetime(2024, 3, 1, 12, tzinfo=timezone.utc))
class MeasureFactorsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        for i in range(10):
            day = FIRST + timedelta(days=i)
            create_entry(
                self.alice, RESOURCES["checkins"], {"local_date": day, "overall_pain": i % 7}
            )

    def add(self, day: date, metric: str, value: float, source: str = Source.APPLE_HEALTH) -> None:
        DailyMetric.objects.create(
            person=self.alice, local_date=day, metric=metric, value=value, source=source
        )

    def test_it_adds_each_metric_and_the_pressure_factors(self) -> None:
        pressures = [1015, 1013, 1006, 1010, 1012, 1003, 1004, 1011, 1012, 1015]
        for i, p in enumerate(pressures):
            day = FIRST + timedelta(days=i)
            self.add(day, "pressure", p, Source.WEATHER_CSV)
            self.add(day, "steps", 4000 + 500 * i)
        self.add(FIRST, "steps", 99, Source.FITBIT)  # Apple Health comes first
        s = diary_series(self.alice)
        assert s.factors["steps (thousands)"][FIRST] == 4.0
        assert s.factor_info["steps (thousands)"].unit == "1,000 steps"
        assert s.factors[PRESSURE_CHANGE][FIRST + timedelta(days=2)] == -7
        assert FIRST not in s.factors[PRESSURE_CHANGE]  # no day before it
        drops = s.factors[PRESSURE_DROP]
        assert {d for d, v in drops.items() if v} == {
            FIRST + timedelta(days=2),
            FIRST + timedelta(days=5),
        }
        assert s.factor_info[PRESSURE_DROP].kind == "binary"
        assert any("daily measurements" in n for n in s.notes)
        other = diary_series(self.charlie)
        assert "steps (thousands)" not in other.factors

    def test_it_adds_the_pacing_factor_from_the_weeks_before(self) -> None:
        for i in range(40):  # steps from 30 days before the diary starts
            self.add(FIRST + timedelta(days=i - 30), "steps", 9000 if i == 33 else 4000 + i)
        s = diary_series(self.alice)
        boom = s.factors[BOOM]
        assert min(boom) == FIRST and boom[FIRST + timedelta(days=3)] == 1.0
        assert sum(boom.values()) == 1 and s.factor_info[BOOM].kind == "binary"

    def test_it_refreshes_the_cached_analysis_when_a_value_changes(self) -> None:
        self.add(FIRST, "steps", 1000)
        before = diary_version(self.alice)
        obj = DailyMetric.objects.get()
        update_value(self.alice, obj, {"value": 2000})
        assert diary_version(self.alice) != before
