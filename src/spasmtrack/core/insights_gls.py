"""Feasible GLS with AR(1) errors for many (factor, outcome) regressions at once.

Each regression is ``y_t = a_t'alpha + x_t'beta + e_t`` with ``e_t = rho e_{t-1} + u_t``:
``a_t`` are the shared adjustment columns (intercept, trend, weekdays), ``x_t`` a factor's
columns (its lags 0..2, say) and ``y`` one outcome. Day-to-day autocorrelation is modelled
instead of patched: the regression is quasi-differenced with the estimated ``rho``,
which is the same as predicting today's outcome from yesterday's outcome and both days'
factors (so the previous day's state is adjusted for).

Conventions (identical to statsmodels, so results can be checked against
``GLSAR(y, X, rho=1).iterative_fit(maxiter=ITERATIONS + 1, rtol=0)``):

- Rows are the days that have every value, in date order. Cochrane–Orcutt whitening
  ``z_t - rho z_{t-1}`` uses only rows whose previous row is the previous calendar day
  (``consecutive``); the first row and every row after a gap are dropped, also in the
  first (rho = 0) fit. Without gaps ``nobs = n - 1`` and ``df_resid = n - 1 - k``, k =
  design columns, exactly as GLSAR (which cannot represent gaps).
- ``rho`` is re-estimated ITERATIONS times from the unwhitened residuals by Yule–Walker
  (``method="adjusted"``, demeaned): ``(sum e_t e_{t-1} / (n - 1)) / (sum e_t^2 / n)``.
  Only when it would leave (-RHO_MAX, RHO_MAX) it is clipped (statsmodels does not clip).
- Covariance ``s^2 (X*'X*)^-1`` with ``s^2 = SSR* / df_resid``; tests use Student's t and F
  with ``df_resid`` degrees of freedom.

Vectorisation: for one rho the whitened cross products are
``S - rho (C + C') + rho^2 P`` where S, P are the sums of ``z_t z_t'`` over rows 1.. and
0..n-2 and C the sum of ``z_t z_{t-1}'``; these are computed once per batch, so every
iteration of every pair costs one small (k x k) solve.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import cast

import numpy as np
from numpy.typing import NDArray
from scipy import stats

FloatArray = NDArray[np.float64]

ITERATIONS = 8  # Yule–Walker updates of rho (statsmodels: maxiter = ITERATIONS + 1, rtol = 0)
RHO_MAX = 0.99
RHO_BAND = 0.5  # half-width of the least-favourable band, in standard errors of rho


@dataclass(frozen=True)
class GlsFit:
    """Per (factor, outcome) pair: the factor columns' coefficients and their covariance.

    Shapes: `coef` (F, O, L), `cov` (F, O, L, L), `rho` and `sigma2` (F, O). `n` counts
    the rows before whitening; `k` the design columns; `df` = n - 1 - k.
    """

    coef: FloatArray
    cov: FloatArray
    rho: FloatArray
    sigma2: FloatArray
    n: int
    k: int
    pairs: int  # whitened rows: consecutive-day pairs (n - 1 without gaps)
    moments: tuple[FloatArray, ...] | None = field(default=None, repr=False, compare=False)
    # Per pair (F, O): degrees of freedom that allow for rho being estimated
    # (`allow_for_rho`); None: the residual df for every pair.
    dfs: FloatArray | None = field(default=None, repr=False, compare=False)

    @property
    def df(self) -> int:
        return self.pairs - self.k

    def pair_df(self) -> FloatArray:
        """Degrees of freedom per pair, (F, O)."""
        if self.dfs is not None:
            return self.dfs
        return np.full(self.rho.shape, float(self.df))

    def t_stats(self) -> FloatArray:
        se = np.sqrt(np.maximum(np.diagonal(self.cov, axis1=-2, axis2=-1), 0.0))
        return np.asarray(self.coef / se, dtype=np.float64)

    def wald(self, weights: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Estimate and standard error of `weights` . coef for every pair; weights (..., L)
        broadcasting against (F, O, L)."""
        w = np.broadcast_to(weights, self.coef.shape)
        est = np.einsum("...l,...l->...", w, self.coef)
        var = np.einsum("...l,...lm,...m->...", w, self.cov, w)
        return np.asarray(est), np.asarray(np.sqrt(np.maximum(var, 0.0)))

    def joint_f(self) -> tuple[FloatArray, FloatArray]:
        """F statistic and p-value of "all L factor coefficients are 0", per pair."""
        n_l = self.coef.shape[-1]
        # A pair whose covariance is not positive definite (no residual variation) gets NaN.
        f = self.wald_form(self.coef) / n_l
        p = stats.f.sf(f, n_l, self.pair_df())
        return np.asarray(f, dtype=np.float64), np.asarray(p, dtype=np.float64)

    def wald_form(self, coef: FloatArray) -> FloatArray:
        """coef' cov^-1 coef per pair (NaN where cov is not positive definite)."""
        n_l = coef.shape[-1]
        low = np.linalg.eigvalsh(self.cov)[..., 0]
        scale = np.maximum(np.abs(np.einsum("...ll->...", self.cov)), 1e-300)
        good = np.isfinite(low) & (low > 1e-12 * scale)
        cov = np.where(good[..., None, None], self.cov, np.eye(n_l))
        sol = np.linalg.solve(cov, coef[..., None])[..., 0]
        return np.asarray(np.where(good, np.einsum("...l,...l->...", coef, sol), np.nan))


