"""Import formats of daily measurements: each reads a file and stores it all or nothing.

`IMPORT_FORMATS` maps a `spasmtrack import --format` name to its importer
`(person, path, progress) -> StoreSummary`; every refusal is an ImportRefused naming the
file (and the line or item), and nothing is written.

Sizes: CSV files within the general import limit (`exchange.limits.MAX_IMPORT_BYTES`); an
Apple Health export is read as a stream, so its limit (`MAX_HEALTH_BYTES`, unpacked) only
bounds the time it takes; a Fitbit / Takeout zip is read member by member (only the sleep
and steps files, each within `MAX_IMPORT_BYTES`).
"""

from __future__ import annotations

import codecs
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import IO

from spasmtrack.accounts.models import Person
from spasmtrack.core.formats.flaredown import flaredown_weather_values
from spasmtrack.core.formats.wearables import (
    FitbitDays,
    Progress,
    fitbit_kind,
    read_apple_health,
    read_fitbit_json,
)
from spasmtrack.core.measures import MeasureError, iter_metrics_csv, iter_weather_csv
from spasmtrack.exchange import limits
from spasmtrack.exchange.limits import ImportRefused
from spasmtrack.measures.models import Source
from spasmtrack.measures.services import StoreSummary, store_values

MAX_HEALTH_BYTES = 8 * 1024**3  # export.xml unpacked; streamed, so this bounds time only
MAX_FITBIT_MEMBERS = 100_000
MAX_FITBIT_READ = 2 * 1024**3  # all sleep and steps files of a Takeout together, unpacked

Importer = Callable[[Person, Path, Progress | None], StoreSummary]


def _text_lines(path: Path) -> Iterator[str]:
    """The file's lines as UTF-8 text (a BOM is fine), within the import size limit; another
    encoding is refused naming it."""
    where = str(path)
    limits.check_size(path.stat().st_size, where)
    with path.open("rb") as f:
        head = f.read(4096)
    if (
        problem := limits.encoding_problem(head)
        if b"\0" in head
        or head[:2]
        in (
            codecs.BOM_UTF16_LE,
            codecs.BOM_UTF16_BE,
        )
        else None
    ):
        raise ImportRefused(where, None, problem)
    with path.open(encoding="utf-8-sig", newline="") as f:
        try:
            yield from f
        except UnicodeDecodeError as e:
            reason = limits.encoding_problem(e.object[max(0, e.start - 64) : e.end + 64])
            raise MeasureError(reason or "not UTF-8 text") from None


def import_metrics_csv(
    person: Person, path: Path, progress: Progress | None = None
) -> StoreSummary:
    """`date,metric,value[,unit]`, one value a line."""
    return store_values(person, iter_metrics_csv(_text_lines(path)), Source.METRICS_CSV, str(path))


def import_weather_csv(
    person: Person, path: Path, progress: Progress | None = None
) -> StoreSummary:
    """One row per day: date and any of temperature_min/max, pressure, humidity, precipitation."""
    return store_values(person, iter_weather_csv(_text_lines(path)), Source.WEATHER_CSV, str(path))


# --- Apple Health ---------------------------------------------------------------------------


class _Bounded:
    """A read-only stream that refuses to give more than `limit` bytes (a zip bomb, or a
    member larger than it declared)."""

    def __init__(self, inner: IO[bytes], limit: int, where: str) -> None:
        self.inner = inner
        self.left = limit
        self.where = where

    def read(self, n: int = -1) -> bytes:
        data = self.inner.read(n)
        self.left -= len(data)
        if self.left < 0:
            raise ImportRefused(self.where, None, "the export is larger than it declares")
        return data


def _health_member(z: zipfile.ZipFile, where: str) -> zipfile.ZipInfo:
    names = [i for i in z.infolist() if i.filename.rsplit("/", 1)[-1] == "export.xml"]
    if not names:
        raise ImportRefused(where, None, "no export.xml inside: not an Apple Health export.zip")
    info = min(names, key=lambda i: i.filename.count("/"))
    if info.file_size > MAX_HEALTH_BYTES:
        raise ImportRefused(
            where,
            None,
            f"export.xml is {info.file_size:,} bytes unpacked, over the limit "
            f"of {MAX_HEALTH_BYTES:,}",
        )
    return info


