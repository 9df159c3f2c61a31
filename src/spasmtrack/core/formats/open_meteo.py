"""Daily weather from Open-Meteo (open-meteo.com), free and without a key: the requests and
the reading of their answers. Pure: no network here (`measures.weather` sends the requests).

What a request carries, and nothing else: the latitude and longitude rounded to 0.1° (about
10 km, `round_place`), the first and last day, the names of the five daily values, and
`timezone=auto` (days in the place's own time zone, so the person's time zone is not sent).
Place search (`places_url`) sends the name typed in, to the geocoding service.

- Historical Weather API, `ARCHIVE_URL` (reanalysis; its newest days arrive with a delay
  of about 5 days): every day up to `ARCHIVE_LAG_DAYS` before today.
- Forecast API, `FORECAST_URL`, for the days since (its model runs, also for past days).
  Both take `start_date`, `end_date` and `daily=`; days it has no value for come as null
  and are left out. A later fetch replaces a forecast day with the archive's value.

Daily variables (Open-Meteo's names → ours, in their default units °C, hPa, %, mm):
temperature_2m_min/max, pressure_msl_mean (mean sea-level pressure, so the day-to-day
change is weather, not altitude), relative_humidity_2m_mean, precipitation_sum.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from spasmtrack.core.measures import (
    HUMIDITY,
    PRECIPITATION,
    PRESSURE,
    TEMP_MAX,
    TEMP_MIN,
    DailyValue,
    MeasureError,
    checked_value,
)

ARCHIVE_URL = "https://archive-api.open-meteo.com/v1/archive"
FORECAST_URL = "https://api.open-meteo.com/v1/forecast"
GEOCODING_URL = "https://geocoding-api.open-meteo.com/v1/search"
ARCHIVE_LAG_DAYS = 7  # days before today the archive may not have yet: ask the forecast
FIRST_DAY = date(1940, 1, 1)  # the archive's first day
MAX_DAYS = 20 * 366  # one fetch: 20 years
ROUND_TO = 1  # decimals of a degree kept: 0.1° is 11 km of latitude
PLACE_RESULTS = 10

DAILY: dict[str, str] = {
    "temperature_2m_min": TEMP_MIN,
    "temperature_2m_max": TEMP_MAX,
    "pressure_msl_mean": PRESSURE,
    "relative_humidity_2m_mean": HUMIDITY,
    "precipitation_sum": PRECIPITATION,
}


def round_place(latitude: float, longitude: float) -> tuple[float, float]:
    """(latitude, longitude) rounded to 0.1°; MeasureError when not a place on Earth."""
    for name, value, limit in (("latitude", latitude, 90), ("longitude", longitude, 180)):
        if not math.isfinite(value) or not -limit <= value <= limit:
            raise MeasureError(f"{name} must be between -{limit} and {limit}, got {value:g}")
    lat, lon = round(latitude, ROUND_TO), round(longitude, ROUND_TO)
    if lon == -180.0:
        lon = 180.0
    return lat + 0.0, lon + 0.0  # no "-0.0"


def _query(lat: float, lon: float, first: date, last: date) -> str:
    lat, lon = round_place(lat, lon)  # never send more than the rounded place
    return urlencode(
        {
            "latitude": f"{lat:.1f}",
            "longitude": f"{lon:.1f}",
            "start_date": first.isoformat(),
            "end_date": last.isoformat(),
            "daily": ",".join(DAILY),
            "timezone": "auto",
        }
    )


def weather_urls(lat: float, lon: float, first: date, last: date, today: date) -> list[str]:
    """The requests for the days [first, last]: the archive, then the forecast API for the
    last ARCHIVE_LAG_DAYS up to today. MeasureError for a range it cannot ask for."""
    if first > last:
        raise MeasureError(f"the first day {first} is after the last day {last}")
    if first < FIRST_DAY:
        raise MeasureError(f"Open-Meteo's weather starts on {FIRST_DAY}, not {first}")
    if last > today:
        raise MeasureError(f"{last} is in the future: weather can be fetched up to today")
    if (last - first).days + 1 > MAX_DAYS:
        raise MeasureError(f"at most {MAX_DAYS:,} days at once; fetch a shorter range")
    recent = today - timedelta(days=ARCHIVE_LAG_DAYS - 1)
    urls = []
    if first < recent:
        urls.append(f"{ARCHIVE_URL}?{_query(lat, lon, first, min(last, recent - timedelta(1)))}")
    if last >= recent:
        urls.append(f"{FORECAST_URL}?{_query(lat, lon, max(first, recent), last)}")
    return urls


def _refusal(payload: Any) -> str | None:
    if isinstance(payload, Mapping) and payload.get("error"):
        return str(payload.get("reason") or "no reason given")[:200]
    return None


def daily_values(payload: Any) -> list[DailyValue]:
    """The daily values of one weather answer (days without a value are left out).

    MeasureError naming the problem for an answer that is not Open-Meteo's daily table, for
    its error answer ({"error": true, "reason": …}) and for an implausible value."""
    if (reason := _refusal(payload)) is not None:
        raise MeasureError(f"Open-Meteo answered: {reason}")
    daily = payload.get("daily") if isinstance(payload, Mapping) else None
    if not isinstance(daily, Mapping) or not isinstance(daily.get("time"), list):
        raise MeasureError("the answer has no daily table (not an Open-Meteo weather answer)")
    units = payload.get("daily_units")
    units = units if isinstance(units, Mapping) else {}
    days: list[date] = []
    for text in daily["time"]:
        try:
            days.append(date.fromisoformat(str(text)))
        except ValueError:
            raise MeasureError(f"the answer has an unreadable day {str(text)[:20]!r}") from None
    out: list[DailyValue] = []
    for name, metric in DAILY.items():
        column = daily.get(name)
        if column is None:
            continue
        if not isinstance(column, list) or len(column) != len(days):
            raise MeasureError(f"the answer's {name} does not match its days")
        unit = units.get(name)
        for day, value in zip(days, column, strict=True):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise MeasureError(f"{day}: {name} is not a number")
            try:
                v, canonical = checked_value(metric, float(value), str(unit) if unit else None)
            except MeasureError as e:
                raise MeasureError(f"{day}: {e.reason}") from None
            out.append(DailyValue(day, metric, v, canonical))
    return out


@dataclass(frozen=True)
class Place:
    name: str  # "Berlin, Land Berlin, Germany"
    latitude: float  # rounded to 0.1°
    longitude: float


def places_url(name: str) -> str:
    """The place search for a name (MeasureError when too short to search for)."""
    name = " ".join(name.split())
    if len(name.split(",")[0].strip()) < 2:
        raise MeasureError("type at least two letters of the place's name")
    if len(name) > 100:
        raise MeasureError("a place name of at most 100 characters")
    town = name.split(",")[0].strip()
    query = urlencode({"name": town, "count": PLACE_RESULTS, "language": "en", "format": "json"})
    return f"{GEOCODING_URL}?{query}"


def places(payload: Any, typed: str) -> list[Place]:
    """The places found, best first, each rounded to 0.1°. What follows a comma in `typed`
    ("Paris, France", "Paris, TX") keeps only places whose country, country code or
    region starts with it."""
    if (reason := _refusal(payload)) is not None:
        raise MeasureError(f"Open-Meteo answered: {reason}")
    if not isinstance(payload, Mapping):
        raise MeasureError("not an Open-Meteo place search answer")
    rows = payload.get("results") or []  # no "results" at all when nothing matched
    if not isinstance(rows, list):
        raise MeasureError("not an Open-Meteo place search answer")
    wanted = [p.strip().casefold() for p in typed.split(",")[1:] if p.strip()]
    out = []
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        try:
            lat, lon = round_place(float(row["latitude"]), float(row["longitude"]))
        except (KeyError, TypeError, ValueError):
            continue
        parts = [str(row.get(k) or "") for k in ("name", "admin1", "country")]
        where = [p.casefold() for p in (*parts[1:], str(row.get("country_code") or "")) if p]
        if any(not any(w.startswith(x) for w in where) for x in wanted):
            continue
        label = ", ".join(dict.fromkeys(p for p in parts if p))
        out.append(Place(label[:120], lat, lon))
    return out
