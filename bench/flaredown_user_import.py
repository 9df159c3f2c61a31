"""Benchmark importing the Flaredown user export (wide CSV) against writing the same rows.

Usage: .venv/bin/python bench/flaredown_user_import.py [DAYS]   (default 3,650: 10 years)

SQLite in a temporary data directory. Writes a synthetic export (4 rating columns, 4
treatment columns, 1-2 tags and a food a day; made-up values), then measures in one run:

1. ceiling: `bulk_create` of the very rows the import writes (built beforehand, not timed)
   into the same tables in one transaction, rolled back;
2. inference alone: `preview` (reads and checks every row, infers the column kinds);
3. the whole import (`import_flaredown_user_files`: inference, then the write pass);

and prints rows/s and the import's share of the ceiling's rate, plus the peak RSS of the
process after the import (before the ceiling step, which holds every row in memory).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

RATINGS = ("Fibromyalgia", "Fatigue", "Muscle spasms", "Headache")
TREATMENTS = ("Magnesium", "Lyrica", "Ibuprofen", "Amitriptyline")
TAGS = ("gardening", "bad sleep", "stress", "long drive")


def write_export(path: Path, days: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    start = date(2005, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(("Date", *RATINGS, *TREATMENTS, "Tags", "Foods")) + "\r\n")
        for i in range(days):
            ratings = [str(rng.randint(0, 4)) for _ in RATINGS]
            doses = ["400 mg", "75 mg", '"200 mg, twice"', "10 mg"]
            tags = "; ".join(rng.sample(TAGS, rng.randint(1, 2)))
            food = '"Bananas, raw"' if i % 2 else '"Pizza, cheese"'
            f.write(",".join((str(start + timedelta(days=i)), *ratings, *doses, tags, food)))
            f.write("\r\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("days", nargs="?", type=int, default=3_650)
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="spasmtrack-fdubench-")
    os.environ["SPASMTRACK_DATA_DIR"] = str(Path(tmp.name) / "data")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spasmtrack.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import transaction

    from spasmtrack.accounts.models import Person
    from spasmtrack.diary.models import DailyCheckin, HabitLog, SymptomRating, TreatmentLog
    from spasmtrack.interop.flaredown_user import (
        import_flaredown_user_files,
        path_opener,
        preview,
    )
    from spasmtrack.nutrition.models import Intake

    call_command("migrate", interactive=False, verbosity=0)
    person = Person.objects.create(user=User.objects.create_user("bench"), tz="Europe/Berlin")
    csv_path = Path(tmp.name) / "export.csv"
    write_export(csv_path, args.days)
    print(
        f"Synthetic Flaredown user export: {args.days:,} days ({csv_path.stat().st_size:,} bytes)"
    )
    models = (SymptomRating, TreatmentLog, HabitLog, Intake, DailyCheckin)

    t = time.perf_counter()
    columns = preview(path_opener(csv_path), str(csv_path))
    infer_s = time.perf_counter() - t

    t = time.perf_counter()
    _, summary = import_flaredown_user_files(person, csv_path)
    import_s = time.perf_counter() - t
    written = sum(m.objects.filter(person=person).count() for m in models)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the ceiling

    # The ceiling: the same rows, already built, written with bulk_create into the same tables.
    rows = {m: list(m.objects.filter(person=person)) for m in models}
    for m in models:
        m.objects.filter(person=person).delete()
    for objs in rows.values():
        for o in objs:
            o.pk = None
            o.id = None
    t = time.perf_counter()
    with transaction.atomic():
        for m, objs in rows.items():
            m.objects.bulk_create(objs, batch_size=5000)
        ceiling_s = time.perf_counter() - t
        transaction.set_rollback(True)

    print(f"columns inferred: {', '.join(f'{c.name}={c.kind}' for c in columns)}")
    print(
        f"sqlite  ceiling bulk_create {written / ceiling_s:9,.0f} rows/s ({ceiling_s:.2f} s) | "
        f"inference pass {args.days / infer_s:9,.0f} days/s ({infer_s:.2f} s) | "
        f"import {written / import_s:9,.0f} rows/s ({import_s:.2f} s, {written:,} rows) | "
        f"import/ceiling rate {ceiling_s / import_s:.2f} | peak RSS after import {rss_mb:.0f} MB"
    )
    assert summary.ratings == written - (
        summary.treatment_logs + summary.habit_logs + summary.intakes + len(rows[DailyCheckin])
    )
    tmp.cleanup()
    sys.exit(0)


if __name__ == "__main__":
    main()
