"""Daily measurements: the metrics Spasmtrack knows, their units, and reading them from CSV.

Pure: plain values in, plain values out. A daily value is (day, metric, value, unit); the
measures app stores it per person and source. Known metrics have one canonical unit and a
plausible range (a typo guard, not a medical limit); values given in another common unit
(°F, inHg, minutes…) are converted. Any other metric name (`[a-z][a-z0-9_]*`, up to 40
characters) is accepted as the person's own, in whatever unit they give.

Two CSV shapes are read here, both in constant memory, both refusing the whole file at the
first bad line with "line N: reason" (header = line 1):

- generic `date,metric,value[,unit]` (one value per line), and
- weather: a `date` column plus any of `temperature_min`, `temperature_max`, `pressure`,
  `humidity`, `precipitation` (aliases in WEATHER_COLUMNS), in the canonical units unless a
  column names its unit ("pressure_msl (hPa)"); an Open-Meteo CSV download (two location
  lines, then `time,temperature_2m_max (°C),…`) reads as it is.

`pressure_factors` derives "pressure change since yesterday" and "pressure drop of 5 hPa or
more" from a daily pressure series.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

SLEEP_HOURS = "sleep_hours"
SLEEP_EFFICIENCY = "sleep_efficiency"
AWAKENINGS = "awakenings"
STEPS = "steps"
RESTING_HR = "resting_heart_rate"
HRV_SDNN = "hrv_sdnn"
TEMP_MIN = "temperature_min"
TEMP_MAX = "temperature_max"
PRESSURE = "pressure"
HUMIDITY = "humidity"
PRECIPITATION = "precipitation"

PRESSURE_DROP_HPA = 5.0  # the drop named in the derived yes/no factor
MAX_LINES = 1_000_000  # a generic CSV: far beyond years of daily values
CUSTOM_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


@dataclass(frozen=True)
class Metric:
    key: str
    label: str  # as a factor name reads: "hours asleep"
    unit: str  # canonical unit ("" for a count)
    low: float
    high: float
    factor_scale: float = 1.0  # the factor's value is value / factor_scale (steps: thousands)
    factor_unit: str = ""  # one step of the factor in a sentence ("hour", "1,000 steps")
    weather: bool = False


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric(SLEEP_HOURS, "hours asleep", "h", 0, 24, factor_unit="hour"),
        Metric(SLEEP_EFFICIENCY, "sleep efficiency", "%", 0, 100, factor_unit="percentage point"),
        Metric(AWAKENINGS, "awakenings in the night", "", 0, 200, factor_unit="awakening"),
        Metric(STEPS, "steps (thousands)", "", 0, 300_000, 1000.0, "1,000 steps"),
        Metric(RESTING_HR, "resting heart rate", "bpm", 20, 250, factor_unit="beat per minute"),
        Metric(HRV_SDNN, "heart-rate variability (SDNN)", "ms", 0, 1000, factor_unit="ms"),
        Metric(TEMP_MIN, "lowest temperature", "°C", -90, 60, factor_unit="°C", weather=True),
        Metric(TEMP_MAX, "highest temperature", "°C", -90, 60, factor_unit="°C", weather=True),
        # Sea-level or station pressure; 500 hPa is far above any inhabited place.
        Metric(PRESSURE, "air pressure", "hPa", 500, 1100, factor_unit="hPa", weather=True),
        Metric(
            HUMIDITY, "relative humidity", "%", 0, 100, factor_unit="percentage point", weather=True
        ),
        Metric(PRECIPITATION, "precipitation", "mm", 0, 2000, factor_unit="mm", weather=True),
    )
}

Converter = Callable[[float], float]


def _same(v: float) -> float:
    return v


def _f_to_c(v: float) -> float:
    return (v - 32.0) * 5.0 / 9.0


# Accepted spellings of each canonical unit and of common other units, with the conversion.
UNITS: dict[str, dict[str, Converter]] = {
    "h": {"h": _same, "hr": _same, "hours": _same, "hour": _same,
          "min": lambda v: v / 60, "minutes": lambda v: v / 60},
    "%": {"%": _same, "percent": _same, "fraction": lambda v: v * 100},
    "": {"": _same, "count": _same, "steps": _same, "times": _same},
    "bpm": {"bpm": _same, "count/min": _same, "/min": _same},
    "ms": {"ms": _same},
    "°C": {"°c": _same, "c": _same, "degc": _same, "celsius": _same,
           "°f": _f_to_c, "f": _f_to_c, "degf": _f_to_c, "fahrenheit": _f_to_c},
    "hPa": {"hpa": _same, "mbar": _same, "mb": _same, "millibar": _same,
            "kpa": lambda v: v * 10, "inhg": lambda v: v * 33.8639, "mmhg": lambda v: v * 1.33322},
    "mm": {"mm": _same, "in": lambda v: v * 25.4, "inch": lambda v: v * 25.4},
}  # fmt: skip

WEATHER_COLUMNS: dict[str, str] = {
    "temperature_min": TEMP_MIN,
    "temp_min": TEMP_MIN,
    "tmin": TEMP_MIN,
    "temperature_2m_min": TEMP_MIN,  # Open-Meteo's daily names
    "temperature_max": TEMP_MAX,
    "temp_max": TEMP_MAX,
    "tmax": TEMP_MAX,
    "temperature_2m_max": TEMP_MAX,
    "pressure": PRESSURE,
    "pressure_msl": PRESSURE,
    "pressure_msl_mean": PRESSURE,
    "humidity": HUMIDITY,
    "relative_humidity": HUMIDITY,
    "relative_humidity_2m_mean": HUMIDITY,
    "precipitation": PRECIPITATION,
    "precipitation_sum": PRECIPITATION,
    "precip": PRECIPITATION,
}
DATE_COLUMNS = ("date", "day", "time")  # Open-Meteo calls the daily date column "time"


class MeasureError(ValueError):
    """A bad value or line; `str()` is "line <n>: <reason>" when a line is known."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {reason}" if line is not None else reason)
        self.reason = reason
        self.line = line