def import_apple_health(
    person: Person, path: Path, progress: Progress | None = None
) -> StoreSummary:
    """`export.zip` (as shared from the Health app) or the `export.xml` inside it."""
    where = str(path)
    with path.open("rb") as f:
        magic = f.read(4)
    try:
        if magic.startswith(b"PK"):
            try:
                z = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError, EOFError):
                raise ImportRefused(where, None, "not a readable zip file (truncated?)") from None
            with z:
                info = _health_member(z, where)
                with z.open(info) as member:
                    stream = _Bounded(member, info.file_size, where)
                    result = read_apple_health(stream, person.zone, progress, person.day_start)
        else:
            if path.stat().st_size > MAX_HEALTH_BYTES:
                raise ImportRefused(where, None, f"over the limit of {MAX_HEALTH_BYTES:,} bytes")
            with path.open("rb") as f:
                result = read_apple_health(f, person.zone, progress, person.day_start)
    except MeasureError as e:
        raise ImportRefused(where, None, e.reason) from None
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise ImportRefused(where, None, "the zip is damaged or truncated") from None
    if not result.values:
        raise ImportRefused(
            where,
            None,
            f"no sleep, steps, resting heart rate or HRV among {result.records:,} "
            "records: nothing to import",
        )
    summary = store_values(person, ((None, v) for v in result.values), Source.APPLE_HEALTH, where)
    if skipped := result.skipped_sleep_days:
        days = ", ".join(d.isoformat() for d in skipped[:5]) + (", …" if len(skipped) > 5 else "")
        summary.notes.append(
            f"Sleep left out on {len(skipped)} days with more than 20 hours asleep ({days})."
        )
    return summary


# --- Fitbit / Google Takeout ----------------------------------------------------------------


def _guess_fitbit_kind(data: bytes, where: str) -> str:
    """For a single JSON file not named like Fitbit's: sleep logs or steps, by content."""
    head = data[:4096]
    if b'"dateOfSleep"' in head:
        return "sleep"
    if b'"dateTime"' in head:
        return "steps"
    raise ImportRefused(where, None, "not a Fitbit sleep-….json or steps-….json file")


def import_fitbit(person: Person, path: Path, progress: Progress | None = None) -> StoreSummary:
    """A Fitbit / Google Takeout zip (its sleep-*.json and steps-*.json files) or one of
    those JSON files."""
    where = str(path)
    days = FitbitDays(person.zone, person.day_start)
    try:
        with path.open("rb") as f:
            magic = f.read(4)
        if magic.startswith(b"PK"):
            _fitbit_zip(path, days, where)
        else:
            limits.check_size(path.stat().st_size, where)
            data = path.read_bytes()
            kind = fitbit_kind(path.name) or _guess_fitbit_kind(data, where)
            read_fitbit_json(data, kind, days, where)
        values = days.values()
    except MeasureError as e:
        raise ImportRefused(where, None, e.reason) from None
    if not values:
        raise ImportRefused(where, None, "no Fitbit sleep or steps logs: nothing to import")
    return store_values(person, ((None, v) for v in values), Source.FITBIT, where)


def _fitbit_zip(path: Path, days: FitbitDays, where: str) -> None:
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise ImportRefused(where, None, "not a readable zip file (truncated?)") from None
    with z:
        infos = z.infolist()
        if len(infos) > MAX_FITBIT_MEMBERS:
            raise ImportRefused(where, None, f"more than {MAX_FITBIT_MEMBERS:,} files in the zip")
        wanted = [(i, k) for i in infos if (k := fitbit_kind(i.filename))]
        if not wanted:
            raise ImportRefused(
                where, None, "no sleep-….json or steps-….json inside: not a Fitbit export"
            )
        total = 0
        for info, kind in sorted(wanted, key=lambda p: p[0].filename):
            member = f"{where}: {info.filename}"
            limits.check_size(info.file_size, member)
            total += info.file_size
            if total > MAX_FITBIT_READ:
                raise ImportRefused(
                    where, None, f"sleep and steps files over {MAX_FITBIT_READ:,} bytes"
                )
            try:
                with z.open(info) as f:
                    data = _Bounded(f, info.file_size, member).read()
            except (zipfile.BadZipFile, zlib.error, EOFError):
                raise ImportRefused(member, None, "damaged or truncated in the zip") from None
            read_fitbit_json(data, kind, days, member)


# --- Flaredown's weather rows (read by core.formats.flaredown.flaredown_weather_values) ---


def store_flaredown_weather(
    person: Person, rows: dict[date, dict[str, tuple[int, float]]], where: str
) -> int:
    """Store a Flaredown file's weather (inside the caller's transaction); the count stored.
    ImportRefused ("<where> row <line>: …") for an implausible value."""
    if not rows:
        return 0
    return store_values(person, flaredown_weather_values(rows), Source.FLAREDOWN, where).total


IMPORT_FORMATS: dict[str, Importer] = {
    "apple-health": import_apple_health,
    "fitbit": import_fitbit,
    "metrics-csv": import_metrics_csv,
    "weather-csv": import_weather_csv,
}
