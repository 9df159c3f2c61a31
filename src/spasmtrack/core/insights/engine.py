"""Insights: which factors went with better or worse days, with honest uncertainty.

One question per factor and outcome (or group of outcomes that measure the same thing):
"did this factor go with better or worse days, on the same day or up to two days later?"

- Model: outcome(t) on the factor at lags 0, 1 and 2 *jointly*, adjusted for day of the
  week (6 dummies, Monday = baseline) and a slow linear trend, with AR(1) errors fitted by
  feasible GLS (iterated Cochrane–Orcutt, `spasmtrack.core.insights.gls`). Quasi-
  differencing with the day-to-day autocorrelation is the same as predicting today's
  outcome from yesterday's outcome and both days' factor values, so the state before the
  factor (yesterday's outcome) is adjusted for. rho gets Kendall's small-sample bias
  correction, and p-values and intervals are read at the least favourable rho within
  half a standard error of the estimate (`insights_gls.least_favourable`), with degrees
  of freedom that allow for rho being estimated (`insights_gls.allow_for_rho`, a
  Satterthwaite approximation: persistent factors such as courses and runs lose most).
  Both keep the small p-values that FDR control relies on honest (bench/calibration.py).
- The finding's p-value is the joint F test of the three lags. One timing is reported only
  when the data distinguish it: lags whose coefficient does not differ clearly (5 %) from
  the strongest one are reported together ("the same day or the next day") and the effect
  is their sum (the difference when the factor is present on all those days).
- A yes/no factor present on one contiguous stretch only (a course of tablets, a new
  pillow) is an interrupted time series: one "during the course" level change (lag 0),
  adjusted in the same way; its lags cannot be told apart.
- Outcomes in one `outcome_groups` entry (pain, spasm burden, spasm intensity) form one
  finding: its p-value combines the outcomes' p-values with Simes' test; its `outcome` is
  the one with the strongest evidence and `outcomes` lists those that agree.
- q-values are Benjamini–Hochberg over the findings people see (one per factor and
  outcome group). "helps"/"aggravates" need q <= q_threshold and an interval excluding 0.
- "used_on_worse_days": for yes/no factors, whether the outcome was already worse the day
  *before* the factor (the factor's next-day value regressed like a lag of -1, adjusted
  for lags 0–2): a sign of taking something because of bad days, shown as its own
  observation (own BH family) rather than as an effect.
- Same-day state before a treatment (`state_before`): where the caller knows the outcome
  earlier that day, before the factor's time, that factor and outcome are adjusted for
  it as well (a treatment at 14:00 taken because the morning was bad).
- Not logged is not "no": a yes/no factor is "no" only on a day with an explicit 0 or a
  day in `complete_days` (the caller's rule for a fully logged day); other days are
  missing and dropped.

Everything is observational: results are worded as patterns ("likely helps" = a
pattern in the diary), never as proof.
"""

from __future__ import annotations

import functools
import gc
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import ParamSpec, TypedDict, TypeVar, cast

import numpy as np
from numpy.typing import NDArray
from scipy import special

from spasmtrack.core.insights.change import (
    ItsResult,
    PairedEffect,
    interrupted_time_series,
    paired_effect,
)
from spasmtrack.core.insights.gls import (
    Count,
    FloatArray,
    GlsFit,
    Moments,
    allow_for_rho,
    batch_moments,
    factors_of,
    fit_moments,
    identifiable_in,
    independent_rows,
    least_favourable,
)
from spasmtrack.core.insights.stats import bh_q_values
from spasmtrack.core.insights.text import (
    Kind,
    Verdict,
    Wording,
    effect_sentence,
    more_days_to_tell,
    not_enough_sentence,
    timing_text,
    verdict_sentence,
    worse_days_sentence,
)

__all__ = [
    "Factor",
    "Insight",
    "InsightsReport",
    "ItsResult",
    "Outcome",
    "PairedEffect",
    "analyse",
    "interrupted_time_series",
    "paired_effect",
]

DAYS_PER_YEAR = 365.25
# "Likely helps / worsens" needs q <= FDR_LEVEL: after allowing for every comparison, at
# most about 1 in 20 of the patterns shown are expected to be chance. Why 5 % and not 10 %:
# with no real effect at all, BH at level q shows some finding to a share q of people (its
# false-discovery promise is tight when every tested pattern is null), and the small
# excess that remains at the smallest p-values for persistent factors (runs, courses, with
# day-to-day noise on top of the autocorrelation) pushed 10 % to 10.6 % (500 simulated
# diaries through the import and the CLI path). At 5 % the same diaries gave 6 %, inside
# the "at most 10 % of people with no effect see a finding" that Insights promises.
FDR_LEVEL = 0.05
TIMING_ALPHA = 0.05  # lags not clearly (5 %) different from the strongest are reported together
AGREE_ALPHA = 0.05  # other outcomes of a group are listed when they agree at this level