@dataclass(frozen=True, slots=True)
class DailyValue:
    day: date
    metric: str
    value: float
    unit: str


def metric_label(key: str) -> str:
    m = METRICS.get(key)
    return m.label if m else key.replace("_", " ")


def normalise_metric(name: str) -> str:
    """A metric key from what a person typed: "Resting heart rate" -> "resting_heart_rate"."""
    key = re.sub(r"[\s\-]+", "_", name.strip().casefold())
    aliases = {"sleep": SLEEP_HOURS, "hours_asleep": SLEEP_HOURS, "hrv": HRV_SDNN,
               "resting_hr": RESTING_HR, "rhr": RESTING_HR, "step_count": STEPS,
               "temp_min": TEMP_MIN, "temp_max": TEMP_MAX}  # fmt: skip
    key = aliases.get(key, key)
    if key not in METRICS and not CUSTOM_NAME.fullmatch(key):
        raise MeasureError(
            f"metric {name!r} is not a known metric ({', '.join(METRICS)}) nor a name of "
            "your own (a letter, then letters, digits or _, at most 40)"
        )
    return key


def checked_value(metric: str, value: float, unit: str | None) -> tuple[float, str]:
    """(value in the metric's canonical unit, that unit), or MeasureError naming the problem.

    `unit` None means "the canonical unit"; for a metric of the person's own it is kept as
    given (at most 16 characters)."""
    if not math.isfinite(value):
        raise MeasureError(f"{metric}: value must be a finite number")
    m = METRICS.get(metric)
    if m is None:
        given = (unit or "").strip()
        if len(given) > 16:
            raise MeasureError(f"{metric}: unit longer than 16 characters")
        if abs(value) > 1e12:
            raise MeasureError(f"{metric}: value {value:g} is implausibly large")
        return value, given
    if unit is not None and unit.strip().casefold() != m.unit.casefold():
        convert = UNITS[m.unit].get(unit.strip().casefold())
        if convert is None:
            shown = m.unit or "a plain count"
            raise MeasureError(f"{metric}: unit {unit!r} not understood (use {shown})")
        value = convert(value)
    if not m.low <= value <= m.high:
        raise MeasureError(
            f"{metric}: {value:g} {m.unit} is outside {m.low:g} to {m.high:g}".replace("  ", " ")
        )
    return round(value, 6), m.unit


def _parse_day(text: str, line: int) -> date:
    text = text.strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise MeasureError(f"date must be YYYY-MM-DD, got {text[:40]!r}", line)


def _number(text: str, what: str, line: int) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise MeasureError(f"{what}: not a number: {text[:40]!r}", line) from None