def _dot(u: FloatArray, v: FloatArray, spec: str) -> FloatArray:
    """einsum(spec, u, v), with the large (factor x day) products done as matrix products
    (several times faster than einsum's loops on 3,650 days)."""
    if spec == "fli,oi->fol":
        n_f, n_l, n = u.shape
        return np.asarray((u.reshape(n_f * n_l, n) @ v.T).reshape(n_f, n_l, -1).transpose(0, 2, 1))
    if spec == "ci,fli->fcl":
        n_f, n_l, n = v.shape
        return np.asarray((u @ v.reshape(n_f * n_l, n).T).reshape(-1, n_f, n_l).transpose(1, 0, 2))
    if spec == "fli,fmi->flm":
        return np.asarray(np.matmul(u, np.swapaxes(v, -1, -2)))
    return np.asarray(np.einsum(spec, u, v))


def _moments(
    u: FloatArray, v: FloatArray, spec: str, mask: FloatArray, c_only: bool = False
) -> tuple[FloatArray, ...]:
    """S, P, C over the consecutive pairs (`mask` 1 where row t follows row t - 1 by one
    day), and the sum of u v' over all rows (for the Yule–Walker step). With `c_only`,
    only C (the others are transposes of a block already computed)."""
    um = u[..., 1:] * mask
    c = _dot(um, v[..., :-1], spec)
    if c_only:
        return (c,)
    s = _dot(um, v[..., 1:], spec)
    p = _dot(u[..., :-1] * mask, v[..., :-1], spec)
    full = _dot(u, v, spec)
    return s, p, c, full


def independent_rows(adjust: FloatArray) -> list[int]:
    """Indices of the adjustment rows (c, n) that are not all zero on these days (a
    weekday never logged) nor a linear combination of earlier ones."""
    keep: list[int] = []
    for i in range(adjust.shape[0]):
        if not np.any(adjust[i]):
            continue
        trial = adjust[[*keep, i]]
        if np.linalg.matrix_rank(trial.T) == len(keep) + 1:
            keep.append(i)
    return keep


def independent_columns(adjust: FloatArray) -> FloatArray:
    """The adjustment rows that `independent_rows` keeps."""
    return np.ascontiguousarray(adjust[independent_rows(adjust)])


def identifiable(adjust: FloatArray, x: FloatArray, tol: float = 1e-8) -> NDArray[np.bool_]:
    """Per factor (x is (F, L, n)): are its L columns linearly independent of each other
    and of the adjustment columns on these rows? (A factor that only follows the weekdays,
    or a one-day course tested at three lags, is not.)"""
    n_f, n_l, _ = x.shape
    aa = adjust @ adjust.T
    ax = np.einsum("ci,fli->fcl", adjust, x)
    xx = np.einsum("fli,fmi->flm", x, x)
    c = aa.shape[0]
    coef = np.linalg.solve(aa, ax.transpose(1, 0, 2).reshape(c, n_f * n_l))
    coef = coef.reshape(c, n_f, n_l).transpose(1, 0, 2)
    schur = xx - np.einsum("fcl,fcm->flm", ax, coef)
    centred = xx - np.einsum("fl,fm->flm", x.sum(-1), x.sum(-1)) / x.shape[-1]
    scale = np.maximum(np.einsum("fll->f", centred), 1e-300)
    low = np.linalg.eigvalsh(schur)[:, 0] if n_f else np.zeros(0)
    return np.asarray(low > tol * scale, dtype=np.bool_)