COMPLETE_DAYS_RULE = (
    "A yes/no item counts as “no” only on days you logged it as “no”, or on days you logged "
    "at least one other treatment or habit (a day you were keeping track). Days without "
    "any such log are left out of the comparison instead of being counted as “no”."
)


@dataclass(frozen=True)
class Outcome:
    """How to read an outcome: lower is better for pain-type outcomes."""

    name: str
    lower_is_better: bool = True
    unit: str = ""  # shown after numbers, e.g. "points"; "" for counts named by the outcome


@dataclass(frozen=True)
class Factor:
    """How to read a factor. `kind` None means: binary if every value is 0 or 1."""

    name: str
    kind: Kind | None = None
    unit: str = ""  # numeric factors: one step, e.g. "hour", "mg"


class InsightDict(TypedDict):
    factor: str
    outcome: str
    outcomes: list[str]
    lag_days: int
    lags_considered: list[int]
    lags_reported: list[int]
    timing: str
    kind: str
    effect: float | None
    se: float | None
    ci95: list[float] | None
    p_value: float | None
    q_value: float | None
    n_days: int
    n_with: int
    n_without: int
    more_days_with: int
    more_days_without: int
    more_days_to_tell: int | None
    reason: str
    sentence: str
    headline: str


class InsightsReportDict(TypedDict):
    helps: list[InsightDict]
    aggravates: list[InsightDict]
    no_clear_effect: list[InsightDict]
    not_enough_data: list[InsightDict]
    used_on_worse_days: list[InsightDict]


@dataclass(frozen=True)
class Insight:
    """One finding: a factor and an outcome (or a group of outcomes).

    `effect`: outcome difference (days with minus days without) for binary factors, change
    per unit for numeric ones, at the reported timing: `lag_days` is the strongest lag and
    `timing` lists the lags reported together ("0", "0-1", "1", ...); `lags_considered` are
    the lags tested jointly. `p_value` is the finding's (joint F, combined over `outcomes`
    by Simes); `n_days` counts the days in the main outcome's regression, `n_with` the days
    whose factor value is non-zero, `n_without` those where it is zero. Statistics are None
    when `verdict` is "not_enough_data"; then `reason` is one of "few_days",
    "factor_constant", "outcome_constant", "tied_to_weekday" and `more_days_with` /
    `more_days_without` say roughly how many more days would allow the test.
    `more_days_to_tell`: for an unclear finding, roughly how many more days would show a
    1-point difference with 80 % power (None when not applicable).
    """

    factor: str
    outcome: str
    lag_days: int
    kind: Kind
    verdict: Verdict
    sentence: str
    n_days: int
    n_with: int
    n_without: int
    outcomes: tuple[str, ...] = ()
    lags_considered: tuple[int, ...] = ()
    lags_reported: tuple[int, ...] = ()
    timing: str = ""
    headline: str = ""
    effect: float | None = None
    se: float | None = None
    ci95: tuple[float, float] | None = None
    p_value: float | None = None
    q_value: float | None = None
    more_days_with: int = 0
    more_days_without: int = 0
    more_days_to_tell: int | None = None
    reason: str = ""

    def to_dict(self) -> InsightDict:
        return {
            "factor": self.factor,
            "outcome": self.outcome,
            "outcomes": list(self.outcomes or (self.outcome,)),
            "lag_days": self.lag_days,
            "lags_considered": list(self.lags_considered),
            "lags_reported": list(self.lags_reported),
            "timing": self.timing,
            "kind": self.kind,
            "effect": self.effect,
            "se": self.se,
            "ci95": list(self.ci95) if self.ci95 is not None else None,
            "p_value": self.p_value,
            "q_value": self.q_value,
            "n_days": self.n_days,
            "n_with": self.n_with,
            "n_without": self.n_without,
            "more_days_with": self.more_days_with,
            "more_days_without": self.more_days_without,
            "more_days_to_tell": self.more_days_to_tell,
            "reason": self.reason,
            "sentence": self.sentence,
            "headline": self.headline or self.sentence,
        }


@dataclass(frozen=True)
class InsightsReport:
    """Results grouped by verdict; helps/aggravates are sorted strongest evidence first."""

    helps: list[Insight] = field(default_factory=list)
    aggravates: list[Insight] = field(default_factory=list)
    no_clear_effect: list[Insight] = field(default_factory=list)
    not_enough_data: list[Insight] = field(default_factory=list)
    used_on_worse_days: list[Insight] = field(default_factory=list)

    def all(self) -> list[Insight]:
        return [*self.helps, *self.aggravates, *self.no_clear_effect, *self.not_enough_data]

    def to_dict(self) -> InsightsReportDict:
        return {
            "helps": [i.to_dict() for i in self.helps],
            "aggravates": [i.to_dict() for i in self.aggravates],
            "no_clear_effect": [i.to_dict() for i in self.no_clear_effect],
            "not_enough_data": [i.to_dict() for i in self.not_enough_data],
            "used_on_worse_days": [i.to_dict() for i in self.used_on_worse_days],
        }


