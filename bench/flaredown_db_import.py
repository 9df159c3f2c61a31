"""Benchmark importing a Flaredown export into the database, against the driver's bulk path.

Usage: .venv/bin/python bench/flaredown_db_import.py [ROWS] [--only sqlite|postgres]
(default 200,000 rows)

Writes a synthetic single-person export (bench/flaredown_import.py `write_export`: check-ins
of ~22 rows with every trackable type; made-up values), then, for each database:
1. `import_flaredown` of the file into a fresh database (validation with create_entry's
   rules, bulk writes, one transaction): written rows/s (about 57 % of the CSV rows are
   written; foods and HBI rows are counted and skipped, weather rows become daily
   values of the measures app, not counted here) and peak RSS;
2. the ceiling: a bare `executemany` (SQLite) / `COPY` (PostgreSQL) on the driver's own
   connection of the very rows the import wrote, into the same tables (rolled back; the best
   of three, as the machine's speed varies), and the ratio of the two rates (the issue's
   target: at least 50 %). On SQLite, all in-process, the ratio in this process's CPU time
   too (steadier on a shared machine). Then the same ratio counting the daily weather
   values the import also writes (and a bare write of those into their table), and the
   ratio against the bare writes of all of it (diary rows and weather values) in one
   transaction with its commit, as the import commits (on PostgreSQL the commit, a WAL
   flush, is about a sixth of the import's time; the ceilings above are rolled back).
The parser alone is printed for reference.
Last measured (100,000 rows, a loaded 2-core machine, two runs interleaved with the tree
before; same-run ratios vary by several points from run to run): SQLite 24,300-33,900
written rows/s, 36 % of executemany (CPU 25-36 %), 45-49 % counting the weather, 41-53 % of
the committed writes; PostgreSQL 19,500-21,900, 22-24 % of COPY, 29-32 % counting the
weather, 43-49 % of the committed writes; +5-7 MB RSS (flat: +5 MB at 300,000 rows). The
tree before, in the same runs: SQLite 22-23 % (CPU 23 %), 30-31 %, 37 %; PostgreSQL 16-20 %,
21-29 %, 38-41 %. What is left per row: the CSV parser, pydantic's input schema, the weather
values' upsert (measures; a temporary table on PostgreSQL), the batch bookkeeping, and the
write itself.

SQLite runs in a temporary data directory. PostgreSQL runs when TEST_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/postgres) is reachable: a throwaway database is created
and dropped. Each database is measured in a child process, because Django reads
DATABASE_URL once at start-up.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import (
    PG_URL,
    bulk_ceiling_s,
    committed_ceiling_s,
    peak_rss_mb,
    postgres_unreachable,
    throwaway_postgres,
)

HERE = Path(__file__).resolve()


def _write_export(path: Path, rows: int) -> None:
    spec = importlib.util.spec_from_file_location("fd_bench", HERE.parent / "flaredown_import.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_export(path, rows)


def _ceiling_s(person_id: int, other_id: int, clock: Any = time.perf_counter) -> float:
    """Seconds for the driver alone to write the rows the import wrote, into the same tables
    (benchlib.bulk_ceiling_s: executemany / COPY, rolled back), timed by `clock`."""
    from spasmtrack.diary.models import HabitLog, SymptomRating, TreatmentLog

    return sum(
        bulk_ceiling_s(m, person_id, other_id, clock)[1]
        for m in (SymptomRating, TreatmentLog, HabitLog)
    )


def child(csv_path: Path) -> None:
    """Run in a child process with DATABASE_URL / SPASMTRACK_DATA_DIR set; prints JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spasmtrack.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from spasmtrack.accounts.models import Person
    from spasmtrack.core.formats.flaredown import iter_flaredown
    from spasmtrack.interop.flaredown import import_flaredown

    call_command("migrate", interactive=False, verbosity=0)
    person = Person.objects.create(user=User.objects.create_user("bench"), tz="Europe/Berlin")
    other = Person.objects.create(user=User.objects.create_user("ceiling"), tz="Europe/Berlin")
    lines = sum(1 for _ in csv_path.open(encoding="utf-8")) - 1

    t = time.perf_counter()
    with csv_path.open(encoding="utf-8", newline="") as f:
        parsed = sum(1 for _ in iter_flaredown(f))
    parse_s = time.perf_counter() - t

    rss_before = peak_rss_mb()
    t, cpu = time.perf_counter(), time.process_time()
    with csv_path.open(encoding="utf-8", newline="") as f:
        summary = import_flaredown(person, f)
    import_s, import_cpu_s = time.perf_counter() - t, time.process_time() - cpu
    rss_after = peak_rss_mb()
    written = summary.ratings + summary.treatment_logs + summary.habit_logs
    # The best of three (the machine's speed varies from moment to moment; a slow moment
    # would flatter the import), in wall and this process's CPU time.
    ceiling_s = min(_ceiling_s(person.pk, other.pk) for _ in range(3))
    ceiling_cpu_s = min(_ceiling_s(person.pk, other.pk, time.process_time) for _ in range(3))
    # The daily weather values the import writes too (not in the ratio above)
    from spasmtrack.measures.models import DailyMetric

    weather_s = min(bulk_ceiling_s(DailyMetric, person.pk, other.pk)[1] for _ in range(3))
    # All of it in one transaction with its commit, as the import
    from spasmtrack.diary.models import HabitLog, SymptomRating, TreatmentLog

    every = (SymptomRating, TreatmentLog, HabitLog, DailyMetric)
    committed_s = min(committed_ceiling_s(every, person.pk, other.pk) for _ in range(3))
    print(
        json.dumps(
            {
                "rows": lines,
                "records": parsed,
                "written": written,
                "parse_s": parse_s,
                "import_s": import_s,
                "ceiling_s": ceiling_s,
                "import_cpu_s": import_cpu_s,
                "ceiling_cpu_s": ceiling_cpu_s,
                "weather_values": summary.weather_values,
                "weather_ceiling_s": weather_s,
                "committed_ceiling_s": committed_s,
                "rss_before_mb": rss_before,
                "rss_peak_mb": rss_after,
            }
        )
    )