def _pair_matrices(
    adjust: FloatArray, x: FloatArray, y: FloatArray, paired: bool, mask: FloatArray
) -> tuple[list[FloatArray], FloatArray, FloatArray, FloatArray]:
    """S, P, C as one (m x m) matrix per pair, plus the first row, the last row and the
    sum over all rows of each pair's variables [adjust, x, y]. Pairs are every factor
    with every outcome, shape (F, O), or (paired) factor i with outcome i, shape (F, 1)."""
    n_f, n_l, _ = x.shape
    c = adjust.shape[0]
    k = c + n_l
    m = k + 1
    n_o = 1 if paired else y.shape[0]
    xy_spec = "fli,fi->fl" if paired else "fli,oi->fol"
    blocks = {
        "aa": _moments(adjust, adjust, "ci,di->cd", mask),
        "ax": _moments(adjust, x, "ci,fli->fcl", mask),
        "ay": _moments(adjust, y, "ci,oi->oc", mask),
        "xx": _moments(x, x, "fli,fmi->flm", mask),
        "xy": _moments(x, y, xy_spec, mask),
        "yy": _moments(y, y, "oi,oi->o", mask),
    }
    # S, P and the full sum of the lower blocks are transposes of the upper ones; C is not.
    xa_c = _moments(x, adjust, "fli,ci->flc", mask, c_only=True)[0]
    ya_c = _moments(y, adjust, "oi,ci->oc", mask, c_only=True)[0]
    yx_c = _moments(y, x, "fi,fli->fl" if paired else "oi,fli->fol", mask, c_only=True)[0]
    ax = blocks["ax"]
    blocks["xa"] = tuple(np.swapaxes(b, 1, 2) for b in ax[:2]) + (xa_c, np.swapaxes(ax[3], 1, 2))
    blocks["ya"] = (*blocks["ay"][:2], ya_c, blocks["ay"][3])
    blocks["yx"] = (*blocks["xy"][:2], yx_c, blocks["xy"][3])
    # Paired: outcome-only blocks belong to pair (i, 0); unpaired: shared by every factor.
    y_ax = (slice(None), None) if paired else (None, slice(None))
    mats = []
    for which in range(4):
        mat = np.empty((n_f, n_o, m, m))
        b = {key: v[which] for key, v in blocks.items()}
        mat[:, :, :c, :c] = b["aa"]
        mat[:, :, :c, c:k] = b["ax"][:, None]
        mat[:, :, c:k, :c] = b["xa"][:, None]
        mat[:, :, :c, k] = b["ay"][y_ax]
        mat[:, :, k, :c] = b["ya"][y_ax]
        mat[:, :, c:k, c:k] = b["xx"][:, None]
        mat[:, :, c:k, k] = b["xy"][:, None] if paired else b["xy"]
        mat[:, :, k, c:k] = b["yx"][:, None] if paired else b["yx"]
        mat[:, :, k, k] = b["yy"][y_ax]
        mats.append(mat)

    def rows(pick: int | None) -> FloatArray:
        """Per pair: sums over all rows (None), over current (1) or previous (0) rows of
        the consecutive pairs."""
        out = np.empty((n_f, n_o, m))
        take: Callable[[NDArray[np.float64]], NDArray[np.float64]]
        if pick is None:
            take = lambda a: a.sum(-1)  # noqa: E731
        elif pick == 1:
            take = lambda a: (a[..., 1:] * mask).sum(-1)  # noqa: E731
        else:
            take = lambda a: (a[..., :-1] * mask).sum(-1)  # noqa: E731
        out[:, :, :c] = take(adjust)
        out[:, :, c:k] = take(x)[:, None]
        out[:, :, k] = take(y)[y_ax]
        return out

    return mats, rows(1), rows(0), rows(None)


