"""Benchmark the Apple Health import: parse rate and memory, and the database write rate.

Usage: .venv/bin/python bench/apple_health.py [DAYS] [--only sqlite|postgres]
(default 1,500 days, about 50 MB of export.xml; the issue's target file is 1 GB, about
30,000 days: pass it to measure that, it takes minutes)

1. Parse: a synthetic export.xml (tests/measures/synthetic.py: Apple's element and attribute
   names, ~112 records a day from a phone and a watch: steps, resting heart rate, HRV with
   metadata children, staged sleep) of DAYS days and one of DAYS/4 days, each parsed by
   `core.formats.wearables.read_apple_health` in a fresh child process: records/s and the child's
   peak RSS (target >= 200,000 records/s, <= 200 MB; the RSS should not grow with the
   file). The ceiling in the same run: the same file through the same lxml parser with a
   target whose start handler does nothing (the cost of reading the XML at all from
   Python), and, for comparison, the standard library's expat with an empty handler.
2. Database: `measures.services.store_values` of 20 years x 11 metrics of daily values
   (the all-or-nothing upsert every measurement import uses) into a fresh database, against
   a bare `executemany` (SQLite) / `COPY` (PostgreSQL) of the very rows it stored into the
   same table (rolled back). PostgreSQL runs when TEST_DATABASE_URL is reachable.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
DB_YEARS = 20


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def parse_child(path: Path) -> None:
    from xml.parsers import expat
    from zoneinfo import ZoneInfo

    from lxml import etree  # type: ignore[import-untyped]

    from spasmtrack.core.formats.wearables import read_apple_health

    def noop(name: str, attrs: dict[str, str]) -> None:
        pass

    class Empty:
        def start(self, tag: str, attrib: dict[str, str]) -> None:
            pass

        def close(self) -> None:
            pass

    # CPU time (the machine is shared): the parse is single-threaded and reads a cached file.
    t = time.process_time()
    p = expat.ParserCreate()
    p.buffer_text = True
    p.StartElementHandler = noop
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            p.Parse(chunk, False)
    p.Parse(b"", True)
    expat_s = time.process_time() - t
    t = time.process_time()
    lx = etree.XMLParser(target=Empty(), load_dtd=False, resolve_entities=False, no_network=True)
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            lx.feed(chunk)
    lx.close()
    bare_s = time.process_time() - t
    t = time.process_time()
    with path.open("rb") as f:
        result = read_apple_health(f, ZoneInfo("Europe/Berlin"))
    parse_s = time.process_time() - t
    out = {
        "records": result.records,
        "values": len(result.values),
        "parse_s": parse_s,
        "bare_s": bare_s,
        "expat_s": expat_s,
        "rss_mb": _peak_rss_mb(),
    }
    print(json.dumps(out))


def db_child() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spasmtrack.settings")
    import django

    django.setup()
    import random
    import uuid
    from datetime import date, timedelta

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, transaction

    from spasmtrack.accounts.models import Person
    from spasmtrack.core.measures import METRICS, DailyValue
    from spasmtrack.measures.models import DailyMetric
    from spasmtrack.measures.services import store_values

    call_command("migrate", interactive=False, verbosity=0)
    person = Person.objects.create(user=User.objects.create_user("bench"), tz="Europe/Berlin")
    other = Person.objects.create(user=User.objects.create_user("ceiling"), tz="Europe/Berlin")
    rng = random.Random(1)
    first = date(2000, 1, 1)
    values = [
        (
            None,
            DailyValue(
                first + timedelta(days=i), m.key, round(rng.uniform(m.low, m.high), 3), m.unit
            ),
        )
        for i in range(DB_YEARS * 365)
        for m in METRICS.values()
    ]
    t = time.perf_counter()
    summary = store_values(person, values, "apple-health", "bench")
    import_s = time.perf_counter() - t
    t = time.perf_counter()
    again = store_values(person, values, "apple-health", "bench")  # the same file again
    again_s = time.perf_counter() - t
    assert again.unchanged == summary.new

    pg = connection.vendor == "postgresql"
    fields = [f for f in DailyMetric._meta.concrete_fields if not f.primary_key]
    cols = [f.column for f in fields]
    pi, ci = cols.index("person_id"), cols.index("code")
    table = DailyMetric._meta.db_table
    with connection.cursor() as c:
        c.execute(f"SELECT {', '.join(cols)} FROM {table} WHERE person_id = %s", [person.pk])
        rows = [list(r) for r in c.fetchall()]
    for r in rows:
        r[pi] = other.pk
        r[ci] = uuid.uuid4() if pg else uuid.uuid4().hex
    rows_t = [tuple(r) for r in rows]
    with transaction.atomic():
        raw = connection.connection
        t = time.perf_counter()
        if pg:
            with (
                raw.cursor() as cur,
                cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp,
            ):
                for r in rows_t:
                    cp.write_row(r)
        else:
            marks = ", ".join("?" * len(cols))
            raw.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows_t)
        ceiling_s = time.perf_counter() - t
        transaction.set_rollback(True)
    print(
        json.dumps(
            {"rows": summary.new, "import_s": import_s, "again_s": again_s, "ceiling_s": ceiling_s}
        )
    )


def _child(args: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    path = os.pathsep.join([str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")])
    out = subprocess.run(
        [sys.executable, str(HERE), *args],
        env={**os.environ, "PYTHONPATH": path, **(env or {})},
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _db_report(name: str, r: dict[str, float]) -> None:
    rate = r["rows"] / r["import_s"]
    ceiling = r["rows"] / r["ceiling_s"]
    bare = "COPY" if name == "postgres" else "executemany"
    print(
        f"{name:10} store_values {rate:9,.0f} rows/s ({r['rows']:,.0f} rows, "
        f"{r['import_s']:.2f} s; the same file again {r['rows'] / r['again_s']:,.0f} rows/s) | "
        f"bare {bare} of the same rows {ceiling:9,.0f} rows/s | ratio {rate / ceiling:.0%}"
    )


def _postgres() -> None:
    try:
        import psycopg

        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except Exception as e:  # noqa: BLE001 - any connection problem means "skip"
        print(f"postgres   SKIPPED: {PG_URL} not reachable ({type(e).__name__})")
        return
    name = f"spasmtrack_ahbench_{os.getpid()}"
    url = urlunparse(urlparse(PG_URL)._replace(path=f"/{name}"))
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            _db_report("postgres", _child(["--db"], {"DATABASE_URL": url}))
        finally:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("days", nargs="?", type=int, default=1500)
    ap.add_argument("--only", choices=("sqlite", "postgres"))
    ap.add_argument("--parse", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--db", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.parse:
        parse_child(args.parse)
        return
    if args.db:
        db_child()
        return
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    from tests.measures.synthetic import write_health_xml

    with tempfile.TemporaryDirectory(prefix="spasmtrack-ahbench-") as tmp:
        for days in (max(1, args.days // 4), args.days):
            path = Path(tmp) / f"export-{days}.xml"
            with path.open("wb") as f:
                write_health_xml(f, days)
            r = _child(["--parse", str(path)])
            rate, bare = r["records"] / r["parse_s"], r["records"] / r["bare_s"]
            expat_rate = r["records"] / r["expat_s"]
            print(
                f"parse {path.stat().st_size / 1e6:7.1f} MB, {r['records']:>10,.0f} records: "
                f"{rate:9,.0f} records/s CPU (target >= 200,000: "
                f"{'meets' if rate >= 200_000 else 'misses'}) | bare lxml, empty target "
                f"{bare:9,.0f} records/s | ratio {rate / bare:.0%} | bare stdlib expat "
                f"{expat_rate:9,.0f} | peak RSS {r['rss_mb']:.0f} MB (target <= 200 MB)"
            )
            path.unlink()
        if args.only in (None, "sqlite"):
            env = {"SPASMTRACK_DATA_DIR": str(Path(tmp) / "data"), "DATABASE_URL": ""}
            _db_report("sqlite", _child(["--db"], env))
        if args.only in (None, "postgres"):
            _postgres()


if __name__ == "__main__":
    main()
