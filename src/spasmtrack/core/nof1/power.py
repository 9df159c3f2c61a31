"""Will this n-of-1 design answer the question? A simulation from the person's own past data.

We estimate the person's day-to-day behaviour from past daily outcomes (mean, SD, lag-1
autocorrelation), simulate many trials on the planned schedule with a true benefit of exactly
the meaningful difference (MCID) in favour of B, analyse each one with `analyse`, and count how
often P(B better) exceeds `threshold`. That share is the estimated power. It is a Monte Carlo
estimate: with the default 100 simulations its standard error is up to 5 percentage points.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy.stats import norm

from spasmtrack.core.nof1.design import Schedule, make_schedule
from spasmtrack.core.nof1.model import Priors, TrialDay, analyse
from spasmtrack.core.nof1.results import PowerCheck

MIN_PAST_DAYS = 7


def _lag1(values: list[float | None]) -> float:
    """Lag-1 autocorrelation over consecutive pairs of days that both have a value."""
    x = np.array([np.nan if v is None else v for v in values], dtype=float)
    a, b = x[:-1], x[1:]
    ok = ~(np.isnan(a) | np.isnan(b))
    if ok.sum() < 3 or np.std(a[ok]) == 0 or np.std(b[ok]) == 0:
        return 0.0
    # Keep the simulation stationary and away from a unit root.
    return float(np.clip(np.corrcoef(a[ok], b[ok])[0, 1], -0.9, 0.9))


def simulate_ar1(
    rng: np.random.Generator, n_sims: int, n_days: int, sd: float, phi: float
) -> np.ndarray:
    """(n_sims, n_days) stationary AR(1) series with marginal SD `sd` and lag-1 corr `phi`."""
    eps = rng.normal(0.0, sd * np.sqrt(1.0 - phi**2), size=(n_sims, n_days))
    e = np.empty_like(eps)
    e[:, 0] = rng.normal(0.0, sd, size=n_sims)
    for t in range(1, n_days):
        e[:, t] = phi * e[:, t - 1] + eps[:, t]
    return e


def power_warning(
    past_outcomes: list[float | None],
    design: Schedule,
    mcid: float,
    lower_is_better: bool = True,
    *,
    threshold: float = 0.95,
    target: float = 0.8,
    n_sims: int = 100,
    seed: int = 0,
    priors: Priors | None = None,
) -> PowerCheck:
    """Estimated chance that `design` shows P(B better) > `threshold` if B helps by `mcid`.

    `past_outcomes` are consecutive daily values before the trial (None for a day without
    one). The warning is a plain sentence when the power is below `target` or cannot be
    estimated (fewer than MIN_PAST_DAYS values).
    """
    values = [v for v in past_outcomes if v is not None]
    if len(values) < MIN_PAST_DAYS:
        return PowerCheck(
            None,
            f"We need at least {MIN_PAST_DAYS} days of past scores to check this plan; "
            f"there are {len(values)}.",
            None,
            None,
            None,
            0,
        )
    mean, sd, phi = float(np.mean(values)), float(np.std(values, ddof=1)), _lag1(past_outcomes)
    rng = np.random.default_rng(seed)
    noise = simulate_ar1(rng, n_sims, design.total_days, max(sd, 1e-6), phi)
    benefit = -mcid if lower_is_better else mcid
    on_b = np.array([d.condition == "B" for d in design.days])
    mask = design.washout_mask()
    hits = 0
    for sim in noise:
        y = mean + benefit * on_b + sim
        days: list[TrialDay] = [
            (d.day, d.condition, float(v), d.block) for d, v in zip(design.days, y, strict=True)
        ]
        result = analyse(days, lower_is_better, mcid, washout=mask, priors=priors)
        hits += result.p_b_better > threshold
    power = hits / n_sims
    warning = None
    if power < target:
        warning = (
            f"With your usual day-to-day variation (SD {sd:.1f}, day-to-day correlation "
            f"{phi:.2f}), this plan would clearly show a real difference of {mcid:g} in only "
            f"about {power:.0%} of cases. Longer periods or more blocks would help."
        )
    return PowerCheck(power, warning, mean, sd, phi, n_sims)


@dataclass(frozen=True)
class PlanChoice:
    """The shortest plan found that reaches `target` power; `reached` False if none did
    (then the longest plan tried is returned, with its power)."""

    period_days: int
    blocks: int
    check: PowerCheck
    reached: bool


def approx_power(schedule: Schedule, sd: float, phi: float, mcid: float, threshold: float) -> float:
    """A quick normal approximation of the power, used only to pick where to start simulating.

    The B - A contrast estimated by GLS with the person's AR(1) errors (marginal SD `sd`,
    lag-1 correlation `phi`) and one level per block, on the days analysed (washout days
    left out): power = Phi(mcid / se - z_threshold). It treats SD and phi as known, so it is
    optimistic next to the simulated analysis, which estimates them.
    """
    keep = np.flatnonzero(~np.array(schedule.washout_mask()))
    days = [schedule.days[i] for i in keep]
    on_b = np.array([d.condition == "B" for d in days], dtype=float) - 0.5
    block = np.array([d.block for d in days])
    x = np.column_stack([on_b, (block[:, None] == np.arange(1, schedule.blocks + 1)).astype(float)])
    sigma = sd**2 * phi ** np.abs(keep[:, None] - keep[None, :]).astype(float)
    info = x.T @ np.linalg.solve(sigma, x)
    se = float(np.sqrt(np.linalg.pinv(info)[0, 0]))
    return float(norm.cdf(mcid / se - norm.ppf(threshold)))


def plan_to_power(
    past_outcomes: list[float | None],
    start: date,
    mcid: float,
    lower_is_better: bool = True,
    *,
    periods: tuple[int, ...] = (7, 14),
    max_blocks: int = 12,
    max_days: int = 112,
    washout_days: int = 0,
    target: float = 0.8,
    threshold: float = 0.95,
    schedule_seed: int = 0,
    n_sims: int = 100,
    priors: Priors | None = None,
) -> PlanChoice:
    """Block length and count, chosen from the person's own variance and autocorrelation.

    For each period length, the fewest blocks (2 to `max_blocks`, at most `max_days` days)
    whose simulated power (`power_warning`, with the preview's seeds, so the number shown
    there is the same) reaches `target`. The search starts where `approx_power` first
    reaches the target and steps down (or up) one block at a time by simulation until the
    plan with one block fewer falls short. Among period lengths the plan with the fewest
    days wins (ties: the shorter period, tried first). If no plan reaches the target, the
    one with the highest simulated power is returned with `reached` False.
    """

    def check(period: int, blocks: int) -> PowerCheck:
        schedule = make_schedule(
            start, period, blocks, seed=schedule_seed, washout_days=washout_days
        )
        return power_warning(
            past_outcomes,
            schedule,
            mcid,
            lower_is_better,
            threshold=threshold,
            target=target,
            n_sims=n_sims,
            priors=priors,
        )

    def enough(c: PowerCheck) -> bool:
        return c.power is not None and c.power >= target

    candidates = [p for p in sorted(periods) if p > washout_days and max_days // (2 * p) >= 2]
    if not candidates:
        raise ValueError("no period length fits max_days with at least two blocks")
    values = [v for v in past_outcomes if v is not None]
    if len(values) < MIN_PAST_DAYS:
        period = candidates[0]
        blocks = min(3, max_blocks, max_days // (2 * period))
        return PlanChoice(period, blocks, check(period, blocks), False)
    sd, phi = max(float(np.std(values, ddof=1)), 1e-6), _lag1(past_outcomes)

    best: PlanChoice | None = None
    fallback: PlanChoice | None = None
    for period in candidates:
        top = min(max_blocks, max_days // (2 * period))
        if best is not None and 2 * period >= best.period_days * best.blocks:
            continue  # even two blocks of this length are no shorter than the plan we have

        def approx(b: int, period: int = period) -> float:
            sched = make_schedule(start, period, b, seed=schedule_seed, washout_days=washout_days)
            return approx_power(sched, sd, phi, mcid, threshold)

        blocks = next((b for b in range(2, top + 1) if approx(b) >= target), top)
        if best is not None and period * blocks >= best.period_days * best.blocks:
            continue  # by the approximation this length would not give a shorter plan
        c = check(period, blocks)
        if enough(c):
            while blocks > 2:
                fewer = check(period, blocks - 1)
                if not enough(fewer):
                    break
                blocks, c = blocks - 1, fewer
        else:
            while blocks < top and not enough(c):
                blocks += 1
                c = check(period, blocks)
        choice = PlanChoice(period, blocks, c, enough(c))
        if choice.reached:
            if best is None or period * blocks < best.period_days * best.blocks:
                best = choice
        elif fallback is None or (c.power or 0.0) > (fallback.check.power or 0.0):
            fallback = choice
    result = best or fallback
    assert result is not None
    return result
