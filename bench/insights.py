"""Benchmark: Insights analysis vs a loop of statsmodels OLS + HAC fits.

Ten years of daily data (3,650 days), 30 factors (20 yes/no, 10 numeric, 3 of them with
their own missing days), 8 outcomes, lags 0, 1, 2 = 720 tests. Two scenarios:

- "shared gaps" (the usual case): 5 outcomes come from the spasm log and are known every
  day; 3 come from the daily check-in and share its skipped days (15 %).
- "independent gaps" (harder): each of those 3 outcomes misses its own 15 % of days, so
  the analysis needs more batches (one per missingness pattern).

Ours is timed end to end (dict series in, sentences out; median of several runs). The
baseline gets the day grids prepared outside its timer and only selects rows, builds
the design and calls OLS(...).fit(cov_type="HAC", ...) per test. It also checks that
effects and standard errors agree to 1e-6.

Run: .venv/bin/python bench/insights.py
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta

import numpy as np
from statsmodels.regression.linear_model import OLS

from spasmtrack.core.insights import (
    Insight,
    InsightsReport,
    adjustment_columns,
    analyse,
    series_grid,
)
from spasmtrack.core.insights_stats import newey_west_lags

N_DAYS = 3650
N_BINARY, N_NUMERIC, N_OUTCOMES = 20, 10, 8
LAGS = (0, 1, 2)
FIRST_DAY = date(2015, 1, 1)
BASELINE_BUDGET_S = 60.0
RUNS = 7

Series = dict[date, float]


def synthetic(
    seed: int = 7, shared_gaps: bool = True
) -> tuple[dict[str, Series], dict[str, Series]]:
    """Outcomes with AR(1) noise and a few planted effects; factors as dict series."""
    rng = np.random.default_rng(seed)
    days = [FIRST_DAY + timedelta(days=i) for i in range(N_DAYS)]
    x = np.empty((N_DAYS, N_BINARY + N_NUMERIC))
    x[:, :N_BINARY] = rng.random((N_DAYS, N_BINARY)) < rng.uniform(0.1, 0.6, N_BINARY)
    x[:, N_BINARY:] = rng.gamma(2.0, 1.5, (N_DAYS, N_NUMERIC))
    noise = np.zeros((N_DAYS, N_OUTCOMES))
    eps = rng.normal(size=(N_DAYS, N_OUTCOMES))
    for t in range(1, N_DAYS):
        noise[t] = 0.4 * noise[t - 1] + eps[t]
    y = 5 + noise
    y[:, 0] -= 1.0 * x[:, 0]
    y[1:, 1] += 0.3 * x[:-1, N_BINARY]
    y[2:, 2] += 0.5 * x[:-2, 3]
    skipped = rng.random((N_DAYS, 1 if shared_gaps else 3)) < 0.15
    y[:, 5:] = np.where(skipped, np.nan, y[:, 5:])
    factors: dict[str, Series] = {}
    for j in range(N_BINARY):
        factors[f"habit {j}"] = {d: 1.0 for d, v in zip(days, x[:, j], strict=True) if v}
    for j in range(N_NUMERIC):
        present = rng.random(N_DAYS) >= (0.2 if j < 3 else 0.0)
        col = x[:, N_BINARY + j]
        factors[f"amount {j}"] = {
            d: float(v) for d, v, p in zip(days, col, present, strict=True) if p
        }
    outcomes = {
        f"outcome {k}": {d: float(v) for d, v in zip(days, y[:, k], strict=True) if v == v}
        for k in range(N_OUTCOMES)
    }
    return outcomes, factors


def run_ours(outcomes: dict[str, Series], factors: dict[str, Series]) -> InsightsReport:
    return analyse(
        outcomes,
        factors,
        FIRST_DAY,
        FIRST_DAY + timedelta(days=N_DAYS - 1),
        pain_type=set(outcomes),
        lags=LAGS,
    )


def statsmodels_fit(
    item: Insight, grids: dict[str, np.ndarray], adjust: np.ndarray, binary: set[str]
) -> tuple[float, float]:
    """The same regression as `item`, by statsmodels: (effect, se)."""
    lag = item.lag_days
    x = grids[item.factor][: N_DAYS - lag]
    y = grids[item.outcome][lag:]
    if item.factor in binary:
        x = np.nan_to_num(x)
    rows = ~np.isnan(x) & ~np.isnan(y)
    a = adjust[lag:][rows]
    design = np.column_stack([a[:, 0], x[rows], a[:, 1:]])
    res = OLS(y[rows], design).fit(
        cov_type="HAC",
        cov_kwds={"maxlags": newey_west_lags(int(rows.sum())), "use_correction": True},
        use_t=True,
    )
    return float(res.params[1]), float(res.bse[1])


def time_ours(
    outcomes: dict[str, Series], factors: dict[str, Series]
) -> tuple[InsightsReport, float]:
    run_ours(outcomes, factors)  # warm-up (imports, scipy caches)
    times, cpu = [], []
    for _ in range(RUNS):
        t0, c0 = time.perf_counter(), time.process_time()
        report = run_ours(outcomes, factors)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    ours = statistics.median(times)
    tested = [i for i in report.all() if i.effect is not None]
    print(
        f"  tests: {len(report.all())} ({len(tested)} run, {len(report.not_enough_data)} skipped)"
    )
    print(
        f"  ours: median {ours * 1000:.1f} ms over {RUNS} runs (min {min(times) * 1000:.1f} ms; "
        f"median CPU time {statistics.median(cpu) * 1000:.1f} ms, the machine is shared)"
    )
    return report, ours


def time_baseline(
    report: InsightsReport, outcomes: dict[str, Series], factors: dict[str, Series]
) -> tuple[float, float, float]:
    """statsmodels loop time (extrapolated if over budget) and max |differences|."""
    grids = {n: series_grid(s, FIRST_DAY, N_DAYS) for n, s in {**outcomes, **factors}.items()}
    adjust = adjustment_columns(FIRST_DAY, N_DAYS)
    binary = {f"habit {j}" for j in range(N_BINARY)}
    tested = [i for i in report.all() if i.effect is not None]
    order = tested[:]
    random.Random(1).shuffle(order)
    d_effect = d_se = 0.0
    done = 0
    t0 = time.perf_counter()
    for item in order:
        effect, se = statsmodels_fit(item, grids, adjust, binary)
        assert item.effect is not None and item.se is not None
        d_effect = max(d_effect, abs(effect - item.effect))
        d_se = max(d_se, abs(se - item.se))
        done += 1
        if time.perf_counter() - t0 > BASELINE_BUDGET_S:
            break
    elapsed = time.perf_counter() - t0
    baseline = elapsed / done * len(tested)
    note = "" if done == len(tested) else f" (extrapolated from a random {done} tests)"
    print(f"  statsmodels loop: {baseline * 1000:.0f} ms for {len(tested)} tests{note}")
    return baseline, d_effect, d_se


def main() -> None:
    for shared in (True, False):
        print("shared gaps:" if shared else "independent gaps:")
        outcomes, factors = synthetic(shared_gaps=shared)
        report, ours = time_ours(outcomes, factors)
        baseline, d_effect, d_se = time_baseline(report, outcomes, factors)
        print(f"  speed-up: {baseline / ours:.1f}x")
        print(f"  max |effect difference|: {d_effect:.2e}  max |SE difference|: {d_se:.2e}")
        print(
            f"  agreement <= 1e-6: {'yes' if max(d_effect, d_se) <= 1e-6 else 'NO'}; "
            f"<= 250 ms: {'yes' if ours <= 0.25 else 'NO'}; "
            f">= 10x: {'yes' if baseline / ours >= 10 else 'NO'}"
        )


if __name__ == "__main__":
    main()
