"""Streaming parser for Flaredown's public (Kaggle-style) export CSV.

Format (Flaredown `backend/lib/tasks/utils.rake`, task `utils:csv_export`): one row per
tracked item per check-in, header
`user_id,age,sex,country,checkin_date,trackable_id,trackable_type,trackable_name,trackable_value`.

- checkin_date is YYYY-MM-DD.
- Condition and Symptom values are integer ratings 0-4 (Flaredown `Checkin::Fiveable`
  validates 0..4 only when a value is present). An empty value therefore means "not rated":
  the row is skipped, not an error. (Flaredown's own exporter already drops such rows.)
- Treatment values are free dose text (a String field in Flaredown), e.g. "20 mg".
- Tag and Food rows carry no value.
- HBI (Harvey-Bradshaw Index) rows carry the numeric score; Weather gives six rows per
  check-in named icon, temperature_min, temperature_max, precip_intensity, pressure, humidity.
  Their values are kept when numeric and become None otherwise (e.g. the weather icon text);
  they never fail the import.

Memory stays constant: rows are read one at a time and only the set of user ids seen is
kept (bounded by the number of people in the file).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal

from spasmtrack.core import measures

Kind = Literal["symptom", "condition", "treatment", "tag", "food", "weather", "hbi"]

REQUIRED_COLUMNS = (
    "user_id",
    "checkin_date",
    "trackable_type",
    "trackable_name",
    "trackable_value",
)

KINDS: dict[str, Kind] = {
    "Condition": "condition",
    "Symptom": "symptom",
    "Treatment": "treatment",
    "Tag": "tag",
    "Food": "food",
    "Weather": "weather",
    "HBI": "hbi",
}

# How many user ids an error message lists before "...".
_MAX_IDS_SHOWN = 10


class FlaredownError(ValueError):
    """A row that cannot be imported; `str()` reads "line <n>: <reason>" (header = line 1)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True, slots=True)
class FlaredownRecord:
    """One tracked item of one check-in.

    value: rating 0-4 (symptom, condition), score (hbi), measurement (weather) or None.
    dose_text: the dose text of a treatment (None when empty or for other kinds).
    """

    date: date
    kind: Kind
    name: str
    value: float | None
    dose_text: str | None


def _ids_text(ids: Iterable[str]) -> str:
    shown = sorted(ids)
    extra = ", ..." if len(shown) > _MAX_IDS_SHOWN else ""
    return ", ".join(repr(i) for i in shown[:_MAX_IDS_SHOWN]) + extra