def _rows(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """(line number of the row's start, cells) for each non-blank row; csv errors name it."""
    counter = _Counted(lines)
    reader = csv.reader(counter)
    while True:
        start = counter.line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            reason = "a cell is too long" if "field limit" in str(e) else f"not valid CSV ({e})"
            raise MeasureError(reason, start) from None
        if start > MAX_LINES:
            raise MeasureError(f"more than {MAX_LINES:,} lines", start)
        if any(c.strip() for c in row):
            yield start, row


class _Counted:
    def __init__(self, lines: Iterable[str]) -> None:
        self._it = iter(lines)
        self.line = 0

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> str:
        text = next(self._it)
        self.line += 1
        return text


def _header(row: list[str]) -> list[str]:
    return [c.strip().lstrip("\ufeff").strip().casefold() for c in row]


def iter_metrics_csv(lines: Iterable[str]) -> Iterator[tuple[int, DailyValue]]:
    """(line, DailyValue) for each row of a `date,metric,value[,unit]` CSV (header needed).

    An empty unit cell means the metric's canonical unit. MeasureError at the first bad row.
    """
    rows = _rows(lines)
    first = next(rows, None)
    if first is None:
        raise MeasureError("the file is empty")
    names = _header(first[1])
    if names[:3] != ["date", "metric", "value"] or names[3:] not in ([], ["unit"]):
        raise MeasureError(
            "the first line must be the header date,metric,value (optionally ,unit)", first[0]
        )
    for line, row in rows:
        if len(row) != len(names):
            raise MeasureError(f"expected {len(names)} cells, found {len(row)}", line)
        day = _parse_day(row[0], line)
        try:
            metric = normalise_metric(row[1])
            unit = row[3] if len(row) > 3 and row[3].strip() else None
            value, unit = checked_value(metric, _number(row[2], metric, line), unit)
        except MeasureError as e:
            raise MeasureError(e.reason, line) from None
        yield line, DailyValue(day, metric, value, unit)


def iter_weather_csv(lines: Iterable[str]) -> Iterator[tuple[int, DailyValue]]:
    """(line, DailyValue) for each weather value of a wide CSV: one row per day, a date
    column and any of the WEATHER_COLUMNS, in °C, hPa, % and mm. Empty cells are skipped;
    unknown columns are refused (so a mistyped column is not silently lost)."""
    rows = _rows(lines)
    first = next(rows, None)
    if first is None:
        raise MeasureError("the file is empty")
    if _header(first[1])[:2] == ["latitude", "longitude"]:
        # An Open-Meteo download: a location preamble (two lines), then the daily table.
        next(rows, None)
        first = next(rows, None)
        if first is None:
            raise MeasureError("the file holds no daily table after the location lines")
    names, units = [], []
    for cell in _header(first[1]):
        m = re.fullmatch(r"(.*?)\s*\((.*)\)", cell)  # "temperature_2m_max (°c)"
        names.append(m.group(1) if m else cell)
        units.append(m.group(2) if m else None)
    date_cols = [i for i, n in enumerate(names) if n in DATE_COLUMNS]
    if len(date_cols) != 1:
        raise MeasureError("the header needs one date column (date, day or time)", first[0])
    unknown = [n for i, n in enumerate(names) if i not in date_cols and n not in WEATHER_COLUMNS]
    if unknown:
        raise MeasureError(
            f"unknown column(s) {', '.join(repr(u) for u in unknown)}; "
            f"known: {', '.join(sorted(set(WEATHER_COLUMNS)))}",
            first[0],
        )
    targets = [(i, WEATHER_COLUMNS[n]) for i, n in enumerate(names) if i not in date_cols]
    if not targets:
        raise MeasureError("no weather columns in the header", first[0])
    if len({m for _, m in targets}) != len(targets):
        raise MeasureError("two columns hold the same measurement", first[0])
    for line, row in rows:
        if len(row) != len(names):
            raise MeasureError(f"expected {len(names)} cells, found {len(row)}", line)
        day = _parse_day(row[date_cols[0]][:10], line)
        for i, metric in targets:
            if not row[i].strip():
                continue
            try:
                value, unit = checked_value(metric, _number(row[i], metric, line), units[i])
            except MeasureError as e:
                raise MeasureError(e.reason, line) from None
            yield line, DailyValue(day, metric, value, unit)


def pressure_factors(pressure: Mapping[date, float]) -> tuple[dict[date, float], dict[date, float]]:
    """(change since yesterday in hPa, pressure drop of ≥ PRESSURE_DROP_HPA as 1/0), each on
    days whose day before also has a pressure (a missing day gives no change)."""
    change: dict[date, float] = {}
    drop: dict[date, float] = {}
    for day in sorted(pressure):
        before = pressure.get(day - timedelta(days=1))
        if before is None:
            continue
        delta = round(pressure[day] - before, 3)
        change[day] = delta
        drop[day] = 1.0 if delta <= -PRESSURE_DROP_HPA else 0.0
    return change, drop


BOOM_WINDOW_DAYS = 28  # the person's usual range: the 4 weeks before the day
BOOM_MIN_DAYS = 14  # days with steps in that window before "usual" means anything
BOOM_RATIO = 1.5  # "well above": half as much again as the usual (median) day
# The check-in's 0-10 "how much did I do" rating: a ratio means little on a rating scale
# (1.5 times a usual 2 is 3, of a usual 6 is 9), so "well above" is this many points over it.
BOOM_RATING_POINTS = 3


def boom_days(steps: Mapping[date, float], *, points: float | None = None) -> dict[date, float]:
    """Pacing: 1 on a day well above the person's own usual activity, else 0.

    "Usual" is the median daily steps of the BOOM_WINDOW_DAYS before the day (at least
    BOOM_MIN_DAYS of them logged); "well above" is more than BOOM_RATIO times that, or, with
    `points` (a 0-10 activity rating instead of steps), at least `points` more. Only days
    with such a baseline get a value. Whether a boom day is followed by worse days ("boom and
    bust") is then the Insights engine's question at lags 1 and 2, with its usual uncertainty.
    """
    from statistics import median

    days = sorted(steps)
    out: dict[date, float] = {}
    start = 0
    for i, day in enumerate(days):
        while days[start] < day - timedelta(days=BOOM_WINDOW_DAYS):
            start += 1
        window = [steps[d] for d in days[start:i]]
        if len(window) < BOOM_MIN_DAYS:
            continue
        usual = median(window)
        if points is not None:
            out[day] = 1.0 if steps[day] >= usual + points else 0.0
        else:
            out[day] = 1.0 if usual > 0 and steps[day] > BOOM_RATIO * usual else 0.0
    return out
