"""Synthetic diaries for calibrating Insights (made-up series, never real data).

Used by the calibration tests and `bench/calibration.py`. Every generator is vectorised:
it returns `count` independent series of `n` days as a (count, n) array.

Factor shapes (the ones issue 21 measured):
- "independent": yes/no, 40 % of days, days independent;
- "runs": yes/no taken in runs, stays the same from one day to the next with probability 0.9;
- "ar08": numeric, AR(1) with coefficient 0.8 (slowly varying, e.g. hours of sitting);
- "rare": yes/no on 8 % of days;
- "course": one course of 12 days at a random place, "no" outside it.
Outcomes are AR(1) noise with coefficient `phi` (stationary start) plus a weekly pattern.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray
from scipy.signal import lfilter

from spasmtrack.core.insights import InsightsReport, analyse
from spasmtrack.core.insights.change import interrupted_time_series

FloatArray = NDArray[np.float64]
Series = dict[date, float]

SHAPES = ("independent", "runs", "ar08", "rare", "course")
COURSE_DAYS = 12


def ar1(rng: np.random.Generator, count: int, n: int, phi: float, sd: float = 1.0) -> FloatArray:
    """Stationary AR(1) series with innovation sd `sd`, (count, n)."""
    u = rng.normal(0.0, sd, (count, n))
    u[:, 0] /= np.sqrt(1.0 - phi**2)  # start in the stationary distribution
    return np.asarray(lfilter([1.0], [1.0, -phi], u, axis=1), dtype=np.float64)


def runs(rng: np.random.Generator, count: int, n: int, stay: float = 0.9) -> FloatArray:
    """Yes/no series that keep their value from one day to the next with probability `stay`."""
    flips = rng.random((count, n)) > stay
    flips[:, 0] = rng.random(count) < 0.5
    return np.asarray(np.cumsum(flips, axis=1) % 2, dtype=np.float64)


def factor(rng: np.random.Generator, shape: str, count: int, n: int) -> FloatArray:
    """`count` factor series of one of SHAPES."""
    if shape == "independent":
        return np.asarray(rng.random((count, n)) < 0.4, dtype=np.float64)
    if shape == "runs":
        return runs(rng, count, n)
    if shape == "ar08":
        return ar1(rng, count, n, 0.8)
    if shape == "rare":
        return np.asarray(rng.random((count, n)) < 0.08, dtype=np.float64)
    if shape == "course":
        start = rng.integers(n // 10, n - COURSE_DAYS - n // 10, count)
        t = np.arange(n)
        on = (t[None, :] >= start[:, None]) & (t[None, :] < start[:, None] + COURSE_DAYS)
        return np.asarray(on, dtype=np.float64)
    raise ValueError(f"unknown factor shape {shape!r}")


def outcome(
    rng: np.random.Generator, count: int, n: int, phi: float, first_weekday: int = 0
) -> FloatArray:
    """Pain-like outcomes: 5 + a weekly pattern + AR(1) noise with coefficient `phi`."""
    weekly = 0.5 * np.cos(2 * np.pi * ((first_weekday + np.arange(n)) % 7) / 7)
    return np.asarray(5.0 + weekly[None, :] + ar1(rng, count, n, phi), dtype=np.float64)


def phis(rng: np.random.Generator, count: int, low: float = 0.3, high: float = 0.8) -> FloatArray:
    """Autocorrelations drawn uniformly from [low, high], one per diary."""
    return np.asarray(rng.uniform(low, high, count), dtype=np.float64)


def outcomes_with_phis(
    rng: np.random.Generator, phi: FloatArray, n: int, first_weekday: int = 0
) -> FloatArray:
    """One pain-like outcome series per entry of `phi`, each with its own autocorrelation."""
    u = rng.normal(0.0, 1.0, (phi.size, n))
    e = np.empty_like(u)
    e[:, 0] = u[:, 0] / np.sqrt(1.0 - phi**2)
    for t in range(1, n):  # n steps, each vectorised over the diaries
        e[:, t] = phi * e[:, t - 1] + u[:, t]
    weekly = 0.5 * np.cos(2 * np.pi * ((first_weekday + np.arange(n)) % 7) / 7)
    return np.asarray(5.0 + weekly[None, :] + e, dtype=np.float64)


# --- whole-analysis calibration ---------------------------------------------------------

FIRST_DAY = date(2024, 1, 1)  # a Monday
N_DAYS = 180
PAIN_GROUP = ("overall pain", "spasm burden", "mean spasm intensity", "max spasm intensity")
OTHERS = ("spasm count", "sleep quality", "fatigue")
MISSING = 0.08  # share of days without any entry
ALPHA = 0.05


@dataclass
class Diary:
    """A synthetic diary in the form `analyse` takes; `complete` = the fully logged days."""

    outcomes: dict[str, Series]
    factors: dict[str, Series]
    complete: list[date]
    n: int = N_DAYS
    pain_type: frozenset[str] = field(default_factory=lambda: frozenset(PAIN_GROUP + OTHERS))
    state_before: dict[str, dict[str, Series]] = field(default_factory=dict)

    def analyse(self) -> InsightsReport:
        return analyse(
            self.outcomes,
            self.factors,
            FIRST_DAY,
            FIRST_DAY + timedelta(days=self.n - 1),
            pain_type=self.pain_type,
            complete_days=self.complete,
            outcome_groups=[PAIN_GROUP],
            state_before=self.state_before,
        )


def _days(n: int) -> list[date]:
    return [FIRST_DAY + timedelta(days=i) for i in range(n)]


def _diary(
    outcomes: dict[str, FloatArray],
    factors: dict[str, tuple[str, FloatArray]],
    keep: NDArray[np.bool_],
) -> Diary:
    """Arrays -> series; days not kept have no entry at all. Yes/no factors are stored as
    the days they happened; every kept day is fully logged."""
    d = _days(keep.size)
    kept = [day for day, k in zip(d, keep, strict=True) if k]
    out = {
        name: {day: float(v) for day, v, k in zip(d, y, keep, strict=True) if k}
        for name, y in outcomes.items()
    }
    fac: dict[str, Series] = {}
    for name, (shape, x) in factors.items():
        if shape == "ar08":
            fac[name] = {day: float(v) for day, v, k in zip(d, x, keep, strict=True) if k}
        else:
            fac[name] = {day: 1.0 for day, v, k in zip(d, x, keep, strict=True) if k and v}
    return Diary(out, fac, kept, keep.size)


def lagged(x: FloatArray, lag: int) -> FloatArray:
    """x(t - lag) on each day, 0 before the first day."""
    out = np.zeros_like(x)
    out[lag:] = x[: x.size - lag]
    return out


def one_factor_diary(
    rng: np.random.Generator, shape: str, effect: float = 0.0, lag: int = 0, n: int = N_DAYS
) -> Diary:
    """One factor, one pain outcome (phi uniform 0.3-0.8, weekly pattern); pain moves by
    `effect` points `lag` days after the factor."""
    x = factor(rng, shape, 1, n)[0]
    y = outcomes_with_phis(rng, phis(rng, 1), n)[0] + effect * lagged(x, lag)
    return _diary({"overall pain": y}, {"f": (shape, x)}, rng.random(n) > MISSING)


def null_person(rng: np.random.Generator, n: int = N_DAYS) -> Diary:
    """Several factors (one of each shape) and seven outcomes, none affected by any factor,
    rated as people rate them: whole points from 0 to 10.

    The pain group and fatigue share one AR(1) process (the person's underlying state),
    each with its own day-to-day rating noise (so these outcomes are AR(1) plus noise, not
    pure AR(1)); spasm count has its own AR(1) process; sleep quality has no day-to-day
    memory at all.
    """
    phi = phis(rng, 2)
    state = outcomes_with_phis(rng, phi[:1], n)[0]

    def rated(y: FloatArray) -> FloatArray:
        return np.asarray(np.clip(np.round(y), 0, 10), dtype=np.float64)

    outcomes = {name: rated(state + rng.normal(0, 0.7, n)) for name in PAIN_GROUP}
    outcomes["fatigue"] = rated(state + rng.normal(0, 1.0, n))
    outcomes["spasm count"] = outcomes_with_phis(rng, phi[1:], n)[0]
    outcomes["sleep quality"] = rated(6 + rng.normal(0, 1.2, n))
    factors = {f"{shape} factor": (shape, factor(rng, shape, 1, n)[0]) for shape in SHAPES}
    return _diary(outcomes, factors, rng.random(n) > MISSING)


def indication_diary(rng: np.random.Generator, n: int = N_DAYS) -> Diary:
    """A treatment with no effect, used more after worse days (probability 0.2 after a
    day below the person's median pain, 0.6 after one above)."""
    y = outcomes_with_phis(rng, phis(rng, 1), n)[0]
    worse = np.r_[False, y[:-1] > np.median(y)]
    x = (rng.random(n) < np.where(worse, 0.6, 0.2)).astype(np.float64)
    return _diary({"overall pain": y}, {"f": ("independent", x)}, rng.random(n) > MISSING)


def morning_indication_diary(
    rng: np.random.Generator, n: int = N_DAYS, adjust: bool = True, effect: float = 0.0
) -> Diary:
    """A treatment used *because* the morning was bad (probability 0.7 on a morning above
    the person's median, 0.15 otherwise), taken around midday. The day's outcome is the
    mean of the morning and the afternoon ratings, both the day's AR(1) level plus their
    own noise; the treatment moves only the afternoon, by `effect` points (0: none).
    `adjust` passes the morning as the state before the treatment."""
    level = outcomes_with_phis(rng, phis(rng, 1), n)[0]
    morning = level + rng.normal(0.0, 0.7, n)
    x = (rng.random(n) < np.where(morning > np.median(morning), 0.7, 0.15)).astype(np.float64)
    afternoon = level + rng.normal(0.0, 0.7, n) + effect * x
    diary = _diary(
        {"overall pain": (morning + afternoon) / 2},
        {"f": ("independent", x)},
        rng.random(n) > MISSING,
    )
    if adjust:
        kept = set(diary.complete)
        before = {day: float(v) for day, v in zip(_days(n), morning, strict=True) if day in kept}
        diary.state_before = {"f": {"overall pain": before}}
    return diary


def morning_indication(count: int, seed: int, adjust: bool = True) -> Rate:
    """Share of `morning_indication_diary` people (no effect) with a helps/aggravates finding."""
    return _count(
        count,
        seed,
        lambda rng: bool(_clear(morning_indication_diary(rng, adjust=adjust).analyse())),
    )


@dataclass(frozen=True)
class Rate:
    hits: int
    count: int

    @property
    def value(self) -> float:
        return self.hits / self.count

    def interval(self, z: float = 2.576) -> tuple[float, float]:
        """Normal-approximation binomial interval (99 % by default)."""
        half = z * np.sqrt(self.value * (1 - self.value) / self.count)
        return (self.value - half, self.value + half)

    def __str__(self) -> str:
        return f"{100 * self.value:5.1f} %"


def _count(count: int, seed: int, make: Callable[[np.random.Generator], bool]) -> Rate:
    rng = np.random.default_rng(seed)
    return Rate(sum(make(rng) for _ in range(count)), count)


def type_one_error(shape: str, count: int, seed: int) -> Rate:
    """Share of null diaries whose one finding has p < 5 %, among the diaries where the
    test ran (a rare factor is sometimes too rare to test: that is not a non-rejection)."""
    rng = np.random.default_rng(seed)
    hits = tested = 0
    for _ in range(count):
        report = one_factor_diary(rng, shape).analyse()
        p = [i.p_value for i in report.all() if i.p_value is not None]
        if p:
            tested += 1
            hits += p[0] < ALPHA
    return Rate(hits, tested)


def any_finding(count: int, seed: int) -> Rate:
    """Share of null people (several factors and outcomes) with any helps/aggravates."""
    return _count(count, seed, lambda rng: bool(_clear(null_person(rng).analyse())))


def _clear(report: InsightsReport) -> list[object]:
    return [*report.helps, *report.aggravates]


def power(shape: str, effect: float, lag: int, count: int, seed: int) -> tuple[Rate, Rate]:
    """Share of diaries where a planted effect is found (right direction), and share where
    it is found with a timing that includes the true lag."""
    found = timed = 0
    rng = np.random.default_rng(seed)
    for _ in range(count):
        report = one_factor_diary(rng, shape, effect, lag).analyse()
        hits = report.helps if effect < 0 else report.aggravates
        if hits:
            found += 1
            timed += lag in hits[0].lags_reported
    return Rate(found, count), Rate(timed, count)


def indication(count: int, seed: int) -> tuple[Rate, Rate]:
    """Factor used after worse days, no effect: share flagged helps/aggravates, and share
    shown as used_on_worse_days."""
    flagged = shown = 0
    rng = np.random.default_rng(seed)
    for _ in range(count):
        report = indication_diary(rng).analyse()
        flagged += bool(_clear(report))
        shown += bool(report.used_on_worse_days)
    return Rate(flagged, count), Rate(shown, count)


def change_type_one_error(count: int, seed: int, phi_high: float = 0.8) -> Rate:
    """interrupted_time_series on null series (phi 0.3-`phi_high`), a change at a random
    day with at least 30 days on each side, 8 % missing days."""

    def one(rng: np.random.Generator) -> bool:
        y = outcomes_with_phis(rng, phis(rng, 1, 0.3, phi_high), N_DAYS)[0]
        keep = rng.random(N_DAYS) > MISSING
        d = _days(N_DAYS)
        series = {day: float(v) for day, v, k in zip(d, y, keep, strict=True) if k}
        change = d[int(rng.integers(30, N_DAYS - 30))]
        return interrupted_time_series(series, change).p_value < ALPHA

    return _count(count, seed, one)