def ar1_gls(
    adjust: FloatArray,
    x: FloatArray,
    y: FloatArray,
    iterations: int = ITERATIONS,
    *,
    paired: bool = False,
    bias_correction: bool = False,
    consecutive: NDArray[np.bool_] | None = None,
    rho_fixed: FloatArray | None = None,
    moments: tuple[FloatArray, ...] | None = None,
) -> GlsFit:
    """Iterated Cochrane–Orcutt fit of every outcome row of `y` (O, n) on the adjustment
    rows `adjust` (c, n; full rank, including the intercept) and every factor's columns
    `x` (F, L, n). Factors must be `identifiable`. With `paired`, y is (F, n) and factor
    i goes with outcome i only (results have shape (F, 1, ...)): used by simulations.
    `bias_correction` adds Kendall's (1 + 3 rho) / n to every Yule–Walker estimate (the app
    uses it; without it the fit is exactly statsmodels' GLSAR.iterative_fit). `rho_fixed`
    (F, O) skips the estimation and fits at those values. `consecutive` (n - 1,) marks the
    rows that follow the previous row by one day; only those pairs are whitened (a gap in
    the diary is not treated as one day; default: no gaps, as GLSAR)."""
    n_f, n_l, n = x.shape
    n_o = 1 if paired else y.shape[0]
    c = adjust.shape[0]
    k = c + n_l
    mask = np.ones(n - 1) if consecutive is None else np.asarray(consecutive, dtype=np.float64)
    pairs = int(mask.sum())
    if moments is None:
        (s_mat, p_mat, c_mat, full), sum_1, sum_0, sums = _pair_matrices(adjust, x, y, paired, mask)
        moments = (s_mat, p_mat, c_mat, full, sum_1, sum_0, sums)
    s_mat, p_mat, c_mat, full, sum_1, sum_0, sums = moments
    d_mat = c_mat + np.swapaxes(c_mat, -1, -2)

    rho = np.zeros((n_f, n_o)) if rho_fixed is None else np.asarray(rho_fixed, dtype=np.float64)
    if rho_fixed is not None:
        iterations = 0
    for it in range(iterations + 1):
        w = s_mat - rho[..., None, None] * d_mat + (rho**2)[..., None, None] * p_mat
        beta = np.linalg.solve(w[..., :k, :k], w[..., :k, k, None])[..., 0]
        if it == iterations:
            break
        a = np.concatenate([-beta, np.ones((n_f, n_o, 1))], axis=-1)
        mean = np.einsum("...i,...i->...", a, sums) / n
        lag1 = np.einsum("...i,...ij,...j->...", a, c_mat, a)
        lag1 = lag1 - mean * np.einsum("...i,...i->...", a, sum_1 + sum_0) + pairs * mean**2
        lag0 = np.einsum("...i,...ij,...j->...", a, full, a) - n * mean**2
        with np.errstate(divide="ignore", invalid="ignore"):
            rho = (lag1 / pairs) / (lag0 / n)
        if bias_correction:
            # Kendall's first-order bias of the AR(1) estimate, E[rho_hat] - rho = -(1 + 3 rho) / n:
            # uncorrected, rho is too small by about 0.02 on 180 days and persistent factors
            # (runs, courses) are flagged a little too often (see bench/calibration.py).
            rho = rho + (1.0 + 3.0 * rho) / n
        rho = np.clip(np.nan_to_num(rho), -RHO_MAX, RHO_MAX)
    ssr = w[..., k, k] - np.einsum("...i,...i->...", w[..., :k, k], beta)
    sigma2 = np.maximum(ssr, 0.0) / (pairs - k)
    inv = np.linalg.inv(w[..., :k, :k])
    cov = sigma2[..., None, None] * inv[..., c:k, c:k]
    return GlsFit(cast(NDArray[np.float64], beta[..., c:k]), cov, rho, sigma2, n, k, pairs, moments)


