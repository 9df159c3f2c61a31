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

import numpy as np
from numpy.typing import NDArray
from scipy.signal import lfilter

FloatArray = NDArray[np.float64]

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
