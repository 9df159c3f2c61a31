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
0..n-2 and C the sum of ``z_t z_{t-1}'``; these are computed once per batch
(`batch_moments`), so every iteration of every pair costs one small (k x k) solve.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import cast

import numpy as np
from numpy.typing import NDArray
from scipy import special

FloatArray = NDArray[np.float64]
# A batch's cross products per pair (S, P, C, all rows) and sums per pair (over current,
# previous and all rows): see `batch_moments`.
Moments = tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]
Count = int | FloatArray  # a number of rows: one for the batch, or one per factor (F, 1)

ITERATIONS = 8  # Yule–Walker updates of rho (statsmodels: maxiter = ITERATIONS + 1, rtol = 0)
RHO_MAX = 0.99
RHO_TOL = 1e-10  # stop the updates early once every rho has settled to this
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
    n: Count  # rows: one number, or per factor (F, 1) for stacked batches (`fit_moments`)
    k: int
    pairs: Count  # whitened rows: consecutive-day pairs (n - 1 without gaps)
    moments: Moments | None = field(default=None, repr=False, compare=False)
    # Per pair (F, O): degrees of freedom that allow for rho being estimated
    # (`allow_for_rho`); None: the residual df for every pair.
    dfs: FloatArray | None = field(default=None, repr=False, compare=False)

    @property
    def df(self) -> Count:
        return self.pairs - self.k

    def pair_df(self) -> FloatArray:
        """Degrees of freedom per pair, (F, O)."""
        if self.dfs is not None:
            return self.dfs
        return np.array(np.broadcast_to(np.asarray(self.df, dtype=np.float64), self.rho.shape))

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
        p = special.fdtrc(n_l, self.pair_df(), f)  # = scipy.stats.f.sf(f, n_l, df), faster
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


def _quadratic(a: FloatArray, mat: FloatArray) -> FloatArray:
    """a' mat a per pair: (..., m) and (..., m, m); matmul, not einsum's slower loops."""
    return np.asarray(((mat @ a[..., None])[..., 0] * a).sum(-1))


def independent_rows(adjust: FloatArray) -> list[int]:
    """Indices of the adjustment rows (c, n) that are not all zero on these days (a
    weekday never logged) nor a linear combination of earlier ones."""
    keep: list[int] = []
    n = adjust.shape[1]
    # Rank as numpy.linalg.matrix_rank(adjust[rows].T) decides it, from the singular values
    # of the same columns of R (adjust.T = QR, Q orthonormal: the same singular values), so
    # the long (days x c) matrix is decomposed once, not once per row.
    r: FloatArray = np.asarray(np.linalg.qr(adjust.T, mode="r")) if n else adjust.T
    for i in range(adjust.shape[0]):
        if not np.any(adjust[i]):
            continue
        sv = np.linalg.svd(r[:, [*keep, i]], compute_uv=False)
        tol = sv.max(initial=0.0) * max(n, len(keep) + 1) * np.finfo(np.float64).eps
        if int(np.count_nonzero(sv > tol)) == len(keep) + 1:
            keep.append(i)
    return keep


def independent_columns(adjust: FloatArray) -> FloatArray:
    """The adjustment rows that `independent_rows` keeps."""
    return np.ascontiguousarray(adjust[independent_rows(adjust)])


def identifiable(adjust: FloatArray, x: FloatArray, tol: float = 1e-8) -> NDArray[np.bool_]:
    """Per factor (x is (F, L, n)): are its L columns linearly independent of each other
    and of the adjustment columns on these rows? (A factor that only follows the weekdays,
    or a one-day course tested at three lags, is not.)"""
    ax = np.einsum("ci,fli->fcl", adjust, x)
    xx = np.einsum("fli,fmi->flm", x, x)
    return _independent_of_adjustment(adjust @ adjust.T, ax, xx, x.sum(-1), x.shape[-1], tol)


