"""Charts of the daily measurements: the scale, the lines, the table, and the page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import override_settings

from spasmtrack.cycle.models import PeriodDay
from spasmtrack.cycle.services import set_enabled
from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.measures.charts import Line, charts_for, metric_chart, scale
from spasmtrack.measures.models import DailyMetric, Source
from spasmtrack.test import BaseTestCase

FIRST = date(2024, 1, 1)


@pytest.mark.parametrize(
    ("values", "from_zero", "expected"),
    [
        ([1003.2, 1026.9], False, (1000, 1030, 10)),
        ([-8.1, 7.9], False, (-10, 10, 5)),
        ([4200, 13100], True, (0, 15000, 5000)),  # steps start at 0
        ([6.5, 6.5], True, (0, 8, 2)),
        ([72.0, 72.0], False, (71, 73, 0.5)),
    ],
)
def test_it_picks_a_readable_scale_holding_every_value(
    values: list[float], from_zero: bool, expected: tuple[float, float, float]
) -> None:
    bottom, top, step = scale(values, from_zero)
    assert (bottom, top, step) == expected
    assert bottom <= min(values) and top >= max(values)


def _points(svg: str) -> list[tuple[float, float]]:
    out = []
    for pts in re.findall(r'points="([^"]+)"', svg):
        out += [tuple(map(float, p.split(","))) for p in pts.split()]  # type: ignore[misc]
    return out


def test_it_draws_pressure_on_its_own_scale_and_breaks_the_line_at_a_gap() -> None:
    series = {FIRST + timedelta(days=i): 1000.0 + i for i in range(10) if i != 5}
    chart = metric_chart(
        "Air pressure (hPa)",
        [Line("pressure", series, "#000")],
        FIRST,
        FIRST + timedelta(days=9),
        False,
        "pressure",
    )
    assert chart.svg.count("<polyline") == 2  # days 0-4 and 6-9
    ys = [y for _, y in _points(chart.svg)]
    assert max(ys) - min(ys) > 60  # the 9 hPa rise fills the plot, not a flat line at the top
    assert ">1000<" in chart.svg and ">1010<" in chart.svg
    assert chart.rows[0] == ["1 Jan 2024", "1000"] and len(chart.rows) == 9
    assert "lowest 1000, highest 1009" in chart.svg


def test_it_charts_each_measurement_known_ones_first_with_temperature_as_two_lines() -> None:
    last = FIRST + timedelta(days=199)
    days = [FIRST + timedelta(days=i) for i in range(200)]
    values = {
        "temperature_min": {d: -2.0 for d in days},
        "temperature_max": {d: 8.0 + (i % 3) for i, d in enumerate(days)},
        "steps": {d: 5000.0 + 100 * i for i, d in enumerate(days)},
        "sleep_hours": {days[3]: 7.5},
        "my_tea_cups": {days[0]: 3.0},
    }
    charts = charts_for(values, FIRST, last)
    assert [c.slug for c in charts] == ["sleep", "steps", "temperature", "my_tea_cups"]
    temperature = charts[2]
    assert temperature.bucket == "week"  # 200 days: weekly means
    assert temperature.columns == ["lowest", "highest"]
    assert temperature.svg.count("<polyline") == 2
    assert temperature.rows[0] == ["1 Jan–7 Jan 2024", "-2", "8.9"]
    assert "<circle" in charts[0].svg  # one night: a dot


def test_it_charts_the_activity_rating_after_the_steps_and_the_period_days_last() -> None:
    last = FIRST + timedelta(days=9)
    steps = {FIRST + timedelta(days=i): 4000.0 for i in range(10)}
    activity = {FIRST: 3.0, FIRST + timedelta(days=1): 8.0, FIRST + timedelta(days=4): 5.0}
    period = [FIRST + timedelta(days=2), FIRST + timedelta(days=3), date(2023, 12, 1)]
    charts = charts_for({"steps": steps}, FIRST, last, activity=activity, period_days=period)
    assert [c.slug for c in charts] == ["steps", "activity", "period"]
    rating, days = charts[1], charts[2]
    assert rating.title == "How much I did (check-in, 0–10)"
    assert ">0<" in rating.svg and ">10<" in rating.svg  # the rating's own 0-10 scale
    assert rating.svg.count("<polyline") == 1 and rating.svg.count("<circle") == 1  # a gap
    assert rating.rows == [["1 Jan 2024", "3"], ["2 Jan 2024", "8"], ["5 Jan 2024", "5"]]
    assert days.columns == ["period days"]
    assert days.svg.count("<rect") == 2  # the day outside the range is not drawn
    assert days.rows == [["3 Jan 2024", "1"], ["4 Jan 2024", "1"]]
    assert "2 period days from 2024-01-01 to 2024-01-10." in days.svg


def test_it_counts_period_days_per_week_on_a_long_range_and_draws_each_day() -> None:
    last = FIRST + timedelta(days=199)
    period = [FIRST + timedelta(days=d) for d in (0, 1, 2, 30)]
    charts = charts_for({}, FIRST, last, period_days=period)
    assert [c.bucket for c in charts] == ["week"]
    assert charts[0].rows == [["1 Jan–7 Jan 2024", "3"], ["29 Jan–4 Feb 2024", "1"]]
    assert charts[0].svg.count("<rect") == 4


def test_it_leaves_both_out_without_data_in_the_range() -> None:
    last = FIRST + timedelta(days=9)
    assert charts_for({}, FIRST, last, activity={}, period_days=[]) == []
    old = {date(2023, 1, 1): 4.0}
    assert charts_for({}, FIRST, last, activity=old, period_days=list(old)) == []


@time_machine.travel(datetime(2024, 3, 1, 12, tzinfo=UTC), tick=False)
@override_settings(SECURE_SSL_REDIRECT=False)
class ChartsPageTestCase(BaseTestCase):
    def test_it_shows_the_persons_own_measurements_only(self) -> None:
        for i in range(20):
            day = date(2024, 2, 1) + timedelta(days=i)
            DailyMetric.objects.create(
                person=self.alice,
                local_date=day,
                metric="pressure",
                value=1000 + i,
                source=Source.OPEN_METEO,
            )
        DailyMetric.objects.create(
            person=self.charlie,
            local_date=date(2024, 2, 20),
            metric="steps",
            value=4321,
        )
        self.client.force_login(self.alice_user)
        r = self.client.get("/measures/")
        self.assertContains(r, "Air pressure (hPa)")
        self.assertContains(r, '<th scope="row">20 Feb 2024</th><td>1019</td>', html=False)
        self.assertNotContains(r, "Steps")
        self.client.force_login(self.charlie_user)
        r = self.client.get("/measures/?days=30")
        self.assertNotContains(r, "Air pressure")
        self.assertNotContains(r, "1019")
        self.assertContains(r, "4321")
        r = self.client.get("/measures/?days=12345")  # not offered: the default range
        self.assertContains(r, 'aria-current="page" class="btn small primary">90 days')

    def test_it_says_how_to_get_data_when_there_is_none(self) -> None:
        self.client.force_login(self.alice_user)
        r = self.client.get("/measures/")
        self.assertContains(r, "Nothing in these days yet")
        self.assertContains(r, "online weather is off")

    def test_it_shows_the_activity_rating_and_the_period_days_only_when_cycle_tracking_is_on(
        self,
    ) -> None:
        for n, rating in ((3, 7), (2, 2)):
            day = date(2024, 3, 1) - timedelta(days=n)
            create_entry(
                self.alice,
                RESOURCES["checkins"],
                {"local_date": day.isoformat(), "overall_pain": 4, "activity": rating},
            )
        PeriodDay.objects.create(person=self.alice, local_date=date(2024, 2, 28))
        self.client.force_login(self.alice_user)
        r = self.client.get("/measures/")
        self.assertContains(r, "How much I did (check-in, 0–10)")
        self.assertContains(r, '<th scope="row">28 Feb 2024</th><td>2</td>', html=False)
        self.assertNotContains(r, "Period days")  # tracking is off: nothing shown
        self.assertNotContains(r, "Nothing in these days yet")
        set_enabled(self.alice, True)
        r = self.client.get("/measures/")
        self.assertContains(r, 'id="chart-period"')
        self.assertContains(r, '<th scope="row">28 Feb 2024</th><td>1</td>', html=False)
        self.client.force_login(self.charlie_user)  # another person sees none of it
        r = self.client.get("/measures/")
        self.assertNotContains(r, "How much I did")
        self.assertNotContains(r, "Period days")
