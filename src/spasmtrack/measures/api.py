"""JSON API of daily measurements: list / create / read / update / delete, the shape of
`spasmtrack.crud` (the same as the diary's).

Every handler acts on `request.auth` and reaches values through `services.get_owned`, so
another person's id is a 404. Imported values (Apple Health, Fitbit, CSV, Flaredown) can be
corrected or deleted here too; a re-import of the same file brings them back.

`/weather/settings` reads and replaces the person's online-weather settings with the Weather
page's own rules (its form, then `weather.save_settings`): off by default, coordinates
rounded to 0.1° before they are stored, a place name looked up only when weather is on.

No `from __future__ import annotations` (django-ninja reads the annotations at import time).
"""

from typing import Any

from ninja import Router

from spasmtrack.accounts.http import ApiRequest
from spasmtrack.crud import Crud, add_crud
from spasmtrack.diary.entries import EntryError
from spasmtrack.measures import schemas as s
from spasmtrack.measures import services, weather
from spasmtrack.measures.forms import WeatherSettingsForm

router = Router(tags=["measures"])

DAILY_METRICS = Crud(
    "daily-metrics",
    ("-local_date", "metric", "source", "-id"),
    (s.DailyMetricIn, s.DailyMetricPatch, s.DailyMetricOut, s.MetricFilters),
    (services.metrics_for, services.get_owned),
    (services.create_value, services.update_value, services.delete_value),
    EntryError,
)
add_crud(router, DAILY_METRICS)


@router.get(
    "/weather/settings", response=s.WeatherSettingsOut, operation_id="read_weather_settings"
)
def read_weather_settings(request: ApiRequest) -> Any:
    return weather.settings_for(request.auth)


@router.put(
    "/weather/settings", response=s.WeatherSettingsOut, operation_id="replace_weather_settings"
)
def replace_weather_settings(request: ApiRequest, payload: s.WeatherSettingsIn) -> Any:
    form = WeatherSettingsForm(data=payload.model_dump())
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        # (the one rule across fields is about the pair of coordinates)
        raise weather.SettingsError("latitude" if field == "__all__" else field, str(errors[0]))
    return weather.save_settings(weather.settings_for(request.auth), form.cleaned_data)