# --- turning dict series into day grids -------------------------------------------------


def series_grid(series: Mapping[date, float], first_day: date, n_days: int) -> FloatArray:
    """Values on consecutive days from `first_day`; NaN where missing. Days out of range
    are ignored."""
    grid = np.full(n_days, np.nan)
    ordinals = np.fromiter(map(date.toordinal, series), dtype=np.int64, count=len(series))
    offsets = ordinals - first_day.toordinal()
    values = np.fromiter(series.values(), dtype=np.float64, count=len(series))
    keep = (offsets >= 0) & (offsets < n_days)
    grid[offsets[keep]] = values[keep]
    return grid


def is_binary(values: FloatArray) -> bool:
    """True when every recorded value is 0 or 1."""
    seen = values[~np.isnan(values)]
    return bool(np.all((seen == 0) | (seen == 1)))


def adjustment_columns(first_day: date, n_days: int) -> FloatArray:
    """Intercept, trend in years (centred on the middle day), 6 weekday dummies (Monday = base)."""
    t = np.arange(n_days, dtype=np.float64)
    weekday = (first_day.weekday() + np.arange(n_days)) % 7
    dummies = (weekday[:, None] == np.arange(1, 7)[None, :]).astype(np.float64)
    # Centred so the intercept and trend columns are not nearly collinear.
    trend = (t - (n_days - 1) / 2.0) / DAYS_PER_YEAR
    return np.column_stack([np.ones(n_days), trend, dummies])


def is_course(values: FloatArray) -> bool:
    """A yes/no factor whose "yes" days form one contiguous stretch (with "no" days around
    it on at least one side): a course or a change, not something that comes and goes."""
    seen = np.flatnonzero(~np.isnan(values))
    yes = np.flatnonzero(values > 0)  # NaN > 0 is False
    if yes.size < 2 or yes.size == seen.size:
        return False
    inside = seen[(seen >= yes[0]) & (seen <= yes[-1])]
    return bool(np.all(values[inside] > 0))


# --- the tests ----------------------------------------------------------------------------


@dataclass
class _Pair:
    """One factor x outcome regression (all its lags)."""

    j: int
    o: int
    lags: tuple[int, ...]
    n: int
    n_with: int
    coef: FloatArray | None = None  # (L,)
    cov: FloatArray | None = None  # (L, L)
    df: float = 0.0
    p: float = 1.0
    reason: str = ""
    more_with: int = 0
    more_without: int = 0


def _group_rows(valid: np.ndarray) -> dict[bytes, list[int]]:
    """Row (variable) indices grouped by identical validity pattern: one batch each."""
    groups: dict[bytes, list[int]] = {}
    for j in range(valid.shape[0]):
        groups.setdefault(valid[j].tobytes(), []).append(j)
    return groups


def _lagged(x: FloatArray, lags: tuple[int, ...]) -> FloatArray:
    """(F, n) -> (F, L, n): column l holds x(t - lag_l), NaN where outside the diary."""
    n = x.shape[1]
    out = np.full((x.shape[0], len(lags), n), np.nan)
    for i, lag in enumerate(lags):
        if lag >= 0:
            out[:, i, lag:] = x[:, : n - lag]
        else:
            out[:, i, : n + lag] = x[:, -lag:]
    return out


@dataclass
class _Batch:
    """One factor group x outcome group: the days they share and what can be fitted."""

    fidx: list[int]  # factor indices (into x_all)
    oidx: list[int]  # outcome indices
    n: int
    n_with: list[int]  # per factor: days with it (lag 0)
    reasons: dict[int, tuple[str, int, int]]  # per batch position: why not tested
    good: list[int]  # batch positions that are fitted
    c: int  # adjustment columns kept on these days
    pairs: int
    y_const: NDArray[np.bool_]
    moments: Moments | None = None  # of `good`
    fit: GlsFit | None = None  # rows of `good`, from `at` on (fits are stacked, see below)
    at: int = 0
    pvals: FloatArray | None = None


def _fit_pairs(
    x_all: FloatArray,
    y_all: FloatArray,
    adjust: FloatArray,
    fidx: list[int],
    lags: tuple[int, ...],
    kinds: list[Kind],
    min_days: tuple[int, int],
) -> list[_Pair]:
    """Every factor in `fidx` x every outcome, factor at `lags` jointly, batched by the days
    that factor and outcome share.

    The batches of one outcome group with the same number of adjustment columns are then
    fitted together (their moments stacked, `fit_moments`): a factor with its own missing
    days is a batch of one, and fitting each such batch on its own costs more in calls
    than in arithmetic. Each pair's numbers are those of its own batch."""
    if not fidx:
        return []
    xl = _lagged(x_all[fidx], lags)
    f_valid = cast(NDArray[np.bool_], ~np.isnan(xl).any(axis=1))
    o_valid = ~np.isnan(y_all)
    o_groups = list(_group_rows(o_valid).values())
    f_groups = list(_group_rows(f_valid).values())
    batches = []
    for fpos in f_groups:
        xg = xl[fpos]  # once per factor group, not once per batch
        batches.append(
            [
                _batch(xg, y_all, adjust, fidx, fpos, oidx, f_valid, o_valid, lags, kinds, min_days)
                for oidx in o_groups
            ]
        )
    for g in range(len(o_groups)):
        stacks: dict[int, list[_Batch]] = {}
        for row in batches:
            b = row[g]
            if b.moments is not None and b.good and not b.y_const.all():
                stacks.setdefault(b.c, []).append(b)
        for group in stacks.values():
            _fit_together(group, len(lags))
    pairs: list[_Pair] = []
    for row in batches:
        for b in row:
            pairs += _batch_pairs(b, lags)
    return pairs


