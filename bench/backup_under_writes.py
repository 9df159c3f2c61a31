"""Backups under concurrent writes: every backup restores, and to an identical export.

A thread creates a custom treatment and then logs it, over and over (what made 6 of 6 backups
unrestorable before exports read one snapshot), while the main thread takes encrypted backups
in a loop. Then each backup is restored (replacing the diary) and exported again. Prints, per
database: backups taken / restored / identical after the round trip, the writes made meanwhile,
and the median backup time under writes as a ratio of the same backup with nobody writing
(the ceiling measured first in the same run). Exits 1 if any backup failed to restore.

SQLite runs on a WAL file in a fresh process (as `spasmtrack serve` uses it); PostgreSQL on a
throwaway database of TEST_DATABASE_URL.

    .venv/bin/python bench/backup_under_writes.py [--backups 20] [--only sqlite|postgres]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from benchlib import throwaway_postgres

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' helpers
from tests.fresh_process import run_module  # noqa: E402


def run(backups: int, database_url: str | None) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as data_dir:
        return run_module(  # type: ignore[no-any-return]
            "tests.interop.under_writes", str(backups), data_dir=data_dir, database_url=database_url
        )


def report(name: str, o: dict) -> bool:
    under = statistics.median(o["backup_seconds"])
    quiet = statistics.median(o["quiet_backup_seconds"])
    rate = o["writes"] / o["write_seconds"] if o["write_seconds"] else 0.0
    print(
        f"{name:10} backups {o['backups']:3}  restored {o['restored']:3}  "
        f"identical {o['identical']:3}  writes meanwhile {o['writes']:5} ({rate:6.1f}/s)  "
        f"backup {under * 1000:6.0f} ms under writes vs {quiet * 1000:6.0f} ms quiet "
        f"(ratio {under / quiet:4.2f})"
    )
    for p in o["problems"]:
        print(f"  PROBLEM: {p}")
    return not o["problems"] and o["restored"] == o["identical"] == o["backups"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backups", type=int, default=20)
    ap.add_argument("--only", choices=("sqlite", "postgres"))
    args = ap.parse_args()
    ok = True
    if args.only != "postgres":
        ok &= report("sqlite", run(args.backups, None))
    if args.only != "sqlite":
        with throwaway_postgres("backup") as url:
            ok &= report("postgres", run(args.backups, url))
    print("backups under writes:", "PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
