"""The clinician report for a year of demo data, against a ceiling of 3 s (issue 17) and
baselines measured in the same run.

With a year of daily measurements (sleep, steps, heart rate, weather) beside the demo diary:
- the first report in a fresh process (a new `python`, `django.setup()`, then collect +
  render: what `spasmtrack report` and a new server worker pay), with the on-disk font subset
  cache (reports/fontcache.py) cold (an empty cache directory, each run) and warm (filled by
  an earlier process). Insights are always computed there (their cache is per process);
- in one running process: the report with the Insights cache cold and warm, collect alone;
- baselines: a bare two-page matplotlib PDF of 400 text items in DejaVu Sans and DejaVu Sans
  Bold, no charts and no data (what embedding the report's two font faces and drawing its
  text alone costs), in the running process and in a fresh process (import matplotlib too).

On a shared, loaded machine compare CPU seconds and the ratios; wall seconds move with the
load (printed). Throwaway SQLite database and cache directories.

Run: .venv/bin/python bench/report.py [--days 365] [--runs 3] [--baseline OTHER/src]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

# A child (--child) is handed the parent's throwaway data directory and a cache directory.
if "--child" not in sys.argv:
    os.environ["SPASMTRACK_DATA_DIR"] = tempfile.mkdtemp(prefix="spasmtrack-bench-")
    os.environ["SPASMTRACK_CACHE_DIR"] = tempfile.mkdtemp(prefix="spasmtrack-bench-cache-")
os.environ["SPASMTRACK_NO_LOCAL_SETTINGS"] = "1"
os.environ["DJANGO_SETTINGS_MODULE"] = "spasmtrack.settings"

CEILING_S = 3.0


def median_s(
    fn: Callable[[], object], runs: int, before: Callable[[], object] | None = None
) -> tuple[float, float]:
    """Median (wall seconds, CPU seconds of this process) over `runs` calls. On a loaded,
    shared machine the CPU time is what the report itself costs; the wall time adds waiting."""
    walls, cpus = [], []
    for _ in range(runs):
        if before:
            before()
        t, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def bare_pdf(texts: int) -> bytes:
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    buf = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(buf) as pdf:
        for _ in range(2):
            fig = Figure(figsize=(8.27, 11.69))
            for i in range(texts // 2):
                weight = "bold" if i % 5 == 0 else "normal"
                fig.text(0.05, (i % 90) / 100, f"text {i} – →", fontsize=8, fontweight=weight)
            pdf.savefig(fig)
    return buf.getvalue()


def add_measures(person: Any, today: date, days: int) -> int:
    """A watch's and a weather file's daily values (sleep, steps, heart rate, HRV, pressure,
    highest temperature) for every day, seeded: the report's "Sleep, activity and weather"."""
    import random

    from spasmtrack.core.measures import DailyValue
    from spasmtrack.measures.services import store_values

    rng = random.Random(1)
    values = []
    for i in range(days):
        day = today - timedelta(days=i)
        values += [
            DailyValue(day, "sleep_hours", round(min(max(rng.gauss(6.5, 1), 2), 11), 1), "h"),
            DailyValue(day, "steps", float(max(int(rng.gauss(6000, 2000)), 0)), ""),
            DailyValue(day, "resting_heart_rate", float(int(rng.gauss(64, 4))), "bpm"),
            DailyValue(day, "hrv_sdnn", float(max(int(rng.gauss(45, 8)), 5)), "ms"),
            DailyValue(day, "pressure", round(rng.gauss(1013, 8), 1), "hPa"),
            DailyValue(day, "temperature_max", round(rng.gauss(15, 6), 1), "°C"),
        ]
    store_values(person, ((None, v) for v in values), "fitbit", "bench")
    return len(values)


