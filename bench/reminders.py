"""One reminder tick for 10,000 people on PostgreSQL, then delivery over two workers.

Usage: .venv/bin/python bench/reminders.py [--people 10000] [--workers 2]

Creates a throwaway PostgreSQL database (TEST_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/postgres) and fills it with synthetic people in three time
zones, all with reminders by e-mail: a daily check-in at 20:00 local (a third already checked
in), "pain now" 60 minutes after a treatment (one in ten has one waiting), and FIQR/ACR/PEG
(nine in ten answered within the interval). The clock is pinned to 19:30 UTC, so Berlin's
check-ins are due and New York's are not.

Prints: the time of one scheduler tick computing what is due (median of 5; target <= 1 s) and
its ratio against the bare SQL reads of the same rows in the same run (the floor); then the
deliveries queued by two concurrent schedulers, and two worker threads (each with its own
connection, as two `spasmtrack reminders --loop` would be) sending them through a recording
channel: every delivery sent exactly once, and how the work split.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import throwaway_postgres  # noqa: E402

SEED = 20261201
NOW = datetime(2026, 6, 1, 19, 30, tzinfo=UTC)
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo")


def fill(people: int) -> None:
    from django.contrib.auth.models import User

    from spasmtrack.accounts.models import Person
    from spasmtrack.diary.models import DailyCheckin, Treatment, TreatmentLog
    from spasmtrack.questionnaires.models import QuestionnaireResponse
    from spasmtrack.reminders.models import ReminderSettings

    rng = random.Random(SEED)
    User.objects.bulk_create(
        (User(username=f"p{i}", password="!") for i in range(people)), batch_size=2000
    )
    users = list(User.objects.filter(username__startswith="p").order_by("id"))
    Person.objects.bulk_create(
        (Person(user=u, tz=ZONES[i % 3]) for i, u in enumerate(users)), batch_size=2000
    )
    persons = list(Person.objects.order_by("id"))
    ReminderSettings.objects.bulk_create(
        (
            ReminderSettings(
                person=p,
                checkin_at=dtime(20, 0),
                pain_after_minutes=60,
                experiment_at=None,
                fiqr_weeks=4,
                acr2016_months=3,
                peg_weeks=1,
                quiet_from=dtime(23, 0),
                quiet_until=dtime(7, 0),
                by_email=True,
                email=f"p{i}@example.invalid",
                since=NOW.date() - timedelta(days=rng.randrange(0, 60)),
            )
            for i, p in enumerate(persons)
        ),
        batch_size=2000,
    )
    DailyCheckin.objects.bulk_create(
        (
            DailyCheckin(person=p, local_date=p.local_date(NOW), mood=5)
            for p in persons
            if rng.random() < 1 / 3
        ),
        batch_size=2000,
    )
    heat = Treatment.objects.get_or_create(key="bench-heat", name="Heat", category="home")[0]
    logs = []
    for p in persons:
        if rng.random() < 0.1:
            at = NOW - timedelta(minutes=rng.randrange(30, 200))
            logs.append(
                TreatmentLog(
                    person=p, treatment=heat, at=at, local_date=p.local_date(at), pain_before=6
                )
            )
    TreatmentLog.objects.bulk_create(logs, batch_size=2000)
    answers = []
    # Most people keep up with their questionnaires: nine in ten answered each one within its
    # interval (not due); the rest are late or never answered (due).
    spans = {"fiqr": (1, 28), "acr2016": (1, 90), "peg": (1, 7)}
    for p in persons:
        if rng.random() < 0.9:
            for kind in ("fiqr", "acr2016", "peg"):
                day = NOW.date() - timedelta(days=rng.randrange(*spans[kind]))
                answers.append(
                    QuestionnaireResponse(
                        person=p,
                        kind=kind,
                        local_date=day,
                        answers={},
                        answered_at=NOW - timedelta(days=(NOW.date() - day).days),
                    )
                )
    QuestionnaireResponse.objects.bulk_create(answers, batch_size=2000)


def bare_reads() -> None:
    """The rows one tick needs, read with plain SQL and nothing computed: the floor."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "SELECT s.*, p.tz FROM reminders_remindersettings s "
            "JOIN accounts_person p ON p.id = s.person_id WHERE s.by_email OR s.by_push"
        )
        c.fetchall()
        c.execute(
            "SELECT person_id, local_date FROM diary_dailycheckin "
            "WHERE deleted_at IS NULL AND local_date >= %s",
            [NOW.date() - timedelta(days=1)],
        )
        c.fetchall()
        c.execute(
            "SELECT person_id, code, at FROM diary_treatmentlog WHERE deleted_at IS NULL "
            "AND pain_before IS NOT NULL AND pain_after IS NULL AND at >= %s",
            [NOW - timedelta(days=2)],
        )
        c.fetchall()
        c.execute(
            "SELECT person_id, kind, max(local_date) FROM questionnaires_questionnaireresponse "
            "GROUP BY person_id, kind"
        )
        c.fetchall()