def identifiable_in(moments: Moments, c: int, pairs: int, tol: float = 1e-8) -> NDArray[np.bool_]:
    """`identifiable` on the rows the whitened regression uses (the `pairs` rows that
    follow the previous day), read off a batch's `batch_moments` (its S blocks, the same
    for every outcome) instead of the days; `c` adjustment columns."""
    s, sum_1 = moments[0][:, 0], moments[4][:, 0]
    k = s.shape[-1] - 1
    return _independent_of_adjustment(
        s[:, :c, :c], s[:, :c, c:k], s[:, c:k, c:k], sum_1[:, c:k], pairs, tol
    )


CHUNK = 10  # factors per cross-product matrix in `batch_moments` (fewer wasted cross blocks)


def batch_moments(
    adjust: FloatArray, x: FloatArray, y: FloatArray, consecutive: NDArray[np.bool_] | None = None
) -> Moments:
    """The cross products `ar1_gls` needs (arguments as there), computed once per batch:
    every fit, refit and identifiability check of the batch reads them.

    Per pair (factor f, outcome o) the variables are [adjust, x[f], y[o]] (m of them);
    S, P, C (m x m) sum z_t z_t', z_{t-1} z_{t-1}' and z_t z_{t-1}' over the consecutive
    pairs, the fourth z_t z_t' over all rows; then the sums of z over the current rows,
    the previous rows and all rows. They are read off one cross-product matrix of all the
    batch's variables (CHUNK factors at a time): two matrix products over the days (S, C),
    while the sum over all rows is S plus the few rows S leaves out (the first row and
    each row after a gap), and P that sum minus the rows P leaves out (the last row and
    each row before a gap)."""
    n_f, n_l, n = x.shape
    if n_f > CHUNK:
        parts = [
            batch_moments(adjust, x[i : i + CHUNK], y, consecutive) for i in range(0, n_f, CHUNK)
        ]
        s_mat, p_mat, c_mat, full, sum_1, sum_0, sums = (
            np.concatenate(blocks) for blocks in zip(*parts, strict=True)
        )
        return (s_mat, p_mat, c_mat, full, sum_1, sum_0, sums)
    mask = np.ones(n - 1) if consecutive is None else np.asarray(consecutive, dtype=np.float64)
    c, n_o = adjust.shape[0], y.shape[0]
    z = np.concatenate([adjust, x.reshape(n_f * n_l, n), y])
    now = z[:, 1:] * mask
    s = now @ z[:, 1:].T
    cross = now @ z[:, :-1].T
    after_gap = z[:, np.flatnonzero(np.concatenate([[0.0], mask]) == 0)]
    before_gap = z[:, np.flatnonzero(np.concatenate([mask, [0.0]]) == 0)]
    every = s + after_gap @ after_gap.T
    prev = every - before_gap @ before_gap.T
    idx = np.empty((n_f, n_o, c + n_l + 1), dtype=np.intp)
    idx[..., :c] = np.arange(c)
    idx[..., c:-1] = (c + n_l * np.arange(n_f)[:, None] + np.arange(n_l))[:, None, :]
    idx[..., -1] = c + n_f * n_l + np.arange(n_o)
    rows, cols = idx[..., :, None], idx[..., None, :]
    return (
        s[rows, cols],
        prev[rows, cols],
        cross[rows, cols],
        every[rows, cols],
        now.sum(1)[idx],
        (z[:, :-1] @ mask)[idx],  # a matrix-vector product: faster than mask, then sum
        z.sum(1)[idx],
    )


def factors_of(moments: Moments, idx: Sequence[int]) -> Moments:
    """The moments of factors `idx` of a batch (its first axis)."""
    s_mat, p_mat, c_mat, full, sum_1, sum_0, sums = (m[list(idx)] for m in moments)
    return (s_mat, p_mat, c_mat, full, sum_1, sum_0, sums)