def child(what: str, days: int) -> None:
    """In a fresh process: time django.setup() and then the first report (or, for "bare",
    importing matplotlib and the bare PDF), and print the figures as JSON."""
    t, c = time.perf_counter(), time.process_time()
    out: dict[str, float] = {}
    if what == "bare":
        bare_pdf(400)
    else:
        import django

        django.setup()
        out.update(setup_wall=time.perf_counter() - t, setup_cpu=time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        from spasmtrack.accounts.models import Person
        from spasmtrack.reports.data import collect
        from spasmtrack.reports.pdf import render_pdf

        person = Person.objects.get(user__username="demo")
        today = person.today()
        render_pdf(collect(person, today - timedelta(days=days - 1), today, made_on=today))
    out.update(wall=time.perf_counter() - t, cpu=time.process_time() - c)
    print(json.dumps(out))


def fresh(what: str, cache_dir: str, days: int, src: str | None = None) -> dict[str, float]:
    """One fresh process (of the source tree `src`, default this one); adds its
    whole-process wall and CPU time (interpreter start included) as seen from here."""
    env = {**os.environ, "SPASMTRACK_CACHE_DIR": cache_dir, "OPENBLAS_NUM_THREADS": "1"}
    if src:
        env["PYTHONPATH"] = src
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", what, "--days", str(days)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    out["process_wall"] = wall
    out["process_cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out


def fresh_medians(
    what: str, runs: int, cache_dir: Callable[[], str], days: int, src: str | None = None
) -> dict[str, float]:
    results = [fresh(what, cache_dir(), days, src) for _ in range(runs)]
    return {k: statistics.median(r[k] for r in results) for k in results[0]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--baseline",
        help="another source tree's src/ (e.g. `git archive main src | tar -x -C /tmp/main`, "
        "then /tmp/main/src): its first report in a fresh process too, in the same run",
    )
    ap.add_argument("--child", choices=["report", "bare"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.days)
        return

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    from spasmtrack.accounts.models import Person
    from spasmtrack.diary.demo import create_demo
    from spasmtrack.reports.data import collect
    from spasmtrack.reports.pdf import render_pdf

    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    n = create_demo(days=args.days, seed=1, tz="Europe/Berlin")
    person = Person.objects.get(user__username="demo")
    today = person.today()
    n += add_measures(person, today, args.days)
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"demo: {n} entries over {args.days} days in {time.perf_counter() - t:.1f} s")
    start = today - timedelta(days=args.days - 1)

    def report() -> bytes:
        return render_pdf(collect(person, start, today, made_on=today))

    from django.db import connections

    connections.close_all()  # the children read the same SQLite file
    caches = tempfile.mkdtemp(prefix="spasmtrack-bench-cache-")
    n_cold = iter(range(10**6))
    first_cold = fresh_medians(
        "report", args.runs, lambda: os.path.join(caches, f"cold-{next(n_cold)}"), args.days
    )
    warm_dir = os.path.join(caches, "warm")
    fresh("report", warm_dir, args.days)  # fills the cache, not timed
    first_warm = fresh_medians("report", args.runs, lambda: warm_dir, args.days)
    bare_fresh = fresh_medians("bare", args.runs, lambda: warm_dir, args.days)
    baseline = None
    if args.baseline:
        n_base = iter(range(10**6))
        baseline = fresh_medians(
            "report",
            args.runs,
            lambda: os.path.join(caches, f"base-{next(n_base)}"),
            args.days,
            os.path.abspath(args.baseline),
        )

    t, c = time.perf_counter(), time.process_time()
    pdf = report()  # the first in this process (after the demo was made: imports warm)
    in_first, in_first_cpu = time.perf_counter() - t, time.process_time() - c
    print(f"report: {start}..{today}, {len(pdf) / 1024:.0f} KiB")
    cold, cold_cpu = median_s(report, args.runs, before=cache.clear)
    warm, warm_cpu = median_s(report, args.runs)
    collect_s, collect_cpu = median_s(
        lambda: collect(person, start, today, made_on=today), args.runs
    )
    bare, bare_cpu = median_s(lambda: bare_pdf(400), args.runs)
    print(f"median of {args.runs}; CPU / ceiling: against the {CEILING_S:.0f} s ceiling")
    print(f"{'':50} {'wall s':>7} {'CPU s':>7}  CPU / ceiling")
    rows = [
        ("FRESH PROCESS: first report, font cache cold", first_cold["wall"], first_cold["cpu"]),
        ("FRESH PROCESS: first report, font cache warm", first_warm["wall"], first_warm["cpu"]),
        (
            "  (whole process, cache warm: python + setup + it)",
            first_warm["process_wall"],
            first_warm["process_cpu"],
        ),
        (
            "  (of which django.setup, before the report)",
            first_warm["setup_wall"],
            first_warm["setup_cpu"],
        ),  # fmt: skip
        ("baseline: bare 2-page PDF, fresh process", bare_fresh["wall"], bare_fresh["cpu"]),
        *(
            [("baseline tree: first report, fresh process", baseline["wall"], baseline["cpu"])]
            if baseline
            else []
        ),
        ("running process: first report (imports warm)", in_first, in_first_cpu),
        ("running process: report, Insights cache cold", cold, cold_cpu),
        ("running process: report, Insights cache warm", warm, warm_cpu),
        ("running process: collect (Insights warm)", collect_s, collect_cpu),
        ("baseline: bare 2-page PDF, 400 texts", bare, bare_cpu),
    ]
    for label, wall, cpu in rows:
        print(f"{label:50} {wall:7.2f} {cpu:7.2f}  {cpu / CEILING_S:.2f}")
    print(
        f"fresh first report = {first_warm['cpu'] / bare_fresh['cpu']:.1f} x the fresh bare PDF"
        f" (CPU, cache warm), {first_cold['cpu'] / bare_fresh['cpu']:.1f} x (cache cold); "
        f"running report cold = {cold_cpu / bare_cpu:.1f} x bare"
    )
    for label, m in (("font cache cold", first_cold), ("font cache warm", first_warm)):
        verdict = "within" if m["cpu"] <= CEILING_S else "OVER"
        wall_verdict = "within" if m["wall"] <= CEILING_S else "over"
        print(
            f"first report in a fresh process, {label}: CPU {m['cpu']:.2f} s {verdict} the "
            f"ceiling; wall {m['wall']:.2f} s {wall_verdict} it (load "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )


if __name__ == "__main__":
    main()
