"""Calibration table for Insights: false-positive rates on diaries with no effect, power
for planted effects, timing, confounding by indication, and the before/after path.

Synthetic 180-day diaries (spasmtrack.core.insights.sim): AR(1) outcomes with phi drawn
uniformly from 0.3-0.8, a weekly pattern, 8 % of days without any entry. Everything goes
through the whole analysis (`analyse`, as the CLI and the API call it).

Targets (issue 21): per-test type-I error 3-7 % at nominal 5 % for every factor shape;
at most 10 % of null people with any helps/aggravates finding; the before/after
(interrupted time series) test at most 7 %.

Run: PYTHONPATH=src .venv/bin/python bench/calibration.py [diaries per row, default 1000]
"""

from __future__ import annotations

import sys
import time

from spasmtrack.core.insights import sim as sim


def row(name: str, rate: sim.Rate, target: str = "") -> None:
    low, high = rate.interval()
    print(f"{name:<58} {rate!s:>8}   99 % CI {100 * low:4.1f}-{100 * high:4.1f} %   {target}")


def main(count: int) -> None:
    start = time.perf_counter()
    print(f"{count} diaries per row, 180 days, phi 0.3-0.8, 8 % missing days\n")
    print("Per-test type-I error (one factor, one outcome, no effect), nominal 5 %:")
    for seed, shape in enumerate(sim.SHAPES, start=1):
        row(f"  {shape}", sim.type_one_error(shape, count, seed), "target 3-7 %")
    print("\nWhole analysis on null people (5 factors of every shape, 7 outcomes):")
    row("  any helps/aggravates finding", sim.any_finding(count, 10), "target <= 10 %")
    print("\nPower (found in the right direction / with a timing that includes the true lag):")
    found, timed = sim.power("independent", -1.0, 0, count, 20)
    row("  1-point yes/no effect, 40 % of days, same day: found", found)
    row("      ... reported timing includes the same day", timed)
    found, timed = sim.power("independent", -0.5, 0, count, 21)
    row("  0.5-point yes/no effect, 40 % of days, same day: found", found)
    found, timed = sim.power("independent", 1.0, 1, count, 22)
    row("  1-point yes/no effect, next day: found", found)
    row("      ... reported timing includes the next day", timed)
    found, timed = sim.power("runs", 1.0, 1, count, 23)
    row("  1-point effect of a factor taken in runs, next day: found", found)
    row("      ... reported timing includes the next day", timed)
    print("\nConfounding by indication (used more after worse days, no effect):")
    flagged, shown = sim.indication(count, 30)
    row("  flagged as helps/aggravates", flagged, "nominal 5 %")
    row("  shown as used_on_worse_days", shown)
    print("\nSame-day indication (taken because the morning was bad, no effect):")
    row("  not adjusted for the state before", sim.morning_indication(count, 32, adjust=False))
    row(
        "  adjusted for the state before (state_before)",
        sim.morning_indication(count, 32),
        "nominal 5 %",
    )

    print("\nBefore/after a change (interrupted time series), no change, nominal 5 %:")
    row("  phi 0.3-0.8", sim.change_type_one_error(count, 40), "target <= 7 %")
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
