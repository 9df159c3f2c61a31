"""The cycle reaches Insights as factors only when tracking is on; a planted luteal-phase
effect on pain is found by the same engine as every other factor."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import time_machine

from spasmtrack.cycle.factors import CYCLE_DAY, PHASE_NAMES
from spasmtrack.cycle.models import PeriodDay
from spasmtrack.cycle.services import log_period_day, set_enabled, unlog_period_day
from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.insights.daily import diary_series
from spasmtrack.insights.services import compute_insights, diary_version
from spasmtrack.test import BaseTestCase

FIRST = date(2024, 1, 1)
CYCLE = 28
CYCLES = 7
LUTEAL = PHASE_NAMES["luteal"]


@time_machine.travel(datetime(2024, 9, 1, 12, tzinfo=UTC))
class CycleFactorsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        rng = random.Random(16)
        self.starts = [FIRST + timedelta(days=CYCLE * k) for k in range(CYCLES + 1)]
        for s in self.starts:
            for k in range(5):
                PeriodDay.objects.create(person=self.alice, local_date=s + timedelta(days=k))
        # Planted: overall pain 3 points higher in the last 14 days before each period.
        for i in range(CYCLE * CYCLES):
            day = FIRST + timedelta(days=i)
            luteal = i % CYCLE >= CYCLE - 14
            pain = min(10, max(0, round(3 + 3 * luteal + rng.gauss(0, 1))))
            create_entry(
                self.alice, RESOURCES["checkins"], {"local_date": day, "overall_pain": pain}
            )

    def test_it_adds_nothing_while_tracking_is_off(self) -> None:
        s = diary_series(self.alice)
        assert CYCLE_DAY not in s.factors and LUTEAL not in s.factors
        assert not any("cycle" in n for n in s.notes)

    def test_it_adds_cycle_day_and_phases_when_on(self) -> None:
        set_enabled(self.alice, True)
        s = diary_series(self.alice)
        assert (
            s.factors[CYCLE_DAY][FIRST] == 1 and s.factors[CYCLE_DAY][FIRST + timedelta(27)] == 28
        )
        assert s.factor_info[CYCLE_DAY].kind == "numeric"
        luteal = s.factors[LUTEAL]
        assert s.factor_info[LUTEAL].kind == "binary"
        assert luteal[FIRST + timedelta(days=13)] == 0 and luteal[FIRST + timedelta(days=14)] == 1
        assert s.factors[PHASE_NAMES["menstrual"]][FIRST + timedelta(days=4)] == 1
        assert s.factors[PHASE_NAMES["follicular"]][FIRST + timedelta(days=5)] == 1
        assert any("menstrual cycle" in n for n in s.notes)

    def test_it_finds_the_planted_luteal_effect(self) -> None:
        set_enabled(self.alice, True)
        found = compute_insights(diary_series(self.alice))["aggravates"]
        hit = [f for f in found if f["factor"] == LUTEAL and "overall pain" in f["outcomes"]]
        assert hit, [(f["factor"], f["outcome"]) for f in found]
        assert hit[0]["lag_days"] == 0
        assert hit[0]["effect"] is not None and 2 < hit[0]["effect"] < 4
        assert hit[0]["ci95"] is not None and hit[0]["ci95"][0] > 0

    def test_it_refreshes_the_cached_analysis_on_every_change(self) -> None:
        seen = {diary_version(self.alice)}
        set_enabled(self.alice, True)
        seen.add(diary_version(self.alice))
        log_period_day(self.alice, date(2024, 8, 30))
        seen.add(diary_version(self.alice))
        unlog_period_day(self.alice, date(2024, 8, 30))
        seen.add(diary_version(self.alice))
        set_enabled(self.alice, False)
        seen.add(diary_version(self.alice))
        assert len(seen) == 5
