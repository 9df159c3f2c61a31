"""Bayesian analysis of one person's n-of-1 trial (A vs B, daily outcome).

Model (stated here because it is what the app's numbers mean)::

    y_t = mu + delta * [cond_t == B] + block_k(t) + e_t
    e_t = phi * e_(t-1) + eps_t,   eps_t ~ Normal(0, sigma^2),   e stationary

- `delta` is the effect of B minus A in outcome units.
- Block effects sum to zero. They are coded with the K-1 orthonormal Helmert contrasts
  (scipy.linalg.helmert) whose coefficients get independent N(0, tau^2) priors, so the K block
  effects are exchangeable with prior covariance tau^2 (I - J/K) and `mu` is the mean level
  under A averaged over blocks. They absorb slow drifts (a flare, the season) between blocks.
- Days without an outcome, and analytic-washout days, are missing: the AR(1) likelihood uses the
  real gap g between analysed days (corr phi^g), so missing days need no imputation. The first
  analysed day is drawn from the stationary distribution (exact likelihood, not conditional).

Priors (defaults, for a 0-10 outcome; `Priors.for_range(width)` rescales them):

- mu ~ Normal(mean(y), 10^2)
- delta ~ Normal(0, 5^2)
- block contrasts ~ Normal(0, tau^2) with tau = 2 fixed
- phi ~ Uniform(-1, 1)
- sigma^2 ~ InverseGamma(shape 1, scale 1)  (prior median of sigma about 1.2 points)

Computation (`method="grid"`, the default): given (phi, sigma^2) the model is a Gaussian linear
model, so the regression coefficients integrate out exactly and the posterior of delta given
(phi, sigma^2) is Normal. We integrate phi and log(sigma) numerically on a grid (80 midpoints
of (-1, 1) for phi; 24 points per phi for log sigma, centred on that phi's residual scale and
spanning about -6..+8 posterior SDs), so the posterior of delta is a finite mixture of Normals:
its mean, CDF and quantiles are exact up to quadrature error, with no Monte Carlo noise, and
deterministic. One analysis of 84 days takes a few milliseconds.

`method="gibbs"` runs a Gibbs sampler on the same model, priors and phi grid (conjugate Normal
draw of the coefficients from the prewhitened regression, inverse-gamma sigma^2, griddy-Gibbs
phi); it is slower (about a second) and seeded, and exists to cross-check the grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise
from typing import Any, Literal, cast

import numpy as np
from numpy.typing import NDArray
from scipy import linalg, optimize, special

from spasmtrack.core.nof1.results import FrequentistDict, TrialResult

Array = NDArray[np.float64]
TrialDay = tuple[date, str, float | None, int | None]
Method = Literal["grid", "gibbs"]

PHI_GRID_SIZE = 80
SIGMA_GRID_SIZE = 24
_SIGMA_SPAN = (-6.0, 8.0)  # in approximate posterior SDs of log(sigma); the right tail is longer


@dataclass(frozen=True)
class Priors:
    """Prior scales (see module docstring). Defaults suit a 0-10 outcome."""

    mu_sd: float = 10.0
    delta_sd: float = 5.0
    tau: float = 2.0
    sigma2_shape: float = 1.0
    sigma2_scale: float = 1.0

    @classmethod
    def for_range(cls, width: float) -> Priors:
        """The default priors rescaled for an outcome whose plausible range is `width` wide."""
        k = width / 10.0
        return cls(10.0 * k, 5.0 * k, 2.0 * k, 1.0, 1.0 * k * k)

    def describe(self) -> str:
        return (
            f"mu ~ N(mean y, {self.mu_sd:g}^2), delta ~ N(0, {self.delta_sd:g}^2), "
            f"block effects sum-to-zero ~ N(0, {self.tau:g}^2), phi ~ U(-1, 1), "
            f"sigma^2 ~ InvGamma({self.sigma2_shape:g}, {self.sigma2_scale:g})"
        )


# --- blocks ---------------------------------------------------------------------------------


def infer_blocks(dates: list[date], conditions: list[str]) -> list[int]:
    """Blocks (1-based) for rows sorted by date whose design did not record them.

    Runs of one condition are split into periods of the base period length (the shortest run,
    not counting the last run, which may have been cut short): an AB|BA design shows B for two
    periods in a row. Periods then fill blocks in order, starting a new block whenever the
    current one already holds that condition. A heuristic: irregular designs get coarser blocks.
    """
    if not dates:
        return []
    runs: list[tuple[int, int]] = []  # [start, stop) row indices
    start = 0
    for i in range(1, len(dates) + 1):
        if i == len(dates) or conditions[i] != conditions[start]:
            runs.append((start, i))
            start = i
    spans = [(dates[b - 1] - dates[a]).days + 1 for a, b in runs]
    base = min(spans[:-1]) if len(spans) > 1 else spans[0]
    periods: list[int] = []  # period number per row
    next_period = 0
    for (a, b), span in zip(runs, spans, strict=True):
        parts = max(1, round(span / base))
        for i in range(a, b):
            offset = (dates[i] - dates[a]).days
            periods.append(next_period + min(parts - 1, offset * parts // span))
        next_period += parts
    blocks: list[int] = []
    block, seen, last_period = 0, set[str](), -1
    for cond, period in zip(conditions, periods, strict=True):
        if period != last_period:
            if block == 0 or cond in seen:
                block, seen = block + 1, set()
            seen.add(cond)
            last_period = period
        blocks.append(block)
    return blocks


# --- data preparation -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Data:
    y: Array  # outcomes of analysed days, in date order
    is_b: Array  # 1.0 on B days
    blocks: list[int]  # block label per analysed day
    gaps: NDArray[np.int64]  # days since the previous analysed day (0 for the first)
    X: Array  # design: intercept, B, Helmert block contrasts


def _prepare(days: list[TrialDay], washout: list[bool] | None) -> _Data:
    if washout is not None and len(washout) != len(days):
        raise ValueError("The washout mask must have one entry per day.")
    order = sorted(range(len(days)), key=lambda i: days[i][0])
    rows = [days[i] for i in order]
    dates = [r[0] for r in rows]
    if len(set(dates)) != len(dates):
        raise ValueError("Each date may appear only once.")
    conds = [str(r[1]).upper() for r in rows]
    if bad := sorted(set(conds) - {"A", "B"}):
        raise ValueError(f"Unknown condition {bad[0]!r}: use A or B.")
    given = [r[3] for r in rows]
    if any(b is None for b in given):
        labels = infer_blocks(dates, conds)
    else:
        labels = [int(b) for b in given if b is not None]
    mask = [washout[i] for i in order] if washout is not None else [False] * len(rows)
    keep = [
        i for i, r in enumerate(rows) if r[2] is not None and math.isfinite(r[2]) and not mask[i]
    ]
    y = np.array([rows[i][2] for i in keep], dtype=float)
    is_b = np.array([conds[i] == "B" for i in keep], dtype=float)
    if is_b.sum() < 2 or (1 - is_b).sum() < 2:
        raise ValueError("The analysis needs at least two days with an outcome under A and B.")
    kept_blocks = [labels[i] for i in keep]
    uniq = sorted(set(kept_blocks))
    index = np.array([uniq.index(b) for b in kept_blocks])
    contrasts = linalg.helmert(len(uniq)).T[index] if len(uniq) > 1 else np.zeros((len(y), 0))
    X = np.column_stack([np.ones(len(y)), is_b, contrasts])
    if len(y) < X.shape[1] + 2:
        raise ValueError("Too few analysed days for the number of blocks.")
    kept_dates = [dates[i] for i in keep]
    gaps = np.array([0] + [(b - a).days for a, b in pairwise(kept_dates)])
    return _Data(y, is_b, kept_blocks, gaps, X)


# --- AR(1) transform ------------------------------------------------------------------------


def _phi_grid() -> Array:
    """Midpoints of PHI_GRID_SIZE equal cells of (-1, 1): a uniform prior on phi."""
    return cast(Array, -1.0 + (np.arange(PHI_GRID_SIZE) + 0.5) * (2.0 / PHI_GRID_SIZE))


def _ar1_whitening(phi: Array, gaps: NDArray[np.int64]) -> tuple[Array, Array]:
    """Per (phi, day): the coefficient on the previous day and the innovation SD factor.

    With gap g, e_t | e_prev ~ N(phi^g e_prev, sigma^2 (1 - phi^2g) / (1 - phi^2)); the first
    day is stationary, N(0, sigma^2 / (1 - phi^2)). Shapes (G, n).
    """
    g = gaps[None, :].astype(float)
    p = phi[:, None]
    coef = np.where(g > 0, p**g, 0.0)
    var = np.where(g > 0, (1.0 - p ** (2.0 * g)) / (1.0 - p**2), 1.0 / (1.0 - p**2))
    return coef, np.sqrt(var)


def _whiten(v: Array, coef: Array, scale: Array) -> Array:
    """Prewhiten a (n,) or (n, p) array for every phi: (v_t - coef_t v_(t-1)) / scale_t."""
    prev = np.concatenate([np.zeros_like(v[:1]), v[:-1]])
    out: Array
    if v.ndim == 1:
        out = (v[None, :] - coef * prev[None, :]) / scale
    else:
        out = (v[None, :, :] - coef[:, :, None] * prev[None, :, :]) / scale[:, :, None]
    return out


# --- the grid posterior ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Mixture:
    """The posterior of delta as sum_i weights_i N(means_i, sds_i^2)."""

    weights: Array
    means: Array
    sds: Array

    def mean(self) -> float:
        return float(self.weights @ self.means)

    def cdf(self, x: float) -> float:
        return float(self.weights @ special.ndtr((x - self.means) / self.sds))

    def sd(self) -> float:
        second = self.weights @ (self.sds**2 + self.means**2)
        return float(np.sqrt(max(float(second) - self.mean() ** 2, 0.0)))

    def quantile(self, q: float) -> float:
        # Bracket from the normal approximation (fewer CDF evaluations), widened until valid.
        guess = self.mean() + self.sd() * float(special.ndtri(q))
        width = 0.25 * self.sd() + 1e-9
        lo, hi = guess - width, guess + width
        while self.cdf(lo) > q:
            lo -= 4 * width
        while self.cdf(hi) < q:
            hi += 4 * width
        return float(optimize.brentq(lambda x: self.cdf(x) - q, lo, hi, xtol=1e-7))


def _prior_vector(data: _Data, priors: Priors) -> tuple[Array, Array]:
    """Prior mean and variances of (mu, delta, block contrasts...)."""
    p = data.X.shape[1]
    m0 = np.zeros(p)
    m0[0] = data.y.mean()
    v0 = np.full(p, priors.tau**2)
    v0[0], v0[1] = priors.mu_sd**2, priors.delta_sd**2
    return m0, v0


def _grid_posterior(data: _Data, priors: Priors) -> _Mixture:
    y, X = data.y, data.X
    n = len(y)
    m0, v0 = _prior_vector(data, priors)
    phi = _phi_grid()
    coef, scale = _ar1_whitening(phi, data.gaps)
    log_jac = -np.log(scale).sum(axis=1)  # (G,)
    # Work with r = y - X m0 so the prior mean is zero, and with X L (L = prior SDs), so the
    # prior on the coefficients is standard normal and one eigendecomposition per phi gives
    # every sigma in closed form: M = (XL)'(XL) = Q diag(lam) Q'.
    r = _whiten(y - X @ m0, coef, scale)  # (G, n)
    XL = _whiten(X * np.sqrt(v0), coef, scale)  # (G, n, p)
    lam, Q = np.linalg.eigh(np.einsum("gni,gnj->gij", XL, XL))
    lam = np.clip(lam, 0.0, None)
    zt = np.einsum("gij,gi->gj", Q, np.einsum("gni,gn->gi", XL, r))  # Q'(XL)'r
    u = math.sqrt(v0[1]) * Q[:, 1, :]  # Q' L' e_delta
    rr = np.einsum("gn,gn->g", r, r)
    # Centre each phi's log-sigma grid on its residual scale (posterior-mode-like estimate).
    rss = np.clip(rr - np.sum(zt**2 / (lam + rr[:, None] / n), axis=1), 1e-12 * rr, None)
    centre = 0.5 * np.log((rss + 2 * priors.sigma2_scale) / (n + 2 * priors.sigma2_shape))
    step = np.linspace(*_SIGMA_SPAN, SIGMA_GRID_SIZE) / math.sqrt(2.0 * max(n - len(v0), 2))
    s2 = np.exp(2.0 * (centre[:, None] + step[None, :]))[:, :, None]  # (G, S, 1)
    lam3, zt3, u3 = lam[:, None, :], zt[:, None, :], u[:, None, :]
    quad = (rr[:, None] - np.sum(zt3**2 / (s2 + lam3), axis=2)) / s2[..., 0]
    loglik = (
        log_jac[:, None]
        - 0.5 * n * np.log(2 * np.pi * s2[..., 0])
        - 0.5 * np.sum(np.log1p(lam3 / s2), axis=2)
        - 0.5 * quad
    )
    # Density of log(sigma) = density of sigma^2 times |d sigma^2 / d log sigma| = 2 sigma^2.
    log_prior = _invgamma_logpdf(s2[..., 0], priors.sigma2_shape, priors.sigma2_scale) + np.log(
        s2[..., 0]
    )
    logw = loglik + log_prior
    weights = np.exp(logw - special.logsumexp(logw)).ravel()
    means = (np.sum(u3 * zt3 / (lam3 + s2), axis=2) + m0[1]).ravel()
    sds = np.sqrt(np.sum(u3**2 * s2 / (lam3 + s2), axis=2)).ravel()
    keep = weights > 1e-12
    return _Mixture(weights[keep] / weights[keep].sum(), means[keep], sds[keep])


# --- the Gibbs sampler (cross-check) --------------------------------------------------------


def _gibbs_draws(
    data: _Data, priors: Priors, *, seed: int, draws: int, burn_in: int
) -> NDArray[np.float64]:
    """Posterior draws of delta from a Gibbs sampler on the same model, priors and phi grid."""
    rng = np.random.default_rng(seed)
    y, X = data.y, data.X
    n, p = X.shape
    m0, v0 = _prior_vector(data, priors)
    prior_prec = np.diag(1.0 / v0)
    phi = _phi_grid()
    coef, scale = _ar1_whitening(phi, data.gaps)
    log_jac = -np.log(scale).sum(axis=1)
    ys, Xs = _whiten(y, coef, scale), _whiten(X, coef, scale)
    XtX = np.einsum("gni,gnj->gij", Xs, Xs)
    Xty = np.einsum("gni,gn->gi", Xs, ys)
    g = int(np.argmin(np.abs(phi)))
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    sigma2 = float(np.var(y - X @ beta)) + 1e-6
    out = np.empty(draws)
    shape = priors.sigma2_shape + 0.5 * n
    for it in range(burn_in + draws):
        # beta | phi, sigma^2: Normal from the prewhitened regression.
        prec = XtX[g] / sigma2 + prior_prec
        chol = linalg.cho_factor(prec, lower=True)
        mean = linalg.cho_solve(chol, Xty[g] / sigma2 + m0 / v0)
        z = rng.standard_normal((p,))
        beta = mean + linalg.solve_triangular(chol[0], z, lower=True, trans="T")
        # sigma^2 | beta, phi: inverse-gamma.
        resid = ys[g] - Xs[g] @ beta
        rate = priors.sigma2_scale + 0.5 * float(resid @ resid)
        sigma2 = _invgamma_draw(shape, rate, rng)
        # phi | beta, sigma^2: griddy-Gibbs over the phi grid.
        e = y - X @ beta
        es = _whiten(e, coef, scale)
        logp = log_jac - 0.5 * np.einsum("gn,gn->g", es, es) / sigma2
        prob = np.exp(logp - special.logsumexp(logp))
        g = int(rng.choice(len(phi), p=prob))
        if it >= burn_in:
            out[it - burn_in] = beta[1]
    return out


def _invgamma_logpdf(x: NDArray[np.float64], a: float, scale: float) -> NDArray[np.float64]:
    """`scipy.stats.invgamma.logpdf(x, a, scale=scale)` for x > 0, in the same steps and
    through the same `scipy.special` function (so the same numbers to the last bit,
    tests/core/test_nof1_model.py): importing scipy.stats would cost about half a second of
    every process that analyses an experiment (the clinician report, bench/report.py)."""
    z = x / scale
    return np.asarray(-(a + 1) * np.log(z) - special.gammaln(a) - 1.0 / z - np.log(scale))


def _invgamma_draw(a: float, scale: float, rng: np.random.Generator) -> float:
    """One draw of `scipy.stats.invgamma.rvs(a, scale=scale, random_state=rng)`: the inverse
    CDF of one uniform, as scipy does it (the same draw from the same generator state)."""
    return float(1.0 / special.gammainccinv(a, rng.uniform(size=())) * scale)


# --- frequentist comparison -----------------------------------------------------------------


def _frequentist(data: _Data) -> FrequentistDict:
    """Mean of per-block (B mean - A mean) with a paired t interval over blocks."""
    diffs = []
    labels = np.array(data.blocks)
    for b in sorted(set(data.blocks)):
        in_b = labels == b
        a_vals = data.y[in_b & (data.is_b == 0)]
        b_vals = data.y[in_b & (data.is_b == 1)]
        if len(a_vals) and len(b_vals):
            diffs.append(float(b_vals.mean() - a_vals.mean()))
    result: FrequentistDict = {
        "method": "paired t-test of period means (B - A) by block",
        "mean_difference": float(np.mean(diffs)) if diffs else None,
        "ci95": None,
        "p_value": None,
        "n_blocks": len(diffs),
    }
    if len(diffs) >= 2 and np.std(diffs) > 0:
        # The one-sample t-test on the block differences (as scipy.stats.ttest_1samp, which is
        # several times slower through its nan-policy wrapper).
        k = len(diffs)
        mean, se = float(np.mean(diffs)), float(np.std(diffs, ddof=1)) / math.sqrt(k)
        half = float(special.stdtrit(k - 1, 0.975)) * se  # = scipy.stats.t.ppf(0.975, k - 1)
        result["ci95"] = [mean - half, mean + half]
        result["p_value"] = float(2 * special.stdtr(k - 1, -abs(mean / se)))  # 2 * t.sf
    return result


# --- wording --------------------------------------------------------------------------------


def _diff_words(x: float) -> str:
    if abs(x) < 0.05:
        return "about the same"
    return f"{abs(x):.1f} {'lower' if x < 0 else 'higher'}"


def _sentence(
    effect: float, ci: tuple[float, float], p_better: float, p_mcid: float, n_days: int, mcid: float
) -> str:
    text = (
        f"Over {n_days} analysed days, your score with B was on average {_diff_words(effect)} "
        f"than with A (95% credible interval: {_diff_words(ci[0])} to {_diff_words(ci[1])}). "
        f"Given this model and your data, the chance that B is better for you than A is "
        f"{p_better:.0%}, and the chance that it is better by at least {mcid:g} "
        f"(your meaningful difference) is {p_mcid:.0%}. "
    )
    if p_better >= 0.95:
        text += "In this experiment the evidence favours B. "
    elif p_better <= 0.05:
        text += "In this experiment the evidence favours A. "
    else:
        text += "The data do not clearly favour either condition. "
    return text + "This describes your own experiment only; it is not medical advice."


# --- public entry points --------------------------------------------------------------------


def analyse(
    days: list[TrialDay],
    lower_is_better: bool = True,
    mcid: float = 1.0,
    seed: int = 0,
    washout: list[bool] | None = None,
    *,
    priors: Priors | None = None,
    method: Method = "grid",
    draws: int = 2000,
    burn_in: int = 500,
) -> TrialResult:
    """Analyse (date, condition "A"|"B", outcome or None, block or None) days.

    Days with no outcome or with `washout[i]` True are left out (the AR(1) gap accounts for
    them). If any block is None, blocks are inferred from the run of conditions
    (`infer_blocks`). `seed`, `draws` and `burn_in` only matter for `method="gibbs"`; the grid
    method is exact and deterministic. Raises ValueError on unusable input.
    """
    priors = priors or Priors()
    data = _prepare(days, washout)
    sign = -1.0 if lower_is_better else 1.0
    if method == "grid":
        post = _grid_posterior(data, priors)
        effect = post.mean()
        ci = (post.quantile(0.025), post.quantile(0.975))
        below_zero, below_mcid = post.cdf(0.0), post.cdf(-mcid)
        above_zero, above_mcid = 1 - below_zero, 1 - post.cdf(mcid)
        how = "exact numerical integration over phi and sigma"
    else:
        sample = _gibbs_draws(data, priors, seed=seed, draws=draws, burn_in=burn_in)
        effect = float(sample.mean())
        lo, hi = np.quantile(sample, [0.025, 0.975])
        ci = (float(lo), float(hi))
        below_zero, below_mcid = float(np.mean(sample < 0)), float(np.mean(sample <= -mcid))
        above_zero, above_mcid = float(np.mean(sample > 0)), float(np.mean(sample >= mcid))
        how = f"Gibbs sampler, {draws} draws after {burn_in} burn-in, seed {seed}"
    p_better = below_zero if sign < 0 else above_zero
    p_mcid = below_mcid if sign < 0 else above_mcid
    model = (
        "Bayesian linear model y = mu + delta*B + block + AR(1) error; "
        f"priors {priors.describe()}; {how}"
    )
    n_days = len(data.y)
    return TrialResult(
        effect=effect,
        ci95=ci,
        p_b_better=p_better,
        p_mcid=p_mcid,
        n_days=n_days,
        model=model,
        sentence=_sentence(effect, ci, p_better, p_mcid, n_days, mcid),
        frequentist=_frequentist(data),
    )


ProtocolDay = tuple[date, str, str | None, float | None, int | None]


@dataclass(frozen=True)
class ProtocolComparison:
    """Intention-to-treat and per-protocol analyses of the same trial."""

    itt: TrialResult
    per_protocol: TrialResult
    n_deviations: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "itt": self.itt.to_dict(),
            "per_protocol": self.per_protocol.to_dict(),
            "n_deviations": self.n_deviations,
        }


def analyse_itt_and_per_protocol(
    days: list[ProtocolDay],
    washout: list[bool] | None = None,
    **kwargs: Any,
) -> ProtocolComparison:
    """Analyse (date, scheduled, actual or None, outcome, block) days both ways.

    Intention-to-treat analyses every day under its *scheduled* condition (randomisation is
    kept; non-adherence dilutes the effect). Per-protocol leaves out days whose actual condition
    differs from the schedule (a day with no record of the actual condition counts as adherent).
    `kwargs` go to `analyse` (lower_is_better, mcid, seed, priors, ...).
    """
    rows: list[TrialDay] = [(d, s, y, b) for d, s, _a, y, b in days]
    mask = list(washout) if washout is not None else [False] * len(days)
    deviated = [a is not None and a.upper() != s.upper() for _d, s, a, _y, _b in days]
    pp_mask = [m or dev for m, dev in zip(mask, deviated, strict=True)]
    itt = analyse(rows, washout=mask, **kwargs)
    pp = analyse(rows, washout=pp_mask, **kwargs)
    note = f" Per-protocol: {sum(deviated)} day(s) that did not follow the schedule left out."
    pp = replace(pp, sentence=pp.sentence + note)
    return ProtocolComparison(itt, pp, sum(deviated))
