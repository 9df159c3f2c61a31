"""Benchmark the Flaredown export parser against plain csv.reader on the same file.

Usage: .venv/bin/python bench/flaredown_import.py [ROWS]   (default 1,000,000)

Writes a synthetic export (made-up values, no real data) to a temporary directory, then:
1. times csv.reader over the file (baseline: the least any CSV parse can cost);
2. times iter_flaredown over the same file and prints rows/s and the ratio to the baseline;
3. repeats the parse under tracemalloc for the peak Python memory (tracemalloc slows it down,
   so it is measured in a separate pass and not timed).
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

from spasmtrack.core.formats.flaredown import iter_flaredown

HEADER = [
    "user_id",
    "age",
    "sex",
    "country",
    "checkin_date",
    "trackable_id",
    "trackable_type",
    "trackable_name",
    "trackable_value",
]
# Dark Sky-era values (°F, inches per hour, millibars, humidity as a fraction): imported.
WEATHER = {
    "icon": None,
    "temperature_min": (20, 60),
    "temperature_max": (40, 90),
    "precip_intensity": (0, 0.05),
    "pressure": (990, 1035),
    "humidity": (0.3, 1.0),
}


def write_export(path: Path, n_rows: int, seed: int = 20170305) -> None:
    """A plausible single-person export: check-ins of ~20 rows each, all trackable types."""
    rng = random.Random(seed)
    # One check-in a day (at least 10 rows each), ending before today: an import refuses
    # days in the future.
    day_ordinal = date.today().toordinal() - n_rows // 10 - 2
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        written = 0
        while written < n_rows:
            day = _iso(day_ordinal)
            rows = [("Condition", "Fibromyalgia", str(rng.randint(0, 4)))]
            rows += [("Symptom", f"Symptom {k}", str(rng.randint(0, 4))) for k in range(6)]
            rows += [
                ("Treatment", f"Treatment {k}", f"{rng.randint(1, 4) * 100} mg") for k in range(3)
            ]
            rows += [("Tag", f"tag {rng.randint(0, 30)}", "") for _ in range(2)]
            rows += [("Food", f"Food {rng.randint(0, 200)}", "") for _ in range(2)]
            rows += [("HBI", "HBI", str(rng.randint(0, 20)))]
            rows += [
                ("Weather", m, "rain" if span is None else f"{rng.uniform(*span):.2f}")
                for m, span in WEATHER.items()
            ]
            for kind, name, value in rows[: n_rows - written]:
                out.writerow(["bench-user", "40", "female", "GB", day, "1", kind, name, value])
            written += min(len(rows), n_rows - written)
            day_ordinal += 1


def _iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def time_csv_reader(path: Path) -> tuple[int, float]:
    start = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as f:
        n = sum(1 for _ in csv.reader(f)) - 1
    return n, time.perf_counter() - start


def time_parser(path: Path) -> tuple[int, float]:
    start = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as f:
        n = sum(1 for _ in iter_flaredown(f))
    return n, time.perf_counter() - start


def peak_memory(path: Path) -> int:
    tracemalloc.start()
    try:
        with path.open(newline="", encoding="utf-8") as f:
            for _ in iter_flaredown(f):
                pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    n_rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "flaredown-export.csv"
        write_export(path, n_rows)
        size_mb = path.stat().st_size / 1e6
        base_n, base_s = time_csv_reader(path)
        n, s = time_parser(path)
        peak = peak_memory(path)
    print(f"file: {n_rows:,} data rows, {size_mb:.1f} MB")
    print(
        f"csv.reader baseline : {base_n:,} rows in {base_s:.2f} s = {base_n / base_s:,.0f} rows/s"
    )
    print(f"iter_flaredown      : {n:,} records in {s:.2f} s = {n_rows / s:,.0f} rows/s")
    print(f"ratio (parser time / baseline time): {s / base_s:.2f}x")
    share = peak / (size_mb * 1e6)
    print(f"peak traced memory while parsing: {peak / 1024:.0f} KiB ({share:.3%} of the file)")


if __name__ == "__main__":
    main()
