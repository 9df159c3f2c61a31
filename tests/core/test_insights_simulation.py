"""Honesty checks for Insights on simulated people with known (planted) effects.

Each synthetic person keeps a 180-day diary with AR(1) day-to-day noise (phi 0.3-0.5), a
weekly rhythm, a slow trend and 10 % missing outcome days. Planted truths:

- heat pad (yes/no) lowers same-day max spasm intensity by 1.5 points (1 noise SD);
- sitting 3 h or more (yes/no, more likely on weekdays) raises the NEXT day's spasm
  count by 2 (1 noise SD);
- magnesium (yes/no, taken in streaks) and cups of coffee (numeric) do nothing.

Every other factor x outcome x lag pair has a true effect of exactly 0 (factors are
independent from day to day once the weekday is known). Run with -s to see the rates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pytest

from spasmtrack.core.insights import Insight, analyse

N_PEOPLE = 100
N_DAYS = 180
FIRST_DAY = date(2024, 1, 1)
INTENSITY, COUNT = "max spasm intensity", "spasm count"
HEAT, SITTING, MAGNESIUM, COFFEE = "heat pad", "sat 3 h or more", "magnesium", "cups of coffee"
PLANTED = {(HEAT, INTENSITY, 0): -1.5, (SITTING, COUNT, 1): 2.0}


def ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    """Stationary AR(1) noise with marginal standard deviation `sd`."""
    e = rng.normal(0.0, sd * np.sqrt(1 - phi**2), n)
    out = np.empty(n)
    out[0] = rng.normal(0.0, sd)
    for t in range(1, n):
        out[t] = phi * out[t - 1] + e[t]
    return out


def streaks(rng: np.random.Generator, n: int, stay: float) -> np.ndarray:
    """A 0/1 series that keeps its value from one day to the next with probability `stay`."""
    out = np.empty(n)
    out[0] = rng.random() < 0.5
    for t in range(1, n):
        out[t] = out[t - 1] if rng.random() < stay else 1 - out[t - 1]
    return out


def as_series(values: np.ndarray, keep: np.ndarray | None = None) -> dict[date, float]:
    days = [FIRST_DAY + timedelta(days=i) for i in range(len(values))]
    keep = np.ones(len(values), dtype=bool) if keep is None else keep
    return {d: float(v) for d, v, k in zip(days, values, keep, strict=True) if k}


def simulate_person(seed: int) -> tuple[dict[str, dict[date, float]], dict[str, dict[date, float]]]:
    rng = np.random.default_rng(seed)
    n = N_DAYS
    weekday = (FIRST_DAY.weekday() + np.arange(n)) % 7
    weekend = (weekday >= 5).astype(float)
    heat = (rng.random(n) < 0.35).astype(float)
    hours = np.clip(rng.normal(3.3 - 1.5 * weekend, 1.2), 0, None)
    sitting = (hours >= 3).astype(float)
    magnesium = streaks(rng, n, stay=0.8)
    coffee = rng.poisson(2.0, n).astype(float)
    trend = np.linspace(0.5, -0.5, n)
    intensity = 5 + 0.4 * weekend + trend + ar1(rng, n, rng.uniform(0.3, 0.5), 1.5) - 1.5 * heat
    count = 6 - 1.0 * weekend + trend + ar1(rng, n, rng.uniform(0.3, 0.5), 2.0)
    count[1:] += 2.0 * sitting[:-1]
    outcomes = {
        INTENSITY: as_series(intensity, rng.random(n) >= 0.1),
        COUNT: as_series(count, rng.random(n) >= 0.1),
    }
    # Yes/no factors are stored like the app does: only the days when they happened.
    factors = {
        HEAT: as_series(heat, heat == 1),
        SITTING: as_series(sitting, sitting == 1),
        MAGNESIUM: as_series(magnesium, magnesium == 1),
        COFFEE: as_series(coffee),
    }
    return outcomes, factors


@dataclass
class Rates:
    planted_found: dict[tuple[str, str, int], float]
    null_flagged: float
    null_factor_any_flagged: float
    coverage: float
    n_tests: int


def flagged(i: Insight) -> bool:
    return i.verdict in ("helps", "aggravates")


def run_simulation() -> Rates:
    found = dict.fromkeys(PLANTED, 0)
    null_tests = null_flags = covered = tested = 0
    factor_any = factor_n = 0
    for person in range(N_PEOPLE):
        outcomes, factors = simulate_person(1000 + person)
        report = analyse(
            outcomes,
            factors,
            FIRST_DAY,
            FIRST_DAY + timedelta(days=N_DAYS - 1),
            pain_type={INTENSITY, COUNT},
        )
        assert not report.not_enough_data
        for key, truth in PLANTED.items():
            item = next(i for i in report.all() if (i.factor, i.outcome, i.lag_days) == key)
            right_way = "helps" if truth < 0 else "aggravates"
            found[key] += item.verdict == right_way
        for factor in (MAGNESIUM, COFFEE):
            factor_n += 1
            factor_any += any(flagged(i) for i in report.all() if i.factor == factor)
        for i in report.all():
            assert i.ci95 is not None
            truth = PLANTED.get((i.factor, i.outcome, i.lag_days), 0.0)
            tested += 1
            covered += i.ci95[0] <= truth <= i.ci95[1]
            if truth == 0.0:
                null_tests += 1
                null_flags += flagged(i)
    return Rates(
        planted_found={k: v / N_PEOPLE for k, v in found.items()},
        null_flagged=null_flags / null_tests,
        null_factor_any_flagged=factor_any / factor_n,
        coverage=covered / tested,
        n_tests=tested,
    )


@pytest.fixture(scope="module")
def rates() -> Rates:
    r = run_simulation()
    print(
        f"\nInsights simulation, {N_PEOPLE} people x {N_DAYS} days, {r.n_tests} tests:"
        f"\n  planted effects found (right sign and lag): "
        + ", ".join(f"{f} -> {o} lag {lag}: {v:.0%}" for (f, o, lag), v in r.planted_found.items())
        + f"\n  null tests flagged: {r.null_flagged:.1%}"
        f"\n  null factors flagged in any outcome/lag: {r.null_factor_any_flagged:.1%}"
        f"\n  95 % interval coverage of the true effect: {r.coverage:.1%}"
    )
    return r


@pytest.mark.parametrize("planted", list(PLANTED))
def test_it_finds_planted_effects_with_the_right_sign_and_lag(
    rates: Rates, planted: tuple[str, str, int]
) -> None:
    assert rates.planted_found[planted] >= 0.80


def test_it_rarely_flags_factors_that_do_nothing(rates: Rates) -> None:
    assert rates.null_flagged <= 0.10


def test_it_rarely_flags_a_useless_factor_in_any_of_its_outcomes_and_lags(rates: Rates) -> None:
    # Each null factor gets 6 tests (2 outcomes x 3 lags) and BH controls the false
    # discovery rate, not this family-wise rate; measured 13 % over these 100 people (about
    # 10 % over 300), so this only guards against a regression.
    assert rates.null_factor_any_flagged <= 0.20


def test_its_intervals_cover_the_true_effect_about_95_percent_of_the_time(rates: Rates) -> None:
    assert 0.90 <= rates.coverage <= 0.99