def _batch(
    xg: FloatArray,
    y_all: FloatArray,
    adjust: FloatArray,
    fidx: list[int],
    fpos: list[int],
    oidx: list[int],
    f_valid: NDArray[np.bool_],
    o_valid: NDArray[np.bool_],
    lags: tuple[int, ...],
    kinds: list[Kind],
    min_days: tuple[int, int],
) -> _Batch:
    """A batch's rows, the reasons some of its factors cannot be tested, and the moments of
    the rest (those identifiable on its days)."""
    rows = f_valid[fpos[0]] & o_valid[oidx[0]]
    n = int(rows.sum())
    every_day = n == rows.size
    x = xg if every_day else np.compress(rows, xg, axis=2)
    y = y_all[oidx] if every_day else np.compress(rows, y_all[oidx], axis=1)
    consecutive = np.diff(np.flatnonzero(rows)) == 1
    a_rows = adjust if every_day else np.compress(rows, adjust, axis=1)
    # Columns must be identifiable on the rows that follow a logged day (the whitened
    # regression's rows): without Saturdays, Sunday never follows one.
    a = a_rows[independent_rows(a_rows[:, 1:][:, consecutive])] if n > 1 else a_rows[:0]
    now = x[:, lags.index(0) if 0 in lags else 0]
    n_with: list[int] = np.count_nonzero(now, axis=1).tolist()
    constant: list[bool] = (np.ptp(now, axis=1) == 0 if n else np.ones(len(fpos), bool)).tolist()
    fit_rows: list[int] = []
    reasons: dict[int, tuple[str, int, int]] = {}
    for b, p in enumerate(fpos):
        nw = n_with[b]
        if kinds[fidx[p]] == "binary":
            mw, mwo = max(0, min_days[0] - nw), max(0, min_days[0] - (n - nw))
            reason = "few_days" if mw or mwo else ""
        else:
            mw, mwo = max(0, min_days[1] - n), 0
            reason = "few_days" if mw else ("factor_constant" if constant[b] else "")
        if not reason and n <= a.shape[0] + len(lags) + 3:
            reason, mw = "few_days", max(mw, a.shape[0] + len(lags) + 4 - n)
        reasons[b] = (reason, mw, mwo)
        if not reason:
            fit_rows.append(b)
    pairs = int(consecutive.sum())
    ok = np.zeros(len(fpos), dtype=bool)
    moments = None
    if fit_rows:
        moments = batch_moments(a, x[fit_rows], y, consecutive)
        ok[fit_rows] = identifiable_in(moments, a.shape[0], pairs)
    for b in np.flatnonzero(~ok):
        if not reasons[b][0]:
            reasons[b] = ("tied_to_weekday", 0, 0)
    good = [int(b) for b in np.flatnonzero(ok)]
    if moments is not None and good:
        moments = factors_of(moments, [fit_rows.index(b) for b in good])
    y_const = np.ptp(y, axis=1) == 0 if n else np.ones(len(oidx), dtype=bool)
    return _Batch(
        [fidx[p] for p in fpos], oidx, n, n_with, reasons, good, a.shape[0], pairs, y_const, moments
    )


def _fit_together(group: list[_Batch], n_l: int) -> None:
    """Fit the batches of `group` (same outcomes, same adjustment columns) in one stack; if
    that fails (a degenerate batch), each on its own."""
    try:
        _fit_stack(group, n_l)
    except np.linalg.LinAlgError:
        for b in group:
            try:
                _fit_stack([b], n_l)
            except np.linalg.LinAlgError:  # a degenerate batch: nothing to compare
                for g in b.good:
                    b.reasons[g] = ("tied_to_weekday", 0, 0)
                b.fit, b.pvals = None, None


