"""Benchmark: the n-of-1 analysis on a 12-week trial, against a Gibbs sampler and PyMC NUTS.

Run: .venv/bin/python bench/nof1.py [--repeats N] [--no-pymc]

Prints the median time of `analyse` (exact grid integration, the app's default), the time of
our own Gibbs sampler on the same model (baseline that always runs), and, when PyMC is
importable (`.venv/bin/pip install -r bench/requirements-pymc.txt`; never a runtime
requirement), a PyMC NUTS fit of the same model and priors, the speed ratio (target >= 100x)
and the agreement (posterior mean of delta within 0.05, 95 % interval ends within 0.1).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date
from typing import Any

import numpy as np
from scipy import linalg

from spasmtrack.core.nof1 import Priors, Schedule, TrialDay, analyse, make_schedule
from spasmtrack.core.nof1.power import simulate_ar1

TRUE_DELTA = -1.0


def twelve_week_trial() -> tuple[Schedule, list[TrialDay], list[bool]]:
    """84 days: 6 blocks of two 7-day periods, 1-day washout, AR(1) noise, a few missing days."""
    schedule = make_schedule(date(2024, 1, 1), 7, 6, seed=12, washout_days=1)
    rng = np.random.default_rng(12)
    noise = simulate_ar1(rng, 1, schedule.total_days, 1.5, 0.4)[0]
    shift = rng.normal(0.0, 0.5, schedule.blocks)
    missing = set(rng.choice(schedule.total_days, size=5, replace=False).tolist())
    days: list[TrialDay] = []
    for i, (d, e) in enumerate(zip(schedule.days, noise, strict=True)):
        y = 5.5 + TRUE_DELTA * (d.condition == "B") + shift[d.block - 1] + e
        days.append((d.day, d.condition, None if i in missing else float(y), d.block))
    return schedule, days, schedule.washout_mask()


def time_ms(fn: Any, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def pymc_fit(days: list[TrialDay], mask: list[bool], priors: Priors) -> tuple[Any, float, float]:
    """The same model and priors in PyMC (NUTS): (delta draws, wall s, sampling-only s)."""
    import pymc as pm
    import pytensor.tensor as pt

    rows = [r for r, m in zip(days, mask, strict=True) if r[2] is not None and not m]
    y = np.array([r[2] for r in rows], dtype=float)
    blocks = np.array([r[3] for r in rows]) - 1
    k = int(blocks.max()) + 1
    X = np.column_stack([np.ones(len(y)), [r[1] == "B" for r in rows], linalg.helmert(k).T[blocks]])
    gaps = np.array([0] + [(b[0] - a[0]).days for a, b in zip(rows, rows[1:], strict=False)])
    t0 = time.perf_counter()
    with pm.Model():
        mu = pm.Normal("mu", y.mean(), priors.mu_sd)
        delta = pm.Normal("delta", 0.0, priors.delta_sd)
        contrasts = pm.Normal("contrasts", 0.0, priors.tau, shape=k - 1)
        phi = pm.Uniform("phi", -1.0, 1.0)
        sigma2 = pm.InverseGamma("sigma2", priors.sigma2_shape, priors.sigma2_scale)
        beta = pt.concatenate([pt.stack([mu, delta]), contrasts])
        r = pt.as_tensor_variable(y) - pt.dot(X, beta)
        # Exact stationary AR(1) likelihood with gaps g: e_t | e_prev ~ N(phi^g e_prev, s_t).
        g = pt.as_tensor_variable(gaps.astype(float))
        coef = pt.switch(g > 0, phi**g, 0.0)
        var = pt.switch(g > 0, (1 - phi ** (2 * g)) / (1 - phi**2), 1 / (1 - phi**2))
        prev = pt.concatenate([pt.zeros(1), r[:-1]])
        innov = r - coef * prev
        scale = pt.sqrt(sigma2 * var)
        pm.Potential("ar1", pm.logp(pm.Normal.dist(0.0, scale), innov).sum())
        trace = pm.sample(
            draws=2000,
            tune=1000,
            chains=2,
            cores=1,
            random_seed=1,
            progressbar=False,
            compute_convergence_checks=False,
        )
    seconds = time.perf_counter() - t0
    sampling = float(trace.posterior.attrs.get("sampling_time", float("nan")))
    return trace.posterior["delta"].values.ravel(), seconds, sampling


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--no-pymc", action="store_true")
    args = parser.parse_args()

    _, days, mask = twelve_week_trial()
    priors = Priors()
    result = analyse(days, washout=mask)
    grid = time_ms(lambda: analyse(days, washout=mask), args.repeats)
    median_ms = statistics.median(grid)
    kept = [r for r, m in zip(days, mask, strict=True) if r[2] is not None and not m]
    raw = np.mean([r[2] for r in kept if r[1] == "B"]) - np.mean(
        [r[2] for r in kept if r[1] == "A"]
    )
    print(f"12-week trial: {len(days)} days, {result.n_days} analysed (washout/missing left out)")
    print(f"planted delta {TRUE_DELTA}; this noise draw gives a raw B - A mean of {raw:.3f}")
    print(f"ours: effect {result.effect:.3f}, "
          f"95% CI [{result.ci95[0]:.3f}, {result.ci95[1]:.3f}], "
          f"P(B better) {result.p_b_better:.3f}, P(>= MCID) {result.p_mcid:.3f}")  # fmt: skip
    print(f"analyse (grid): median {median_ms:.2f} ms over {args.repeats} runs "
          f"(min {min(grid):.2f}, max {max(grid):.2f}); target <= 50 ms")  # fmt: skip

    t0 = time.perf_counter()
    gibbs = analyse(days, washout=mask, method="gibbs", seed=1, draws=2000, burn_in=500)
    gibbs_ms = (time.perf_counter() - t0) * 1000
    print(f"baseline Gibbs sampler (2,000 draws + 500 burn-in): {gibbs_ms:.0f} ms, "
          f"ratio {gibbs_ms / median_ms:.0f}x; effect {gibbs.effect:.3f}, "
          f"CI [{gibbs.ci95[0]:.3f}, {gibbs.ci95[1]:.3f}]")  # fmt: skip

    if args.no_pymc:
        return
    try:
        import pymc  # noqa: F401
    except ImportError:
        print("PyMC not importable: skipped (pip install -r bench/requirements-pymc.txt)")
        return
    draws, seconds, sampling = pymc_fit(days, mask, priors)
    mean = float(draws.mean())
    lo, hi = (float(v) for v in np.quantile(draws, [0.025, 0.975]))
    ratio = seconds * 1000 / median_ms
    print(f"PyMC NUTS (2 chains x 2,000 draws + 1,000 tune, incl. compile): {seconds:.1f} s, "
          f"ratio {ratio:.0f}x (target >= 100x); sampling alone {sampling:.1f} s, "
          f"ratio {sampling * 1000 / median_ms:.0f}x")  # fmt: skip
    d_mean, d_lo, d_hi = (
        abs(mean - result.effect),
        abs(lo - result.ci95[0]),
        abs(hi - result.ci95[1]),
    )
    ok = d_mean <= 0.05 and d_lo <= 0.1 and d_hi <= 0.1
    print(f"PyMC: effect {mean:.3f}, CI [{lo:.3f}, {hi:.3f}]; |diff| mean {d_mean:.3f} "
          f"(<= 0.05), lower {d_lo:.3f}, upper {d_hi:.3f} (<= 0.1): "
          f"{'AGREE' if ok else 'DISAGREE'}")  # fmt: skip


if __name__ == "__main__":
    main()
