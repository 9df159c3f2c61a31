"""JSON shapes of daily measurements (the row's id, day and timestamps are `crud.DayRowOut`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field, StrictBool

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


class WeatherSettingsIn(StrictIn):
    """The Weather page's form as JSON (the same rules: `measures.forms.WeatherSettingsForm`)."""

    enabled: StrictBool = Field(
        description="fetch the daily weather from Open-Meteo (off by default)"
    )
    place: SingleLine | None = Field(
        None,
        max_length=100,
        description="a town or city, looked up with Open-Meteo's place search when weather is "
        "on; omitted: the saved place stays",
    )
    latitude: float | None = Field(None, description="with longitude; rounded to 0.1° first")
    longitude: float | None = Field(None, description="with latitude; rounded to 0.1° first")


class WeatherSettingsOut(Schema):
    enabled: bool
    place: str
    latitude: float | None = Field(description="rounded to 0.1° (about 10 km)")
    longitude: float | None
    fetched_at: datetime | None = Field(description="the last successful fetch")
    updated: datetime | None
    sent: str = Field(description="exactly what a fetch sends, and to where")

    @staticmethod
    def resolve_sent(obj: Any) -> str:
        from spasmtrack.measures.weather import what_is_sent

        return what_is_sent(obj)