def _column_index(header: list[str]) -> dict[str, int]:
    """Column name -> position; tolerates a UTF-8 BOM, surrounding spaces and extra columns."""
    names = [h.strip().lstrip("\ufeff").strip() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise FlaredownError(1, f"missing column(s) {', '.join(missing)} in the header row")
    return {c: names.index(c) for c in REQUIRED_COLUMNS}


def _parse_date(text: str, line: int) -> date:
    # date.fromisoformat also accepts forms like "20150101"; Flaredown writes YYYY-MM-DD only.
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise FlaredownError(line, f"checkin_date must be YYYY-MM-DD, got {text!r}")


def _rating(text: str, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (value.is_integer() and 0 <= value <= 4):
        raise FlaredownError(line, f"rating must be a whole number 0-4, got {text!r}")
    return value


def _number_or_none(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _record(day: date, kind: Kind, name: str, raw: str, line: int) -> FlaredownRecord | None:
    """The typed record for one row, or None for an unrated symptom/condition."""
    if kind in ("symptom", "condition"):
        if raw == "":
            return None
        return FlaredownRecord(day, kind, name, _rating(raw, line), None)
    if kind == "treatment":
        return FlaredownRecord(day, kind, name, None, raw or None)
    if kind in ("weather", "hbi"):
        return FlaredownRecord(day, kind, name, _number_or_none(raw), None)
    return FlaredownRecord(day, kind, name, None, None)


def iter_flaredown(
    fileobj: Iterable[str], source_user: str | None = None
) -> Iterator[FlaredownRecord]:
    """Yield one FlaredownRecord per importable row of a Flaredown export, in file order.

    `fileobj` is any iterable of text lines (an open text file, ideally opened with
    newline=""). With `source_user` None the file must hold one person: the first row with a
    second user_id raises FlaredownError naming both ids. With `source_user` set, rows of other
    users are skipped unchecked, and FlaredownError is raised at the end if that user never
    appears. Bad rows (wrong field count, bad date, rating outside 0-4, unknown
    trackable_type, empty trackable_name) raise FlaredownError with their line number.
    """
    reader = csv.reader(fileobj)
    header = next(reader, None)
    if header is None:
        raise FlaredownError(1, "the file is empty; expected a header row")
    col = _column_index(header)
    n_fields = len(header)
    i_user, i_date = col["user_id"], col["checkin_date"]
    i_type, i_name, i_value = col["trackable_type"], col["trackable_name"], col["trackable_value"]

    users_seen: set[str] = set()
    first_user: str | None = None
    # Check-in dates repeat for every item of a check-in: parse each distinct string once.
    last_date_text, last_date = "", date.min
    for row in reader:
        if not row:  # blank line
            continue
        line = reader.line_num
        if len(row) != n_fields:
            raise FlaredownError(line, f"expected {n_fields} fields, got {len(row)}")
        user = row[i_user].strip()
        if source_user is not None:
            users_seen.add(user)
            if user != source_user:
                continue
        elif first_user is None:
            first_user = user
        elif user != first_user:
            raise FlaredownError(
                line,
                f"several user_ids in this file ({_ids_text({first_user, user})}); "
                "choose one with --source-user",
            )

        date_text = row[i_date].strip()
        if date_text != last_date_text:
            last_date, last_date_text = _parse_date(date_text, line), date_text
        kind = KINDS.get(row[i_type].strip())
        if kind is None:
            raise FlaredownError(
                line,
                f"unknown trackable_type {row[i_type]!r}; expected one of {', '.join(KINDS)}",
            )
        name = row[i_name].strip()
        if not name:
            raise FlaredownError(line, "trackable_name is empty")
        rec = _record(last_date, kind, name, row[i_value].strip(), line)
        if rec is not None:
            yield rec

    if source_user is not None and source_user not in users_seen:
        raise FlaredownError(
            reader.line_num,
            f"user_id {source_user!r} not found; user_ids in this file: "
            f"{_ids_text(users_seen) or 'none'}",
        )


# --- weather rows as daily values -----------------------------------------------------------

# Flaredown's weather came from Dark Sky until 2023 (its default "us" units: °F, humidity as a
# fraction 0-1, precipitation in inches per hour, pressure in millibars) and from Tomorrow.io
# since (metric: °C, humidity in %, mm/h, hPa); see rubyforgood/Flaredown
# backend/app/services/weather_retriver.rb and weather_retriever.rb. A day's humidity tells
# which (a fraction means Dark Sky); without a humidity row, a day before DARK_SKY_END does.
# Dark Sky's pressure is at sea level, Tomorrow.io's at the surface, so a long export
# straddling the change shows one step in pressure.
DARK_SKY_END = date(2023, 4, 1)  # Dark Sky's API answered until 31 March 2023
FLAREDOWN_WEATHER = {
    "temperature_min": measures.TEMP_MIN,
    "temperature_max": measures.TEMP_MAX,
    "pressure": measures.PRESSURE,
    "humidity": measures.HUMIDITY,
    "precip_intensity": measures.PRECIPITATION,
}


def flaredown_weather_values(
    rows: dict[date, dict[str, tuple[int, float]]],
) -> Iterator[tuple[int | None, measures.DailyValue]]:
    """(line, value) from {day: {Flaredown weather name: (line, value)}} (see above).

    Precipitation intensity (per hour, averaged over the day) becomes the day's total: × 24.
    """
    for day in sorted(rows):
        got = rows[day]
        humidity = got.get("humidity")
        dark_sky = humidity[1] <= 1.0 if humidity is not None else day < DARK_SKY_END
        for name, metric in FLAREDOWN_WEATHER.items():
            if name not in got:
                continue
            line, value = got[name]
            unit: str | None = None
            if name == "humidity" and dark_sky:
                unit = "fraction"
            elif name.startswith("temperature") and dark_sky:
                unit = "°F"
            elif name == "precip_intensity":
                value, unit = value * 24, "in" if dark_sky else "mm"
            try:
                v, canonical = measures.checked_value(metric, value, unit)
            except measures.MeasureError as e:
                raise measures.MeasureError(e.reason, line) from None
            yield line, measures.DailyValue(day, metric, v, canonical)