def _independent_of_adjustment(
    aa: FloatArray, ax: FloatArray, xx: FloatArray, sx: FloatArray, rows: int, tol: float
) -> NDArray[np.bool_]:
    """From the cross products (aa (c, c) or (F, c, c), ax (F, c, L), xx (F, L, L)) and the
    factor columns' sums sx (F, L) over `rows` rows: the smallest eigenvalue of the factor
    block left after the adjustment columns, against the factor's own spread."""
    n_f = ax.shape[0]
    if not n_f or rows < 1:  # no factors, or no rows to tell them apart on
        return np.zeros(n_f, dtype=np.bool_)
    coef = np.linalg.solve(np.broadcast_to(aa, (n_f, *aa.shape[-2:])), ax)
    schur = xx - np.einsum("fcl,fcm->flm", ax, coef)
    centred = xx - np.einsum("fl,fm->flm", sx, sx) / rows
    scale = np.maximum(np.einsum("fll->f", centred), 1e-300)
    low = np.linalg.eigvalsh(schur)[:, 0]
    return np.asarray(low > tol * scale, dtype=np.bool_)


def ar1_gls(
    adjust: FloatArray,
    x: FloatArray,
    y: FloatArray,
    iterations: int = ITERATIONS,
    *,
    bias_correction: bool = False,
    consecutive: NDArray[np.bool_] | None = None,
    rho_fixed: FloatArray | None = None,
    moments: Moments | None = None,
) -> GlsFit:
    """Iterated Cochrane–Orcutt fit of every outcome row of `y` (O, n) on the adjustment
    rows `adjust` (c, n; full rank, including the intercept) and every factor's columns
    `x` (F, L, n). Factors must be `identifiable`. `bias_correction` adds Kendall's
    (1 + 3 rho) / n to every Yule–Walker estimate (the app uses it; without it the fit is
    statsmodels' GLSAR.iterative_fit, to about 1e-10: the updates stop once rho settles).
    `rho_fixed` (F, O) skips the estimation and fits at those values (with leading axes,
    e.g. (2, F, O), one batched fit per leading index; the results get those axes too).
    `consecutive` (n - 1,) marks the rows that follow the previous row by one day; only
    those pairs are whitened (a gap in the diary is not treated as one day; default: no
    gaps, as GLSAR).
    `moments`: the batch's `batch_moments`, when already computed."""
    n_f, n_l, n = x.shape
    mask = np.ones(n - 1) if consecutive is None else np.asarray(consecutive, dtype=np.float64)
    if moments is None:
        moments = batch_moments(adjust, x, y, consecutive)
    return fit_moments(
        moments,
        adjust.shape[0],
        n_l,
        n,
        int(mask.sum()),
        iterations,
        bias_correction=bias_correction,
        rho_fixed=rho_fixed,
    )


def fit_moments(
    moments: Moments,
    c: int,
    n_l: int,
    n: Count,
    pairs: Count,
    iterations: int = ITERATIONS,
    *,
    bias_correction: bool = False,
    rho_fixed: FloatArray | None = None,
) -> GlsFit:
    """`ar1_gls` from a batch's moments alone (`c` adjustment and `n_l` factor columns,
    `n` rows, `pairs` consecutive-day pairs). Batches of different rows but the same
    columns and outcomes can be fitted together: their moments stacked along the factor
    axis, with `n` and `pairs` per factor, (F, 1). Each pair's arithmetic is the same as
    in its own batch."""
    s_mat, p_mat, c_mat, full, sum_1, sum_0, sums = moments
    n_f, n_o = s_mat.shape[:2]
    k = c + n_l
    d_mat = c_mat + np.swapaxes(c_mat, -1, -2)

    rho = np.zeros((n_f, n_o)) if rho_fixed is None else np.asarray(rho_fixed, dtype=np.float64)
    if rho_fixed is not None:
        iterations = 0
    converged = False
    for it in range(iterations + 1):
        w = s_mat - rho[..., None, None] * d_mat + (rho**2)[..., None, None] * p_mat
        beta = np.linalg.solve(w[..., :k, :k], w[..., :k, k, None])[..., 0]
        if it == iterations or converged:
            break
        a = np.concatenate([-beta, np.ones((n_f, n_o, 1))], axis=-1)
        mean = np.einsum("...i,...i->...", a, sums) / n
        lag1 = _quadratic(a, c_mat)
        lag1 = lag1 - mean * np.einsum("...i,...i->...", a, sum_1 + sum_0) + pairs * mean**2
        lag0 = _quadratic(a, full) - n * mean**2
        with np.errstate(divide="ignore", invalid="ignore"):
            new = (lag1 / pairs) / (lag0 / n)
        if bias_correction:
            # Kendall's first-order bias of the AR(1) estimate, E[rho_hat] - rho = -(1 + 3 rho) / n:
            # uncorrected, rho is too small by about 0.02 on 180 days and persistent factors
            # (runs, courses) are flagged a little too often (see bench/calibration.py).
            new = new + (1.0 + 3.0 * new) / n
        # Clipped, and a rho that cannot be estimated (NaN) is 0; nan_to_num did the same,
        # slowly (it also turns infinities into the largest float, which clipping covers).
        new = np.minimum(np.maximum(new, -RHO_MAX), RHO_MAX)
        new[np.isnan(new)] = 0.0
        # A fixed point: once no rho moves by more than RHO_TOL, further updates change the
        # estimates by less than that (statsmodels' rtol = 0 would keep iterating).
        converged = bool(np.all(np.abs(new - rho) <= RHO_TOL))
        rho = new
    ssr = w[..., k, k] - np.einsum("...i,...i->...", w[..., :k, k], beta)
    sigma2 = np.maximum(ssr, 0.0) / (pairs - k)
    inv = np.linalg.inv(w[..., :k, :k])
    cov = sigma2[..., None, None] * inv[..., c:k, c:k]
    return GlsFit(cast(NDArray[np.float64], beta[..., c:k]), cov, rho, sigma2, n, k, pairs, moments)