def _run(env: dict[str, str], csv_path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, str(HERE), "--child", str(csv_path)],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _report(name: str, r: dict[str, float]) -> None:
    written_rate = r["written"] / r["import_s"]
    ceiling_rate = r["written"] / r["ceiling_s"]
    bare = "COPY" if name == "postgres" else "executemany"
    ratio = written_rate / ceiling_rate
    print(
        f"{name:10} import {written_rate:9,.0f} written rows/s ({r['written']:,.0f} of "
        f"{r['rows']:,.0f} CSV rows, {r['import_s']:.1f} s) | bare {bare} of the same rows "
        f"into the same tables {ceiling_rate:9,.0f} rows/s | ratio {ratio:.0%} "
        f"(target >= 50%: {'meets' if ratio >= 0.5 else 'misses'})"
    )
    if name == "sqlite":  # in-process: CPU time is the same ratio, without the neighbours
        cpu = r["ceiling_cpu_s"] / r["import_cpu_s"]
        print(f"{'':10} in CPU time of this process: ratio {cpu:.0%}")
    every = (r["ceiling_s"] + r["weather_ceiling_s"]) / r["import_s"]
    print(
        f"{'':10} counting the {r['weather_values']:,.0f} daily weather values it writes too "
        f"(bare {bare} of those as well): ratio {every:.0%}"
    )
    committed = r["committed_ceiling_s"] / r["import_s"]
    print(
        f"{'':10} all of that bare in one transaction with its commit, as the import: "
        f"ratio {committed:.0%}"
    )
    print(
        f"{'':10} peak RSS {r['rss_before_mb']:.0f} MB before the import, "
        f"{r['rss_peak_mb']:.0f} MB after (+{r['rss_peak_mb'] - r['rss_before_mb']:.0f} MB); "
        f"parser alone {r['rows'] / r['parse_s']:,.0f} CSV rows/s"
    )


def _postgres(csv_path: Path) -> None:
    if reason := postgres_unreachable():
        print(f"postgres   SKIPPED: {PG_URL} not reachable ({reason})")
        return
    with throwaway_postgres("fdbench") as url:
        _report("postgres", _run({"DATABASE_URL": url}, csv_path))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("rows", nargs="?", type=int, default=200_000)
    ap.add_argument("--only", choices=("sqlite", "postgres"))
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return
    with tempfile.TemporaryDirectory(prefix="spasmtrack-fdbench-") as tmp:
        csv_path = Path(tmp) / "flaredown.csv"
        _write_export(csv_path, args.rows)
        print(f"Synthetic Flaredown export: {args.rows:,} rows ({csv_path.stat().st_size:,} bytes)")
        if args.only in (None, "sqlite"):
            env = {"SPASMTRACK_DATA_DIR": str(Path(tmp) / "data"), "DATABASE_URL": ""}
            _report("sqlite", _run(env, csv_path))
        if args.only in (None, "postgres"):
            _postgres(csv_path)


if __name__ == "__main__":
    main()