def measure(workers: int) -> None:
    from django.db import connections

    from spasmtrack.reminders import scheduler
    from spasmtrack.reminders.models import Delivery

    def median_time(fn: object, n: int = 5) -> tuple[float, object]:
        times, out = [], None
        for _ in range(n):
            t = time.perf_counter()
            out = fn()  # type: ignore[operator]
            times.append(time.perf_counter() - t)
        return statistics.median(times), out

    t = time.perf_counter()
    scheduler.compute_due(NOW)
    cold = time.perf_counter() - t
    floor, _ = median_time(bare_reads)
    tick, found = median_time(lambda: scheduler.compute_due(NOW))
    kinds = Counter(d.kind for _, d in found)  # type: ignore[union-attr]
    print(
        f"tick (what is due for {len(set(s.person_id for s, _ in found))} of the people, "  # type: ignore[union-attr]
        f"{len(found)} reminders: {dict(kinds)}): {tick * 1000:.0f} ms median of 5 "  # type: ignore[arg-type]
        f"(target <= 1000 ms: {'meets' if tick <= 1 else 'misses'}); "
        f"bare SQL reads of the same rows {floor * 1000:.0f} ms, ratio {tick / floor:.1f}x; "
        f"the first tick after start-up (cold caches) {cold * 1000:.0f} ms"
    )

    sent: list[tuple[str, int, str]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work(name: str) -> None:
        def send(d: Delivery) -> None:
            with lock:
                sent.append((name, d.person_id, d.key))

        try:
            barrier.wait()
            scheduler.queue_due(NOW)  # every worker schedules: inserts must not duplicate
            while scheduler.handle_one_batch(name, {"email": send}, NOW):
                pass
        except BaseException as e:
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(f"w{i + 1}",)) for i in range(workers)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t
    if errors:
        raise errors[0]
    queued = Delivery.objects.count()
    per_key = Counter((pid, key) for _, pid, key in sent)
    twice = sum(1 for v in per_key.values() if v > 1)
    statuses = Counter(Delivery.objects.values_list("status", flat=True))
    split = Counter(w for w, *_ in sent)
    ok = twice == 0 and len(per_key) == statuses.get("sent", 0) == len(found)  # type: ignore[arg-type]
    print(
        f"delivery over {workers} workers: {queued} queued (by {workers} concurrent schedulers), "
        f"{len(sent)} sends in {elapsed:.1f} s, {twice} sent twice, statuses {dict(statuses)}, "
        f"split {dict(split)}: {'exactly once' if ok else 'NOT exactly once'}"
    )
    if not ok:
        sys.exit(1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    def run(url: str) -> None:
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spasmtrack.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        t = time.perf_counter()
        fill(args.people)
        print(f"filled {args.people} people in {time.perf_counter() - t:.1f} s")
        measure(args.workers)

    try:
        with throwaway_postgres("reminders") as url:
            run(url)
    except OSError as e:
        print(f"SKIPPED: PostgreSQL not reachable ({e})")


if __name__ == "__main__":
    main()
