"""JSON shapes of daily measurements (the row's id, day and timestamps are `crud.DayRowOut`)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from spasmtrack.crud import DayRange, DayRowOut
from spasmtrack.strict import SingleLine, StrictIn


class DailyMetricIn(StrictIn):
    local_date: date = Field(description="the day the value belongs to (your calendar)")
    metric: SingleLine = Field(
        max_length=40,
        description="a known metric (sleep_hours, sleep_efficiency, awakenings, steps, "
        "resting_heart_rate, hrv_sdnn, temperature_min, temperature_max, pressure, humidity, "
        "precipitation) or a name of your own",
    )
    value: float
    unit: SingleLine | None = Field(
        None, max_length=16, description="default: the metric's own unit (°F, inHg… converted)"
    )


class DailyMetricPatch(StrictIn):
    local_date: date | None = None
    metric: SingleLine | None = Field(None, max_length=40)
    value: float | None = None
    unit: SingleLine | None = Field(None, max_length=16)


class DailyMetricOut(DayRowOut):
    metric: str
    value: float
    unit: str
    source: str


class MetricFilters(DayRange):
    metric: str | None = Field(None, max_length=40)
    source: str | None = Field(None, max_length=16)