def _refit(fit: GlsFit, rho: FloatArray) -> GlsFit:
    """The same batch (its moments) fitted at fixed `rho` (with leading axes, as there)."""
    assert fit.moments is not None
    n_l = fit.coef.shape[-1]
    return fit_moments(fit.moments, fit.k - n_l, n_l, fit.n, fit.pairs, rho_fixed=rho)


def least_favourable(fit: GlsFit) -> tuple[GlsFit, FloatArray]:
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
    delta = RHO_BAND * np.sqrt(np.maximum(1.0 - fit.rho**2, 0.0) / np.maximum(fit.pairs, 1))
    coef, cov, p = fit.coef.copy(), fit.cov.copy(), p_best.copy()
    rho, sigma2 = fit.rho.copy(), fit.sigma2.copy()
    # Both ends in one batched fit (a leading axis of two), then one end after the other.
    ends = np.clip(fit.rho + np.array([-1.0, 1.0])[:, None, None] * delta, -RHO_MAX, RHO_MAX)
    alt = _refit(fit, ends)
    p_ends = alt.joint_f()[1]
    for i in range(2):
        p_alt = p_ends[i]
        worse = p_alt > p  # False where either is NaN: such a pair keeps what it has
        coef[worse], cov[worse], p[worse] = alt.coef[i][worse], alt.cov[i][worse], p_alt[worse]
        rho[worse], sigma2[worse] = ends[i][worse], alt.sigma2[i][worse]
    return GlsFit(coef, cov, rho, sigma2, fit.n, fit.k, fit.pairs, fit.moments), p


RHO_STEP = 0.01  # step for the numerical derivative in `allow_for_rho`


def allow_for_rho(fit: GlsFit) -> GlsFit:
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
    ends = np.stack([lo, hi])  # both in one batched fit
    alt = _refit(fit, ends)
    w = alt.wald_form(np.broadcast_to(fit.coef, alt.coef.shape))
    with np.errstate(divide="ignore", invalid="ignore"):
        g = (np.log(w[1]) - np.log(w[0])) / (hi - lo)
    var_rho = np.maximum(1.0 - fit.rho**2, 0.0) / np.maximum(fit.pairs, 1)
    df = np.maximum(fit.df, 1.0)
    dfs = 2.0 / (2.0 / df + np.where(np.isnan(g), 0.0, g) ** 2 * var_rho)
    return replace(fit, dfs=np.clip(dfs, 1.0, df))
