"""Before/after comparisons: one treatment session, and one change on a given day."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy import special

from spasmtrack.core.insights.gls import ar1_gls
from spasmtrack.core.insights.stats import t_inference


@dataclass(frozen=True)
class PairedEffect:
    """Mean of (after - before) with its 95 % t interval.

    When every difference is the same (ratings are whole numbers, so two or three sessions
    often are), the t test is undefined: `sd_difference` is 0, the interval collapses to
    the mean and must not be shown as one, and `p_value` is the exact two-sided sign test's
    (all n sessions moved the same way: 2 x 0.5^n; 1 when nothing moved), so that two
    identical sessions (p = 0.5) are not read as a clear effect.
    """

    mean_difference: float
    ci95: tuple[float, float]
    p_value: float | None
    n: int
    sd_difference: float
    corrected_difference: float | None = None  # for regression to the mean, see below
    corrected_ci95: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "mean_difference": self.mean_difference,
            "ci95": list(self.ci95),
            "p_value": self.p_value,
            "n": self.n,
            "sd_difference": self.sd_difference,
            "corrected_difference": self.corrected_difference,
            "corrected_ci95": list(self.corrected_ci95) if self.corrected_ci95 else None,
        }


def rtm_corrected(
    before_after: Sequence[tuple[float, float]], typical: float
) -> tuple[float, tuple[float, float]] | None:
    """Same-session change corrected for regression to the mean.

    People treat when pain is high, and high pain tends to ease anyway. Regress pain after
    on pain before (statsmodels OLS) and read the change at the person's `typical` pain
    level (e.g. their mean daily pain): predicted after(typical) - typical, with its 95 %
    interval. At a typical starting level there is no regression to the mean to credit
    the treatment with. None with fewer than 3 sessions or when every "before" is equal.
    """
    before = np.array([b for b, _ in before_after], dtype=np.float64)
    after = np.array([a for _, a in before_after], dtype=np.float64)
    if before.size < 3 or np.ptp(before) == 0:
        return None
    design = np.column_stack([np.ones_like(before), before])
    # statsmodels' OLS(after, design).fit().get_prediction([1, typical]).conf_int(0.05),
    # step by step as statsmodels computes it (pinv, t with n - 2 df); importing statsmodels
    # (pandas, formulaic, narwhals) cost more than the rest of `spasmtrack insights`.
    # tests/core/test_insights.py checks both agree.
    pinv = np.linalg.pinv(design)
    beta = pinv @ after
    resid = after - design @ beta
    df = before.size - 2
    scale = float(resid @ resid) / df
    x0 = np.array([1.0, typical])
    mean = float(x0 @ beta)
    se = float(np.sqrt(x0 @ (pinv @ pinv.T) @ x0 * scale))
    half = float(special.stdtrit(df, 0.975)) * se  # = scipy.stats.t.ppf(0.975, df)
    return mean - typical, (mean - half - typical, mean + half - typical)


def paired_effect(before_after: Sequence[tuple[float, float]]) -> PairedEffect:
    """Same-session effect: pairs of (before, after) ratings, e.g. spasm intensity around
    a heat pad session. Negative means lower after. ValueError with fewer than 2 pairs.

    The interval is the paired t interval (scipy.stats.ttest_rel); sessions are treated as
    independent, which is reasonable when they are hours or days apart.
    """
    if len(before_after) < 2:
        raise ValueError("need at least 2 before/after pairs")
    before = np.array([b for b, _ in before_after], dtype=np.float64)
    after = np.array([a for _, a in before_after], dtype=np.float64)
    diff = after - before
    mean, sd = float(diff.mean()), float(diff.std(ddof=1))
    if sd == 0:
        # The sign test: P(all n the same way) = 2 * P(Binomial(n, 1/2) = 0).
        sign_p = min(1.0, 2.0 * float(special.bdtr(0, len(diff), 0.5))) if mean else 1.0
        return PairedEffect(mean, (mean, mean), sign_p, len(diff), 0.0)
    # scipy.stats.ttest_rel(after, before) and its confidence_interval(0.95), in the same
    # steps and through the scipy.special functions they evaluate, so the figures are the
    # same to the last bit (importing scipy.stats would cost half a second).
    n = len(diff)
    se = float(np.sqrt(np.mean((diff - mean) ** 2) * (n / (n - 1)) / n))
    p = float(2.0 * special.stdtr(n - 1, -abs(mean / se)))
    tail = (1 - 0.95) / 2
    low = float(special.stdtrit(n - 1, tail)) * se + mean
    high = float(special.stdtrit(n - 1, 1 - tail)) * se + mean
    return PairedEffect(mean, (low, high), p, n, sd)


@dataclass(frozen=True)
class ItsResult:
    """Level change on `change_day` from a segmented regression with AR(1) errors.

    `level_change` is the jump between the line after and the line before, both evaluated
    at the change day; slopes are per day. `rho` is the day-to-day autocorrelation used;
    `maxlags` is kept for the old contract and is always 0 (no HAC bandwidth any more).
    """

    level_change: float
    se: float
    ci95: tuple[float, float]
    p_value: float
    slope_before: float
    slope_after: float
    n_before: int
    n_after: int
    maxlags: int = 0
    rho: float = 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "level_change": self.level_change,
            "se": self.se,
            "ci95": list(self.ci95),
            "p_value": self.p_value,
            "slope_before": self.slope_before,
            "slope_after": self.slope_after,
            "n_before": self.n_before,
            "n_after": self.n_after,
            "maxlags": self.maxlags,
            "rho": self.rho,
        }


def its_design(days: Sequence[date], change_day: date) -> np.ndarray:
    """Columns: intercept, days since change, after (0/1), days since change x after."""
    tau = np.array([(d - change_day).days for d in days], dtype=np.float64)
    after = (tau >= 0).astype(np.float64)
    return np.column_stack([np.ones_like(tau), tau, after, tau * after])


def interrupted_time_series(
    series: Mapping[date, float], change_day: date, min_days_each_side: int = 7
) -> ItsResult:
    """Did the level shift on `change_day` (e.g. a new medication), beyond the trends?

    Model: y = a + b*tau + c*after + d*tau*after, tau = days since `change_day`, with
    separate trends before and after; `change_day` counts as "after". Missing days (or
    NaN values) are dropped; AR(1) errors by feasible GLS with the conventions of
    `insights_gls` (bias-corrected rho). ValueError when
    either side has fewer than `min_days_each_side` (>= 3) days.
    """
    days = sorted(d for d, v in series.items() if not np.isnan(v))
    n_after = sum(1 for d in days if d >= change_day)
    n_before = len(days) - n_after
    if min(n_before, n_after) < max(3, min_days_each_side):
        raise ValueError(f"need {min_days_each_side} days on each side of the change")
    x = its_design(days, change_day)
    y = np.array([series[d] for d in days], dtype=np.float64)
    # The "after" column is the tested one; intercept and both slopes are adjustment.
    adjust = np.ascontiguousarray(x[:, [0, 1, 3]].T)
    consecutive = np.diff([d.toordinal() for d in days]) == 1
    fit = ar1_gls(
        adjust, x[None, None, :, 2], y[None, :], bias_correction=True, consecutive=consecutive
    )
    level, se = float(fit.coef[0, 0, 0]), float(np.sqrt(fit.cov[0, 0, 0, 0]))
    p, low, high = t_inference(np.array([level]), np.array([se]), np.array([float(fit.df)]))
    # Slopes: the kernel reports only the tested column, so refit the trend terms by GLS
    # at the same rho (a small closed form: whitened least squares).
    rho = float(fit.rho[0, 0])
    xw, yw = (x[1:] - rho * x[:-1])[consecutive], (y[1:] - rho * y[:-1])[consecutive]
    params = np.linalg.lstsq(xw, yw, rcond=None)[0]
    return ItsResult(
        level_change=level,
        se=se,
        ci95=(float(low[0]), float(high[0])),
        p_value=float(p[0]),
        slope_before=float(params[1]),
        slope_after=float(params[1] + params[3]),
        n_before=n_before,
        n_after=n_after,
        rho=rho,
    )
