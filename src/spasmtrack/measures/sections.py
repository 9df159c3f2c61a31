"""The measures app's sections of the native export, backup and restore: the daily values,
and the online weather settings (on/off and the rounded place; a restored "on" stays on).

`sections(Section, each_row)` gives the `interop.native.Section`s of this app (the
constructors are passed in, so this module needs no import of interop at load time). Rows
keep their id, day, source and timestamps, so export → import → export is the same; a row
is validated like an API value, and one whose person, day, metric and source is already
stored is skipped when equal and refused when different (import never overwrites).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django.utils.timezone import now

from spasmtrack.core.formats.open_meteo import round_place
from spasmtrack.core.measures import MeasureError, checked_value, normalise_metric
from spasmtrack.core.plausible import day_problem
from spasmtrack.measures.models import DailyMetric, Source, WeatherSettings
from spasmtrack.measures.schemas import DailyMetricOut

COLUMNS = ("id", "local_date", "metric", "value", "unit", "source", "created", "updated")


def export_rows(person: Any) -> list[dict[str, Any]]:
    qs = DailyMetric.objects.filter(person=person).order_by("local_date", "metric", "source", "id")
    return [DailyMetricOut.model_validate(m).model_dump(mode="json") for m in qs]


def _when(row: dict[str, Any], key: str) -> datetime:
    text = row.get(key)
    if text is None:
        return now()
    at = datetime.fromisoformat(str(text))
    if at.tzinfo is None:
        raise ValueError(f"{key}: needs a time zone offset")
    return at


def load_row(person: Any, row: dict[str, Any]) -> None:
    """Add one exported value; ValueError (with the reason) for a bad row."""
    for key in ("local_date", "metric", "value"):
        if row.get(key) in (None, ""):
            raise ValueError(f"{key} missing")
    day = date.fromisoformat(str(row["local_date"]))
    if problem := day_problem(day, now(), person.tz):
        raise ValueError(f"local_date: {problem}")
    source = str(row.get("source") or Source.MANUAL)
    if source not in Source.values:
        raise ValueError(f"source: unknown {source!r}")
    try:
        metric = normalise_metric(str(row["metric"]))
        value, unit = checked_value(metric, float(row["value"]), row.get("unit") or None)
    except MeasureError as e:
        raise ValueError(e.reason) from None
    have = DailyMetric.objects.filter(
        person=person, local_date=day, metric=metric, source=source
    ).first()
    if have is not None:
        if (have.value, have.unit) == (value, unit):
            return
        raise ValueError(f"you already have a different {metric} on {day} from {source}")
    code = uuid.UUID(str(row["id"])) if row.get("id") else uuid.uuid4()
    if DailyMetric.objects.filter(code=code).exists():
        raise ValueError(f"value {code} already exists")
    DailyMetric.objects.create(
        person=person,
        code=code,
        local_date=day,
        metric=metric,
        value=value,
        unit=unit,
        source=source,
        created=_when(row, "created"),
        updated=_when(row, "updated"),
    )


WEATHER_COLUMNS = ("enabled", "place", "latitude", "longitude")


def export_weather(person: Any) -> list[dict[str, Any]]:
    return [
        {k: getattr(w, k) for k in WEATHER_COLUMNS}
        for w in WeatherSettings.objects.filter(person=person)
    ]


def load_weather(person: Any, row: dict[str, Any]) -> None:
    """The weather settings; the same ones already there are skipped, different ones
    refused. Coordinates are rounded again (a hand-edited file cannot store more)."""
    enabled = row.get("enabled", False)
    if isinstance(enabled, str):  # a CSV cell
        enabled = {"true": True, "false": False, "": False}.get(enabled.strip().lower(), enabled)
    if not isinstance(enabled, bool):
        raise ValueError("enabled: true or false")
    place = str(row.get("place") or "")[:120]
    lat, lon = (None if row.get(k) in (None, "") else row[k] for k in ("latitude", "longitude"))
    if (lat is None) != (lon is None):
        raise ValueError("latitude and longitude: both or neither")
    if lat is not None and lon is not None:
        try:
            lat, lon = round_place(float(lat), float(lon))
        except (TypeError, ValueError, MeasureError) as e:
            raise ValueError(f"latitude, longitude: {getattr(e, 'reason', e)}") from None
    if enabled and lat is None:
        raise ValueError("enabled needs a latitude and longitude")
    new = {"enabled": enabled, "place": place, "latitude": lat, "longitude": lon}
    have = export_weather(person)
    if have:
        if have[0] != new:
            raise ValueError("you already have different weather settings: change them first")
        return
    WeatherSettings.objects.create(person=person, **new)


def sections(section: Any, each_row: Any) -> list[Any]:
    return [
        section(
            "daily-metrics",
            COLUMNS,
            export_rows,
            each_row(load_row),
            lambda p: DailyMetric.objects.filter(person=p),
        ),
        section(
            "weather-settings",
            WEATHER_COLUMNS,
            export_weather,
            each_row(load_weather),
            lambda p: WeatherSettings.objects.filter(person=p),
        ),
    ]