def least_favourable(
    adjust: FloatArray,
    x: FloatArray,
    y: FloatArray,
    fit: GlsFit,
    consecutive: NDArray[np.bool_] | None = None,
) -> tuple[GlsFit, FloatArray]:
    """Refits at rho -/+ RHO_BAND standard errors (se = sqrt((1 - rho^2) / pairs)) and
    keeps, per pair, the fit whose joint F p-value is largest (the least favourable rho in
    that band).

    Why: the GLS standard error assumes rho is known. With rho estimated from 180 days, a
    too-small estimate makes persistent factors (courses, slowly varying amounts) look
    more certain than they are; at the small p-values that multiple-comparison control
    relies on (0.005 and below), such tests were flagged 1.2-2 times too often in
    simulation (20,000 null series per factor shape, phi 0.3-0.8). A band of one SE made
    every shape conservative (course 2.3 % at nominal 5 %); half an SE brought rejection
    rates to 0.9-1.07 x nominal at 5 %, 1 % and 0.5 %. RHO_BAND was chosen on those
    simulations (the calibration generators), not on the demo. Returns the chosen fit
    (same shapes) and its p-values.
    """
    _, p_best = fit.joint_f()
    delta = RHO_BAND * np.sqrt(np.maximum(1.0 - fit.rho**2, 0.0) / max(fit.pairs, 1))
    coef, cov, p = fit.coef.copy(), fit.cov.copy(), p_best.copy()
    rho, sigma2 = fit.rho.copy(), fit.sigma2.copy()
    for sign in (-1.0, 1.0):
        r = np.clip(fit.rho + sign * delta, -RHO_MAX, RHO_MAX)
        alt = ar1_gls(adjust, x, y, rho_fixed=r, consecutive=consecutive, moments=fit.moments)
        _, p_alt = alt.joint_f()
        worse = np.nan_to_num(p_alt, nan=-1.0) > np.nan_to_num(p, nan=2.0)
        coef[worse], cov[worse], p[worse] = alt.coef[worse], alt.cov[worse], p_alt[worse]
        rho[worse], sigma2[worse] = r[worse], alt.sigma2[worse]
    return GlsFit(coef, cov, rho, sigma2, fit.n, fit.k, fit.pairs, fit.moments), p


RHO_STEP = 0.01  # step for the numerical derivative in `allow_for_rho`


def allow_for_rho(
    adjust: FloatArray,
    x: FloatArray,
    y: FloatArray,
    fit: GlsFit,
    consecutive: NDArray[np.bool_] | None = None,
) -> GlsFit:
    """The same fit with per-pair degrees of freedom that allow for rho being estimated
    (a Satterthwaite approximation, as Kenward–Roger do for mixed models).

    The GLS covariance is computed as if rho were known. How much that matters depends
    on the factor: the variance of a 12-day course's effect changes steeply with rho,
    that of a factor on independent days hardly. With ``g = d log W / d rho`` (W the Wald
    form of the estimate, its covariance taken at rho) and ``Var(rho_hat) ~ (1 - rho^2) /
    pairs``, the log of the estimated variance has variance about ``2 / df + g^2
    Var(rho_hat)``; matching that to a chi-square gives ``df_eff = 2 / (2 / df + g^2
    Var(rho_hat))``. Tests and intervals then use F and t with df_eff, so persistent
    factors get wider intervals and larger p-values, and the others keep theirs.
    """
    lo = np.clip(fit.rho - RHO_STEP, -RHO_MAX, RHO_MAX)
    hi = np.clip(fit.rho + RHO_STEP, -RHO_MAX, RHO_MAX)
    w = []
    for r in (lo, hi):
        alt = ar1_gls(adjust, x, y, rho_fixed=r, consecutive=consecutive, moments=fit.moments)
        w.append(alt.wald_form(fit.coef))
    with np.errstate(divide="ignore", invalid="ignore"):
        g = (np.log(w[1]) - np.log(w[0])) / (hi - lo)
    var_rho = np.maximum(1.0 - fit.rho**2, 0.0) / max(fit.pairs, 1)
    df = float(max(fit.df, 1))
    dfs = 2.0 / (2.0 / df + np.nan_to_num(g, nan=0.0) ** 2 * var_rho)
    return replace(fit, dfs=np.clip(dfs, 1.0, df))
