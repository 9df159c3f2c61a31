"""The clinician report for a year of demo data: collect + render, cold Insights cache and warm,
against a ceiling of 3 s (issue 17) and a baseline measured in the same run: a bare two-page
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
from datetime import timedelta

os.environ["SPASMTRACK_DATA_DIR"] = tempfile.mkdtemp(prefix="spasmtrack-bench-")
os.environ["SPASMTRACK_NO_LOCAL_SETTINGS"] = "1"
os.environ["DJANGO_SETTINGS_MODULE"] = "spasmtrack.settings"

CEILING_S = 3.0


def median_s(
    fn: Callable[[], object], runs: int, before: Callable[[], object] | None = None
) -> float:
    times = []
    for _ in range(runs):
        if before:
            before()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


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
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"demo: {n} entries over {args.days} days in {time.perf_counter() - t:.1f} s")
    person = Person.objects.get(user__username="demo")
    today = person.today()
    start = today - timedelta(days=364)

    def report() -> bytes:
        return render_pdf(collect(person, start, today, made_on=today))

    t = time.perf_counter()
    pdf = report()  # the first in this process: imports, font subsets, Insights all cold
    first = time.perf_counter() - t
    print(f"report: {start}..{today}, {len(pdf) / 1024:.0f} KiB")
    print(
        f"first report in a fresh process: {first:.2f} s  ({first / CEILING_S:.2f} of the ceiling)"
    )
    cold = median_s(report, args.runs, before=cache.clear)
    warm = median_s(report, args.runs)
    t = time.perf_counter()
    collect(person, start, today, made_on=today)
    collect_s = time.perf_counter() - t
    bare = median_s(lambda: bare_pdf(400), args.runs)
    print(f"collect (warm Insights cache): {collect_s:.2f} s")
    print(f"report, Insights cache cold:   {cold:.2f} s  ({cold / CEILING_S:.2f} of the ceiling)")
    print(f"report, Insights cache warm:   {warm:.2f} s  ({warm / CEILING_S:.2f} of the ceiling)")
    print(f"bare 2-page PDF, 400 texts:    {bare:.2f} s  (report cold = {cold / bare:.1f} x bare)")
    print("OK" if max(first, cold) <= CEILING_S else "OVER THE CEILING")


if __name__ == "__main__":
    main()
