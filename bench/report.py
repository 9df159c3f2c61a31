"""The clinician report for a year of demo data: collect + render, cold Insights cache and warm,
with a year of daily measurements (sleep, steps, heart rate, weather), against a ceiling of
3 s (issue 17) and a baseline measured in the same run: a bare two-page
matplotlib PDF of 400 text items in DejaVu Sans and DejaVu Sans Bold, no charts and no data
(what embedding the report's two font faces and drawing its text alone costs). On a shared,
loaded machine compare the ratio; the seconds move with the load (printed).

In-process on a throwaway SQLite database. The first report of a process also pays for the
imports and the font subsets (kept per process afterwards, reports.pdf._cache_font_subsets);
"Insights cache cold" clears only the Insights cache.

Run: .venv/bin/python bench/report.py [--days 365] [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

os.environ["SPASMTRACK_DATA_DIR"] = tempfile.mkdtemp(prefix="spasmtrack-bench-")
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

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
    start = today - timedelta(days=364)

    def report() -> bytes:
        return render_pdf(collect(person, start, today, made_on=today))

    t, c = time.perf_counter(), time.process_time()
    pdf = report()  # the first in this process: imports, font subsets, Insights all cold
    first, first_cpu = time.perf_counter() - t, time.process_time() - c
    print(f"report: {start}..{today}, {len(pdf) / 1024:.0f} KiB")
    cold, cold_cpu = median_s(report, args.runs, before=cache.clear)
    warm, warm_cpu = median_s(report, args.runs)
    collect_s, collect_cpu = median_s(
        lambda: collect(person, start, today, made_on=today), args.runs
    )
    bare, bare_cpu = median_s(lambda: bare_pdf(400), args.runs)
    print(f"{'':31} {'wall s':>7} {'CPU s':>7}  CPU / ceiling")
    for label, wall, cpu in (
        ("first report in a fresh process", first, first_cpu),
        ("report, Insights cache cold", cold, cold_cpu),
        ("report, Insights cache warm", warm, warm_cpu),
        ("collect (warm Insights cache)", collect_s, collect_cpu),
        ("bare 2-page PDF, 400 texts", bare, bare_cpu),
    ):
        print(f"{label:31} {wall:7.2f} {cpu:7.2f}  {cpu / CEILING_S:.2f}")
    print(f"report cold = {cold_cpu / bare_cpu:.1f} x bare (CPU)")
    worst_wall, worst_cpu = max(first, cold), max(first_cpu, cold_cpu)
    print(
        ("OK" if worst_wall <= CEILING_S else "OVER THE CEILING (wall)")
        + f"; CPU {worst_cpu:.2f} s: "
        + ("within the ceiling" if worst_cpu <= CEILING_S else "OVER THE CEILING")
    )


if __name__ == "__main__":
    main()
