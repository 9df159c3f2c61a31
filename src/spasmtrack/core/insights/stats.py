"""Numerical kernels for Insights: batched OLS with Newey–West (HAC) standard errors.

Conventions (kept identical to statsmodels so results can be checked against
``OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": L, "use_correction": True}, use_t=True)``):

- Rows are the days that have both values, in date order; days that are missing are
  dropped and the remaining rows are treated as consecutive ("equal spacing", as
  statsmodels does).
- Kernel: Bartlett, weights ``1 - j / (L + 1)`` for lags ``j = 1..L``.
- Bandwidth: ``L = floor(4 * (n / 100) ** (2 / 9))`` (the Newey–West 1994 rule of thumb,
  also statsmodels' default), where ``n`` is the number of rows of that regression.
- Small-sample correction: the covariance is multiplied by ``n / (n - k)`` (statsmodels'
  ``use_correction=True``); ``k`` is the rank of the design, i.e. its number of columns
  once columns that are all zero (a weekday never logged) are left out.
- p-values and intervals use Student's t with ``n - k`` degrees of freedom (``use_t=True``),
  which is more cautious than the normal distribution on short diaries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special

FloatArray = NDArray[np.float64]

USE_CORRECTION = True  # statsmodels cov_kwds["use_correction"]; see module docstring


def newey_west_lags(n: int) -> int:
    """Bartlett bandwidth for `n` rows: floor(4 * (n / 100) ** (2 / 9))."""
    return int(np.floor(4 * (n / 100.0) ** (2.0 / 9.0)))


def bartlett_weights(maxlags: int) -> FloatArray:
    """Kernel weights for lags 1..maxlags: 1 - j / (maxlags + 1)."""
    return np.asarray(1.0 - np.arange(1, maxlags + 1) / (maxlags + 1.0), dtype=np.float64)


def bartlett_quadratic(z: FloatArray, maxlags: int) -> FloatArray:
    """sum_{t,s} w(|t - s|) z_t z_s along the last axis (w(0) = 1, Bartlett weights).

    This is the Newey–West "meat" for a coefficient whose per-day scores are z. Uses the
    identity "Bartlett kernel = box * box / (L + 1)": the sum equals the sum of squared
    moving sums of width L + 1, divided by L + 1, so one cumulative sum replaces L lagged
    products. (The scores of a fitted coefficient sum to 0, so the cumulative sum stays
    small and loses no precision.)
    """
    width = maxlags + 1
    n = z.shape[-1]
    c = np.cumsum(z, axis=-1)
    # Moving sum u covers days u - L .. u, for u = 0 .. n + L - 1 (days outside are 0).
    head = c[..., : min(width, n)]  # windows that start before the first day
    inner = c[..., width:] - c[..., : max(n - width, 0)]
    tail = c[..., -1:] - c[..., max(n - width, 0) : n - 1]  # windows past the last day
    total = sum(np.einsum("...i,...i->...", a, a) for a in (head, inner, tail))
    if n < width:  # windows that cover every day
        total = total + (width - n) * c[..., -1] ** 2
    return np.asarray(total / width, dtype=np.float64)


# Layout: every 2-D array below is (variables, days), so that each variable's days are
# contiguous. Products use einsum rather than `@`: on a shared, busy machine OpenBLAS
# threads spin against each other and a (30 x 3650) @ (3650 x 8) product can take 100 ms
# instead of 0.2 ms, whereas einsum's single-threaded loop is fast and predictable here.


def cross(a: FloatArray, b: FloatArray) -> FloatArray:
    """a @ b.T for (f, n) and (g, n): every row of `a` dotted with every row of `b`."""
    return np.asarray(np.einsum("fi,gi->fg", a, b), dtype=np.float64)


def rowdot(a: FloatArray, b: FloatArray) -> FloatArray:
    """Row-wise dot products of two (f, n) arrays."""
    return np.asarray(np.einsum("fi,fi->f", a, b), dtype=np.float64)


def adjuster(c: FloatArray) -> tuple[FloatArray, int]:
    """Pseudo-inverse of c c' for the (columns, days) array `c`, and its rank.

    Rank deficiency happens on real diaries, e.g. when no Monday was logged the intercept
    equals the sum of the weekday dummies; eigenvalues below 1e-10 of the largest are
    treated as zero, which still gives the least-squares projection on the columns' span.
    """
    w, v = np.linalg.eigh(cross(c, c))
    keep = w > w.max(initial=0.0) * 1e-10
    pinv = (v[:, keep] / w[keep]) @ v[:, keep].T
    return np.asarray(pinv, dtype=np.float64), int(keep.sum())


def residualise(c: FloatArray, c_pinv: FloatArray, m: FloatArray) -> FloatArray:
    """Rows of `m` minus their least-squares projection on the rows of `c`."""
    coef = cross(m, c) @ c_pinv
    return np.asarray(m - np.einsum("fc,ci->fi", coef, c), dtype=np.float64)


@dataclass(frozen=True)
class BatchFit:
    """One coefficient per (factor, outcome) pair from regressions sharing the same days.

    `effect` and `se` have shape (n_factors, n_outcomes); `ss_x` (n_factors,) and `ss_y`
    (n_outcomes,) are sums of squares after adjustment (0 means no variation left). `k`
    counts the design columns (the adjustment columns' rank, plus the factor).
    """

    effect: FloatArray
    se: FloatArray
    ss_x: FloatArray
    ss_y: FloatArray
    n: int
    k: int
    maxlags: int


def batched_factor_ols(
    adjust: FloatArray, x: FloatArray, y: FloatArray, use_correction: bool = USE_CORRECTION
) -> BatchFit:
    """Regress every row of `y` on [`adjust`, one row of `x`] for all pairs at once.

    Arrays are (variables, days): `adjust` (c, n) holds the shared columns (intercept,
    trend, weekday dummies; it must include the intercept), `x` (f, n) the factors and
    `y` (g, n) the outcomes. By Frisch–Waugh–Lovell the factor's coefficient and its HAC
    variance only need x and y residualised on `adjust`, so one small (c x c)
    decomposition serves every pair. Pairs whose adjusted factor has no variation get
    effect and se NaN.
    """
    n = adjust.shape[1]
    c_pinv, rank = adjuster(adjust)
    k = rank + 1
    xt = residualise(adjust, c_pinv, x)
    yt = residualise(adjust, c_pinv, y)
    ss_x, ss_y = rowdot(xt, xt), rowdot(yt, yt)
    # Relative tolerance: a factor that is (almost) a function of weekday and trend.
    ss_centred = rowdot(x, x) - x.sum(axis=1) ** 2 / n
    identifiable = (ss_centred > 0) & (ss_x > 1e-10 * ss_centred)
    h = xt / np.where(identifiable, ss_x, np.inf)[:, None]  # row of (X'X)^-1 X'
    effect = cross(h, yt)
    maxlags = newey_west_lags(n)
    var = _hac_variance(h, xt, yt, effect, maxlags)
    if use_correction:
        var = var * (n / (n - k))
    # Clipped: rounding can leave a tiny negative when a fit is (almost) perfect.
    se = np.sqrt(np.maximum(var, 0.0))
    effect = np.where(identifiable[:, None], effect, np.nan)
    se = np.where(identifiable[:, None], se, np.nan)
    return BatchFit(effect, se, ss_x, ss_y, n, k, maxlags)


def _hac_variance(
    h: FloatArray, xt: FloatArray, yt: FloatArray, effect: FloatArray, maxlags: int
) -> FloatArray:
    """Bartlett HAC variance (no small-sample factor) of every pair's factor coefficient.

    For factor f and outcome g the scores are z = h_f * (yt_g - b_fg * xt_f), h_f being
    the row of (X'X)^-1 X' that yields the factor's coefficient. One outcome at a time
    keeps the (factors x days) arrays small enough to stay in cache.
    """
    var = np.empty(effect.shape, dtype=np.float64)
    for g in range(yt.shape[0]):
        z = yt[g] - effect[:, g, None] * xt
        z *= h
        var[:, g] = bartlett_quadratic(z, maxlags)
    return var


@dataclass(frozen=True)
class HacFit:
    """A single OLS fit with the HAC covariance of all coefficients."""

    params: FloatArray
    cov: FloatArray
    n: int
    k: int
    maxlags: int

    @property
    def df_resid(self) -> int:
        return self.n - self.k


def hac_ols(x: FloatArray, y: FloatArray, use_correction: bool = USE_CORRECTION) -> HacFit:
    """OLS of `y` (n,) on `x` (n, k, full column rank) with the HAC covariance above."""
    n, k = x.shape
    xr = np.ascontiguousarray(x.T)  # (k, n) layout, see `cross`
    xtx_inv = np.linalg.inv(cross(xr, xr))
    params = xtx_inv @ cross(xr, y[None, :])[:, 0]
    scores = xr * (y - np.einsum("ki,k->i", xr, params))[None, :]
    maxlags = newey_west_lags(n)
    s = cross(scores, scores)
    for j, w in enumerate(bartlett_weights(maxlags), start=1):
        g = cross(scores[:, j:], scores[:, :-j])
        s = s + w * (g + g.T)
    cov = xtx_inv @ s @ xtx_inv
    if use_correction:
        cov = cov * (n / (n - k))
    return HacFit(params, cov, n, k, maxlags)


def t_inference(
    effect: FloatArray, se: FloatArray, df: FloatArray, level: float = 0.95
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Two-sided p-values and the `level` interval (low, high) from Student's t.

    Through the `scipy.special` functions that scipy.stats' t evaluates (t.sf(x, df) is
    stdtr(df, -x), t.ppf(q, df) is stdtrit(df, q)): importing scipy.stats would cost about
    half a second of `spasmtrack insights`.
    """
    tstat = effect / se
    p = 2.0 * special.stdtr(df, -np.abs(tstat))
    half = special.stdtrit(df, 0.5 + level / 2.0) * se
    return (
        np.asarray(p, dtype=np.float64),
        np.asarray(effect - half, dtype=np.float64),
        np.asarray(effect + half, dtype=np.float64),
    )


def bh_q_values(p: FloatArray) -> FloatArray:
    """Benjamini–Hochberg adjusted p-values (q-values) over all of `p`, as
    `scipy.stats.false_discovery_control(p, method="bh")` computes them, step by step (sorted
    p-values times m / rank, made monotone from the largest down, capped at 1;
    tests/core/test_insights_special.py checks both agree): importing scipy.stats for it
    would cost half a second of `spasmtrack insights`. ValueError outside [0, 1], as there."""
    flat = np.asarray(p, dtype=np.float64).ravel()
    if not np.all((flat >= 0) & (flat <= 1)):
        raise ValueError("`ps` must include only numbers between 0 and 1.")
    m = flat.size
    if m <= 1:
        return flat.copy()
    order = np.argsort(flat)
    ps = flat[order] * (m / np.arange(1, m + 1))
    np.minimum.accumulate(ps[::-1], out=ps[::-1])
    q = np.empty_like(ps)
    q[order] = ps
    return np.asarray(np.clip(q, 0, 1), dtype=np.float64)
