"""Benchmark importing a Flaredown export into the database, against the parser alone.

Usage: .venv/bin/python bench/flaredown_db_import.py [ROWS] [--only sqlite|postgres]
(default 200,000 rows)

Writes a synthetic single-person export (bench/flaredown_import.py `write_export`: check-ins
of ~22 rows with every trackable type; made-up values), then, for each database:
1. baseline: iterate `iter_flaredown` over the file (parse only, nothing written);
2. `import_flaredown` of the same file into a fresh database (one transaction, bulk_create
   in batches) and prints rows/s and the ratio to the baseline of the same run.

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
from urllib.parse import urlparse, urlunparse

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
HERE = Path(__file__).resolve()


def _write_export(path: Path, rows: int) -> None:
    spec = importlib.util.spec_from_file_location("fd_bench", HERE.parent / "flaredown_import.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_export(path, rows)


def child(csv_path: Path) -> None:
    """Run in a child process with DATABASE_URL / SPASMTRACK_DATA_DIR set; prints JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spasmtrack.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from spasmtrack.accounts.models import Person
    from spasmtrack.core.flaredown import iter_flaredown
    from spasmtrack.interop.flaredown import import_flaredown

    call_command("migrate", interactive=False, verbosity=0)
    person = Person.objects.create(user=User.objects.create_user("bench"), tz="Europe/Berlin")
    lines = sum(1 for _ in csv_path.open(encoding="utf-8")) - 1

    t = time.perf_counter()
    with csv_path.open(encoding="utf-8", newline="") as f:
        parsed = sum(1 for _ in iter_flaredown(f))
    parse_s = time.perf_counter() - t

    t = time.perf_counter()
    with csv_path.open(encoding="utf-8", newline="") as f:
        summary = import_flaredown(person, f)
    import_s = time.perf_counter() - t
    written = summary.ratings + summary.treatment_logs + summary.habit_logs
    print(
        json.dumps(
            {
                "rows": lines,
                "records": parsed,
                "written": written,
                "parse_s": parse_s,
                "import_s": import_s,
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
    parse_rate = r["rows"] / r["parse_s"]
    import_rate = r["rows"] / r["import_s"]
    print(
        f"{name:10} parser alone {parse_rate:10,.0f} rows/s | import into DB "
        f"{import_rate:9,.0f} rows/s ({r['written']:,.0f} rows written, "
        f"{r['import_s']:.1f} s) | import/parse time ratio {r['import_s'] / r['parse_s']:.1f}x"
    )


def _postgres(csv_path: Path) -> None:
    try:
        import psycopg

        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except Exception as e:  # noqa: BLE001 - any connection problem means "skip"
        print(f"postgres   SKIPPED: {PG_URL} not reachable ({type(e).__name__})")
        return
    name = f"spasmtrack_bench_{os.getpid()}"
    u = urlparse(PG_URL)
    url = urlunparse(u._replace(path=f"/{name}"))
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            _report("postgres", _run({"DATABASE_URL": url}, csv_path))
        finally:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


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
