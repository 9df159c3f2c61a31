"""The History page with 2,000 people x 1 year of diary on PostgreSQL: p50/p95 latency.

Usage: .venv/bin/python bench/history_page.py [--people 2000] [--days 365] [--requests 300]
                                               [--keep URL] [--profile N]

Creates a throwaway PostgreSQL database (TEST_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/postgres), migrates it and fills it with synthetic people:
each day one muscle event, one check-in and, every other day, a treatment log (one in ten of
them recorded by a clinician) and a habit log, written with interop.bulk (COPY). Then, in this
process, it signs random people in and GETs /history/ (the default: the last 30 days) through
Django's test client, and prints p50/p95 wall time, the queries per page and the share of the
time spent in SQL, against the issue's target (p95 <= 100 ms). The SQL time measured in the
same run is the floor the page cannot go below. It also prints this process's CPU time a page
(median): on a machine shared with other work it moves less than wall time does, so compare
it between trees (A/B) when the wall figures are noisy.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import throwaway_postgres  # noqa: E402

SEED = 20241201


def fill(people: int, days: int) -> None:
    from django.contrib.auth.models import User
    from django.db import connection, transaction

    from spasmtrack.accounts.models import Person
    from spasmtrack.diary.models import (
        DailyCheckin,
        Habit,
        HabitLog,
        MuscleEvent,
        Treatment,
        TreatmentLog,
    )
    from spasmtrack.interop.bulk import EntryRows

    rng = random.Random(SEED)
    User.objects.bulk_create(User(username=f"p{i}", password="!") for i in range(people))
    users = list(User.objects.filter(username__startswith="p").order_by("id"))
    Person.objects.bulk_create(Person(user=u, tz="Europe/Berlin") for u in users)
    clinician = Person.objects.create(
        user=User.objects.create(username="clinician", password="!"), tz="Europe/Berlin"
    )
    heat = Treatment.objects.get_or_create(key="bench-heat", name="Heat", category="home")[0]
    walk = Habit.objects.get_or_create(key="bench-walk", name="Walk", kind="yes_no")[0]
    today = datetime.now(UTC).date()
    stamp = datetime.now(UTC)
    regions = (["calf_left"], ["neck_side_left", "shoulder_top_left"], ["low_back_right"])
    t = time.perf_counter()
    rows = 0
    with transaction.atomic():
        for person in Person.objects.exclude(pk=clinician.pk).order_by("id"):
            events = EntryRows(MuscleEvent, person, stamp)
            checkins = EntryRows(DailyCheckin, person, stamp)
            treatments = EntryRows(TreatmentLog, person, stamp)
            habits = EntryRows(HabitLog, person, stamp)
            for d in range(days):
                day = today - timedelta(days=d)
                at = datetime.combine(day, dtime(rng.randrange(7, 21), rng.randrange(60)), UTC)
                events.add(
                    {
                        "kind": "spasm" if rng.random() < 0.7 else "twitch",
                        "started_at": at,
                        "local_date": day,
                        "intensity": rng.randrange(11),
                        "duration_s": rng.randrange(10, 900),
                        "regions": regions[d % 3],
                    }
                )
                checkins.add(
                    {
                        "local_date": day,
                        "overall_pain": rng.randrange(11),
                        "mood": rng.randrange(11),
                    }
                )
                if d % 2 == 0:
                    treatments.add(
                        {
                            "treatment": heat,
                            "at": at + timedelta(hours=1),
                            "local_date": day,
                            "duration_s": 1200,
                            "recorded_by": clinician if rng.random() < 0.1 else None,
                        }
                    )
                    habits.add({"habit": walk, "local_date": day, "value": 1})
            for w in (events, checkins, treatments, habits):
                w.flush()
                rows += w.written
    with connection.cursor() as c:
        c.execute("ANALYZE")
    print(
        f"filled {people:,} people x {days} days: {rows:,} rows in {time.perf_counter() - t:.0f} s"
    )


def measure(requests: int) -> None:
    from django.db import connection
    from django.test import Client

    from spasmtrack.accounts.models import Person

    rng = random.Random(SEED + 1)
    ids = list(Person.objects.exclude(user__username="clinician").values_list("id", flat=True))
    client = Client(HTTP_HOST="localhost")
    sql: list[float] = []

    def timed(execute, sql_text, params, many, context):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            sql.append(time.perf_counter() - t)

    walls, cpus, sql_per, queries = [], [], [], []
    for i in range(requests + 20):
        if i % 5 == 0:  # a different person every 5 pages
            client.force_login(Person.objects.get(pk=rng.choice(ids)).user)
        sql.clear()
        with connection.execute_wrapper(timed):
            t, cpu = time.perf_counter(), time.process_time()
            r = client.get("/history/")
            wall, cpu = time.perf_counter() - t, time.process_time() - cpu
        assert r.status_code == 200, r.status_code
        if i >= 20:  # the first pages warm caches and the connection
            walls.append(wall * 1000)
            cpus.append(cpu * 1000)
            sql_per.append(sum(sql) * 1000)
            queries.append(len(sql))
    walls.sort()
    p50 = statistics.median(walls)
    p95 = walls[int(0.95 * (len(walls) - 1))]
    print(
        f"GET /history/ (last 30 days) x {requests}: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
        f"(target p95 <= 100 ms: {'meets' if p95 <= 100 else 'misses'}); "
        f"{statistics.median(queries):.0f} queries, SQL {statistics.median(sql_per):.1f} ms "
        f"median ({statistics.median(sql_per) / p50:.0%} of p50); "
        f"CPU {statistics.median(cpus):.1f} ms a page (median)"
    )


def profile(pages: int) -> None:
    """cProfile of `pages` History pages (one person), to stderr: where the time goes."""
    import cProfile
    import pstats

    from django.test import Client

    from spasmtrack.accounts.models import Person

    client = Client(HTTP_HOST="localhost")
    client.force_login(Person.objects.exclude(user__username="clinician").first().user)  # type: ignore[union-attr]
    client.get("/history/")
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(pages):
        client.get("/history/")
    prof.disable()
    stats = pstats.Stats(prof, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(50)
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=2000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument(
        "--keep",
        metavar="URL",
        help="use (and keep) this database; filled only when it has no people yet",
    )
    ap.add_argument(
        "--profile", type=int, default=0, metavar="N", help="then cProfile N pages (stderr)"
    )
    args = ap.parse_args()

    def run(url: str) -> None:
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spasmtrack.settings")
        import django

        django.setup()
        from django.core.management import call_command

        from spasmtrack.accounts.models import Person

        call_command("migrate", interactive=False, verbosity=0)
        if not Person.objects.exists():
            fill(args.people, args.days)
        measure(args.requests)
        if args.profile:
            profile(args.profile)

    try:
        if args.keep:
            run(args.keep)
        else:
            with throwaway_postgres("history") as url:
                run(url)
    except OSError as e:
        print(f"SKIPPED: PostgreSQL not reachable ({e})")


if __name__ == "__main__":
    main()