def _fit_stack(group: list[_Batch], n_l: int) -> None:
    moments = cast(
        Moments,
        tuple(np.concatenate(parts) for parts in zip(*(b.moments for b in group), strict=True)),
    )
    n: Count
    pairs: Count
    if len(group) == 1:  # one batch: plain numbers, as `ar1_gls` has them
        n, pairs = group[0].n, group[0].pairs
    else:  # per factor, (F, 1)
        n = np.concatenate([np.full(len(b.good), float(b.n)) for b in group])[:, None]
        pairs = np.concatenate([np.full(len(b.good), float(b.pairs)) for b in group])[:, None]
    fit = fit_moments(moments, group[0].c, n_l, n, pairs, bias_correction=True)
    fit, _ = least_favourable(fit)
    fit = allow_for_rho(fit)
    pvals = fit.joint_f()[1]
    at = 0
    for b in group:
        b.fit, b.at, b.pvals = fit, at, pvals
        at += len(b.good)


def _batch_pairs(b: _Batch, lags: tuple[int, ...]) -> list[_Pair]:
    """The batch's pairs, with their fitted numbers or the reason they have none."""
    pairs: list[_Pair] = []
    fit, pvals = b.fit, b.pvals
    row = {pos: g for g, pos in enumerate(b.good)}
    if fit is not None and pvals is not None:
        part = slice(b.at, b.at + len(b.good))
        coef, cov, p, df = fit.coef[part], fit.cov[part], pvals[part], fit.pair_df()[part]
        # A pair with no residual variation (or none left after the fit) has nothing to say.
        usable = (
            np.isfinite(p)
            & np.isfinite(cov).all(axis=(-2, -1))
            & (np.diagonal(cov, axis1=-2, axis2=-1) > 0).all(axis=-1)
        ).tolist()
        p_list, df_list = p.tolist(), df.tolist()
    for pos, j in enumerate(b.fidx):
        for q, o in enumerate(b.oidx):
            pair = _Pair(j, o, lags, b.n, b.n_with[pos])
            reason, pair.more_with, pair.more_without = b.reasons[pos]
            if not reason and b.y_const[q]:
                reason = "outcome_constant"
            if not reason and fit is not None:
                g = row[pos]
                if not usable[g][q]:
                    reason = "outcome_constant"
                else:
                    pair.coef, pair.cov = coef[g, q], cov[g, q]
                    pair.df, pair.p = df_list[g][q], p_list[g][q]
            pair.reason = reason
            pairs.append(pair)
    return pairs


@dataclass(frozen=True)
class _Timing:
    lags: tuple[int, ...]  # reported together
    best: int
    effect: float
    se: float
    low: float
    high: float


@lru_cache(maxsize=4096)
def _t_quantile(q: float, df: float) -> float:
    return float(special.stdtrit(df, q))  # = scipy.stats.t.ppf(q, df), without its overhead


def _timing(pair: _Pair) -> _Timing:
    """The strongest lag, plus the lags not clearly different from it; effect = their sum."""
    assert pair.coef is not None and pair.cov is not None
    lags = pair.lags
    # Plain floats: for 2-3 lags, Python arithmetic is faster than numpy's per-call cost.
    coef: list[float] = pair.coef.tolist()
    cov: list[list[float]] = pair.cov.tolist()
    n = len(lags)
    best = max(range(n), key=lambda i: abs(coef[i]) / math.sqrt(cov[i][i]))
    crit = _t_quantile(1 - TIMING_ALPHA / 2, pair.df)
    together = [
        i
        for i in range(n)
        if i == best
        or abs(coef[best] - coef[i])
        <= crit * math.sqrt(max(cov[best][best] + cov[i][i] - 2 * cov[best][i], 0.0))
    ]
    span = range(min(together), max(together) + 1)  # contiguous: {0, 2} is reported as 0-2
    effect = sum(coef[i] for i in span)
    s = math.sqrt(max(sum(cov[i][j] for i in span for j in span), 0.0))
    half = _t_quantile(0.975, pair.df) * s
    return _Timing(
        tuple(lags[i] for i in span), lags[best], effect, s, effect - half, effect + half
    )


def _simes(p: Sequence[float]) -> float:
    """Simes' combination of dependent p-values (valid under positive dependence)."""
    ps = sorted(p)
    m = len(ps)
    return min(1.0, min(v * m / (i + 1) for i, v in enumerate(ps)))


def _lower_is_better(
    names: list[str], pain_type: Collection[str] | None, info: Mapping[str, Outcome]
) -> list[bool]:
    out = []
    for name in names:
        if name in info:
            out.append(info[name].lower_is_better)
        elif pain_type is not None:
            out.append(name in pain_type)
        else:
            raise ValueError(f"direction of outcome {name!r} unknown: pass pain_type")
    return out


def factor_grids(
    factors: Mapping[str, Mapping[date, float]],
    first_day: date,
    n_days: int,
    factor_info: Mapping[str, Factor],
    complete_days: Collection[date] | None,
) -> tuple[FloatArray, list[Kind]]:
    """(F, days) factor values and kinds. A binary factor is 1 on days logged non-zero, 0 on
    days logged 0 and on complete days without a log, NaN otherwise (not logged is not
    "no"); `complete_days` None means every day is complete."""
    fnames = list(factors)
    x_all = np.array([series_grid(factors[f], first_day, n_days) for f in fnames]).reshape(
        len(fnames), n_days
    )
    if complete_days is None:
        complete = np.ones(n_days, dtype=bool)
    else:
        complete = ~np.isnan(series_grid(dict.fromkeys(complete_days, 1.0), first_day, n_days))
    kinds: list[Kind] = []
    for j, name in enumerate(fnames):
        info = factor_info.get(name)
        kind = info.kind if info and info.kind else None
        kinds.append(kind or ("binary" if is_binary(x_all[j]) else "numeric"))
        if kinds[-1] == "binary":
            logged = ~np.isnan(x_all[j])
            value = ((x_all[j] != 0) & logged).astype(np.float64)
            x_all[j] = np.where(logged | complete, value, np.nan)
    return x_all, kinds


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _without_cycle_collection(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Python's cycle collector off while `fn` runs, back on after.

    The analysis makes hundreds of thousands of short-lived objects and no reference cycles
    that matter; each automatic collection meanwhile walks every object the caller holds (a
    server: all of Django; here also the diary's series), which on 3,650 days was a third of
    the analysis' time when a second diary was in memory (bench/insights.py: 304 against 194
    ms). Reference counting still frees everything as before; results are unchanged."""

    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if not gc.isenabled():
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.enable()

    return wrapper


@_without_cycle_collection
def analyse(
    outcomes: Mapping[str, Mapping[date, float]],
    factors: Mapping[str, Mapping[date, float]],
    first_day: date,
    last_day: date,
    *,
    pain_type: Collection[str] | None = None,
    outcome_info: Mapping[str, Outcome] | None = None,
    factor_info: Mapping[str, Factor] | None = None,
    lags: Sequence[int] = (0, 1, 2),
    min_days_binary: int = 10,
    min_days_numeric: int = 20,
    q_threshold: float = FDR_LEVEL,
    complete_days: Collection[date] | None = None,
    outcome_groups: Sequence[Sequence[str]] = (),
    state_before: Mapping[str, Mapping[str, Mapping[date, float]]] | None = None,
) -> InsightsReport:
    """One finding per factor and outcome group; see the module docstring for the method.

    Series are keyed by local day; days outside [first_day, last_day] are ignored.
    Outcome days that are missing (or NaN) are dropped for that outcome; numeric factors
    drop days without a value; binary factors follow `factor_grids`. An outcome's
    direction comes from `outcome_info` or, failing that, from `pain_type` (names where
    lower is better; other outcomes are higher-is-better); ValueError if neither does.

    A binary factor needs `min_days_binary` usable days with it and as many without; a
    numeric one `min_days_numeric` usable days with a value, not all equal.

    `state_before` ({factor: {outcome: {day: value}}}) is the outcome's state earlier that
    day, before the factor's time (the caller's rule, e.g. the spasms logged before a
    treatment at 14:00, or before its usual time on a day without it). That factor and
    outcome are then compared adjusted for it (its values on days t, t-1, ... for the
    factor's lags, as adjustment columns), on the days that have them: a treatment used
    *because* the morning was bad is not read as making the day worse. See
    `_with_state_before`.
    """
    n_days = (last_day - first_day).days + 1
    if n_days < 1:
        raise ValueError("last_day is before first_day")
    if any(lag < 0 for lag in lags) or not lags:
        raise ValueError("lags cannot be negative")
    lags_t = tuple(sorted(dict.fromkeys(lags)))
    outcome_info = outcome_info or {}
    factor_info = factor_info or {}
    onames, fnames = list(outcomes), list(factors)
    lower_better = _lower_is_better(onames, pain_type, outcome_info)

    y_all = np.array([series_grid(outcomes[o], first_day, n_days) for o in onames]).reshape(
        len(onames), n_days
    )
    x_all, kinds = factor_grids(factors, first_day, n_days, factor_info, complete_days)
    adjust = np.ascontiguousarray(adjustment_columns(first_day, n_days).T)
    course = [kinds[j] == "binary" and is_course(x_all[j]) for j in range(len(fnames))]
    rules = (min_days_binary, min_days_numeric)
    plain = [j for j in range(len(fnames)) if not course[j]]
    courses = [j for j in range(len(fnames)) if course[j]]
    pairs = _fit_pairs(x_all, y_all, adjust, plain, lags_t, kinds, rules)
    # Lags that cannot be told apart at all (a factor on every other day: lag 2 = lag 0):
    # such a factor is compared on the same day only.
    tied = sorted(
        {p.j for p in pairs if p.reason == "tied_to_weekday"}
        - {p.j for p in pairs if p.coef is not None}
    )
    if tied and lags_t != (0,):
        pairs = [p for p in pairs if p.j not in tied]
        pairs += _fit_pairs(x_all, y_all, adjust, tied, (0,), kinds, rules)
    pairs += _fit_pairs(x_all, y_all, adjust, courses, (0,), kinds, rules)
    if state_before:
        pairs = _with_state_before(
            pairs, state_before, x_all, y_all, adjust, (fnames, onames), first_day, kinds, rules
        )
    # Was the outcome already different the day before the factor? (lag -1, see docstring)
    binary = [j for j in plain if kinds[j] == "binary"]
    leads = _fit_pairs(x_all, y_all, adjust, binary, (-1, *lags_t), kinds, rules)

    groups = _outcome_groups(onames, outcome_groups)
    ctx = _Context(fnames, onames, kinds, lower_better, outcome_info, factor_info, course)
    report = InsightsReport()
    _findings(report, pairs, groups, ctx, q_threshold)
    _worse_days(report, leads, groups, ctx, q_threshold)
    _sort(report)
    return report


def _with_state_before(
    pairs: list[_Pair],
    state_before: Mapping[str, Mapping[str, Mapping[date, float]]],
    x_all: FloatArray,
    y_all: FloatArray,
    adjust: FloatArray,
    names: tuple[list[str], list[str]],
    first_day: date,
    kinds: list[Kind],
    rules: tuple[int, int],
) -> list[_Pair]:
    """Refit the pairs that have a same-day state before the factor, adjusted for it.

    Conditional on the state before the factor, a factor chosen because of that state is
    unrelated to the rest of the day's outcome unless it has an effect, so adding the
    state as a covariate removes this confounding by indication (the previous day's state
    is already adjusted for by the AR(1) errors). Each such pair is its own batch (the
    covariate differs per factor and outcome); days without a state value are dropped.
    """
    fnames, onames = names
    n_days = y_all.shape[1]
    fpos, opos = {f: j for j, f in enumerate(fnames)}, {o: i for i, o in enumerate(onames)}
    replaced: dict[tuple[int, int], _Pair] = {}
    for fname, by_outcome in state_before.items():
        for oname, series in by_outcome.items():
            if fname not in fpos or oname not in opos or not series:
                continue
            j, o = fpos[fname], opos[oname]
            current = next((p for p in pairs if p.j == j and p.o == o), None)
            if current is None:
                continue
            # The state before the factor on each day whose factor value enters the fit
            # (day t - lag for each lag): a factor taken yesterday because yesterday
            # morning was bad is confounded in the same way.
            state = series_grid(series, first_day, n_days)
            shifted = _lagged((state - np.nanmean(state))[None, :], current.lags)[0]
            y = np.where(np.isnan(shifted).any(axis=0), np.nan, y_all[o])[None, :]
            a = np.vstack([adjust, np.nan_to_num(shifted)])
            for p in _fit_pairs(x_all, y, a, [j], current.lags, kinds, rules):
                p.o = o
                replaced[(j, o)] = p
    return [replaced.get((p.j, p.o), p) for p in pairs]


def _outcome_groups(onames: list[str], declared: Sequence[Sequence[str]]) -> list[list[int]]:
    """Index groups: each declared group (outcomes present only), then every other outcome
    on its own."""
    index = {name: o for o, name in enumerate(onames)}
    out, used = [], set()
    for group in declared:
        members = [index[n] for n in group if n in index and index[n] not in used]
        if members:
            out.append(members)
            used.update(members)
    out += [[o] for o in range(len(onames)) if o not in used]
    return out


@dataclass(frozen=True)
class _Context:
    fnames: list[str]
    onames: list[str]
    kinds: list[Kind]
    lower_better: list[bool]
    outcome_info: Mapping[str, Outcome]
    factor_info: Mapping[str, Factor]
    course: list[bool]

    def wording(self, j: int, o: int, lags: tuple[int, ...], others: Sequence[int] = ()) -> Wording:
        oname = self.onames[o]
        ounit = self.outcome_info[oname].unit if oname in self.outcome_info else ""
        funit = self.factor_info[self.fnames[j]].unit if self.fnames[j] in self.factor_info else ""
        return Wording(
            self.fnames[j],
            oname,
            lags[0] if lags else 0,
            self.kinds[j],
            ounit,
            funit,
            lags=lags,
            course=self.course[j],
            other_outcomes=tuple(self.onames[i] for i in others),
        )


def _findings(
    report: InsightsReport,
    pairs: list[_Pair],
    groups: list[list[int]],
    ctx: _Context,
    q_threshold: float,
) -> None:
    by_key = {(p.j, p.o): p for p in pairs}
    found: list[tuple[float, int, list[_Pair]]] = []
    for j in sorted({p.j for p in pairs}):
        for members in groups:
            tested = [
                by_key[j, o] for o in members if (j, o) in by_key and by_key[j, o].coef is not None
            ]
            untested = [
                by_key[j, o] for o in members if (j, o) in by_key and by_key[j, o].coef is None
            ]
            for pair in untested:
                w = ctx.wording(j, pair.o, (pair.lags[0],))
                report.not_enough_data.append(
                    Insight(
                        factor=w.factor,
                        outcome=w.outcome,
                        lag_days=pair.lags[0],
                        kind=ctx.kinds[j],
                        verdict="not_enough_data",
                        sentence=not_enough_sentence(
                            w, pair.reason, pair.more_with, pair.more_without
                        ),
                        n_days=pair.n,
                        n_with=pair.n_with,
                        n_without=pair.n - pair.n_with,
                        outcomes=(w.outcome,),
                        lags_considered=pair.lags,
                        more_days_with=pair.more_with,
                        more_days_without=pair.more_without,
                        reason=pair.reason,
                    )
                )
            if tested:
                tested.sort(key=lambda p: p.p)
                found.append((_simes([p.p for p in tested]), j, tested))
    q = bh_q_values(np.array([f[0] for f in found], dtype=np.float64))
    for (p_value, j, tested), qv in zip(found, q.tolist(), strict=True):
        main = tested[0]
        t = _timing(main)
        clear = qv <= q_threshold and (t.low > 0 or t.high < 0)
        better = (t.effect < 0) == ctx.lower_better[main.o]
        agree = (
            [
                p.o
                for p in tested[1:]
                if p.p <= AGREE_ALPHA
                and ((_timing(p).effect < 0) == ctx.lower_better[p.o]) == better
            ]
            if clear
            else []
        )
        verdict: Verdict = ("helps" if better else "aggravates") if clear else "no_clear_effect"
        w = ctx.wording(j, main.o, t.lags, agree if clear else ())
        more = None if clear else more_days_to_tell(main.n, t.se)
        report_list = getattr(report, verdict)
        report_list.append(
            Insight(
                factor=w.factor,
                outcome=w.outcome,
                lag_days=t.best,
                kind=ctx.kinds[j],
                verdict=verdict,
                sentence=verdict_sentence(w, verdict, t.effect, t.low, t.high, more),
                headline=effect_sentence(w, t.effect, t.low, t.high),
                n_days=main.n,
                n_with=main.n_with,
                n_without=main.n - main.n_with,
                outcomes=(w.outcome, *w.other_outcomes),
                lags_considered=main.lags,
                lags_reported=t.lags,
                timing=timing_text(t.lags, ctx.course[j]),
                effect=t.effect,
                se=t.se,
                ci95=(t.low, t.high),
                p_value=p_value,
                q_value=float(qv),
                more_days_to_tell=more,
            )
        )


def _worse_days(
    report: InsightsReport,
    leads: list[_Pair],
    groups: list[list[int]],
    ctx: _Context,
    q_threshold: float,
) -> None:
    """Findings of "the outcome was already worse the day before the factor"."""
    by_key = {(p.j, p.o): p for p in leads if p.coef is not None}
    found: list[tuple[float, int, _Pair, float, float]] = []
    for j in sorted({p.j for p in leads}):
        for members in groups:
            tested = [by_key[j, o] for o in members if (j, o) in by_key]
            if not tested:
                continue
            stats_ = []
            for p in tested:
                assert p.coef is not None and p.cov is not None
                se = float(np.sqrt(p.cov[0, 0]))
                stats_.append((float(2 * special.stdtr(p.df, -abs(p.coef[0] / se))), p, se))
            stats_.sort(key=lambda s: s[0])
            p_main, pair, se = stats_[0]
            found.append((_simes([s[0] for s in stats_]), j, pair, float(pair.coef[0]), se))  # type: ignore[index]
    q = bh_q_values(np.array([f[0] for f in found], dtype=np.float64))
    for (p_value, j, pair, effect, se), qv in zip(found, q.tolist(), strict=True):
        half = _t_quantile(0.975, pair.df) * se
        low, high = effect - half, effect + half
        worse = (effect > 0) == ctx.lower_better[pair.o]
        if not (qv <= q_threshold and (low > 0 or high < 0) and worse):
            continue
        w = ctx.wording(j, pair.o, (0,))
        text = worse_days_sentence(w, effect, low, high)
        report.used_on_worse_days.append(
            Insight(
                factor=w.factor,
                outcome=w.outcome,
                lag_days=-1,
                kind=ctx.kinds[j],
                verdict="no_clear_effect",
                sentence=text,
                headline=text,
                n_days=pair.n,
                n_with=pair.n_with,
                n_without=pair.n - pair.n_with,
                outcomes=(w.outcome,),
                lags_considered=pair.lags,
                timing="day before",
                effect=effect,
                se=se,
                ci95=(low, high),
                p_value=p_value,
                q_value=float(qv),
            )
        )


def _sort(report: InsightsReport) -> None:
    def strength(i: Insight) -> tuple[float, float]:
        assert i.q_value is not None and i.p_value is not None
        return (i.q_value, i.p_value)

    report.helps.sort(key=strength)
    report.aggravates.sort(key=strength)
    report.used_on_worse_days.sort(key=strength)
    report.no_clear_effect.sort(key=lambda i: i.p_value or 0.0)
    report.not_enough_data.sort(key=lambda i: (i.factor, i.outcome, i.lag_days))
