"""Insights: which factors went with better or worse days, with honest uncertainty.

For every factor x outcome x lag we regress outcome(t) on factor(t - lag), adjusted for day
of the week (6 dummies, Monday = baseline) and a slow linear trend, and report the factor's
coefficient: a difference of means for yes/no factors, a per-unit slope for numeric ones.
Intervals and p-values use Newey–West (HAC) standard errors, because diary days are
autocorrelated; conventions are listed in `spasmtrack.core.insights_stats`. q-values are
Benjamini–Hochberg over every test that was run. All of this is observational: results
are worded as patterns ("was followed by"), never as causes.

Inputs are plain values: series keyed by local calendar day. Computation is batched with
numpy over every (factor, outcome) pair that shares the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypedDict

import numpy as np

from spasmtrack.core.insights_change import (
    ItsResult,
    PairedEffect,
    interrupted_time_series,
    paired_effect,
)
from spasmtrack.core.insights_stats import (
    FloatArray,
    batched_factor_ols,
    bh_q_values,
    t_inference,
)
from spasmtrack.core.insights_text import (
    Kind,
    Verdict,
    Wording,
    not_enough_sentence,
    verdict_sentence,
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
    lag_days: int
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
    reason: str
    sentence: str


class InsightsReportDict(TypedDict):
    helps: list[InsightDict]
    aggravates: list[InsightDict]
    no_clear_effect: list[InsightDict]
    not_enough_data: list[InsightDict]


@dataclass(frozen=True)
class Insight:
    """One factor x outcome x lag result.

    `effect`: outcome difference (days with minus days without) for binary factors, change
    per unit for numeric ones. `n_days` counts the days in the regression; `n_with` the
    days whose factor value is non-zero, `n_without` those where it is zero. Statistics
    are None when `verdict` is "not_enough_data"; then `reason` is one of "few_days",
    "factor_constant", "outcome_constant", "tied_to_weekday" and `more_days_with` /
    `more_days_without` say roughly how many more days would allow the test.
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
    effect: float | None = None
    se: float | None = None
    ci95: tuple[float, float] | None = None
    p_value: float | None = None
    q_value: float | None = None
    more_days_with: int = 0
    more_days_without: int = 0
    reason: str = ""

    def to_dict(self) -> InsightDict:
        return {
            "factor": self.factor,
            "outcome": self.outcome,
            "lag_days": self.lag_days,
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
            "reason": self.reason,
            "sentence": self.sentence,
        }


@dataclass(frozen=True)
class InsightsReport:
    """Results grouped by verdict; helps/aggravates are sorted strongest evidence first."""

    helps: list[Insight] = field(default_factory=list)
    aggravates: list[Insight] = field(default_factory=list)
    no_clear_effect: list[Insight] = field(default_factory=list)
    not_enough_data: list[Insight] = field(default_factory=list)

    def all(self) -> list[Insight]:
        return [*self.helps, *self.aggravates, *self.no_clear_effect, *self.not_enough_data]

    def to_dict(self) -> InsightsReportDict:
        return {
            "helps": [i.to_dict() for i in self.helps],
            "aggravates": [i.to_dict() for i in self.aggravates],
            "no_clear_effect": [i.to_dict() for i in self.no_clear_effect],
            "not_enough_data": [i.to_dict() for i in self.not_enough_data],
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


# --- the analysis -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rules:
    min_days_binary: int
    min_days_numeric: int


@dataclass
class _Tests:
    """Accumulates tested pairs (meta, effect, se, df) and untested ones (meta + reason)."""

    meta: list[tuple[int, int, int, int, int, int]] = field(default_factory=list)
    effect: list[float] = field(default_factory=list)
    se: list[float] = field(default_factory=list)
    df: list[int] = field(default_factory=list)
    untested: list[tuple[int, int, int, int, int, int, str, int, int]] = field(default_factory=list)


def _group_rows(valid: np.ndarray) -> dict[bytes, list[int]]:
    """Row (variable) indices grouped by identical validity pattern: one batch each."""
    groups: dict[bytes, list[int]] = {}
    for j in range(valid.shape[0]):
        groups.setdefault(valid[j].tobytes(), []).append(j)
    return groups


def _shortfall(
    kinds: list[Kind], fidx: list[int], n: int, n_with: np.ndarray, x: FloatArray, rules: _Rules
) -> tuple[list[str], list[int], list[int]]:
    """Per factor in a batch: reason it cannot be tested ("" if it can) and days missing."""
    constant = np.ptp(x, axis=1) == 0 if n else np.ones(len(fidx), dtype=bool)
    reasons, more_with, more_without = [], [], []
    for pos, j in enumerate(fidx):
        nw, nwo = int(n_with[pos]), n - int(n_with[pos])
        if kinds[j] == "binary":
            mw = max(0, rules.min_days_binary - nw)
            mwo = max(0, rules.min_days_binary - nwo)
            reasons.append("few_days" if mw or mwo else "")
        else:
            mw, mwo = max(0, rules.min_days_numeric - n), 0
            reasons.append("few_days" if mw else ("factor_constant" if constant[pos] else ""))
        more_with.append(mw)
        more_without.append(mwo)
    return reasons, more_with, more_without


@dataclass(frozen=True)
class _Batch:
    """Factors and outcomes (as (variables, days) arrays) that share the same days."""

    lag: int
    fidx: list[int]
    oidx: list[int]
    x: FloatArray
    y: FloatArray
    adjust: FloatArray


def _run_batch(b: _Batch, kinds: list[Kind], rules: _Rules, out: _Tests) -> None:
    n = b.x.shape[1]
    n_with = np.count_nonzero(b.x, axis=1)
    reasons, more_with, more_without = _shortfall(kinds, b.fidx, n, n_with, b.x, rules)
    testable = [pos for pos, r in enumerate(reasons) if not r]
    y_constant = (np.ptp(b.y, axis=1) == 0).tolist() if n else [True] * len(b.oidx)
    fit = None
    if testable and n > b.adjust.shape[0] + 2:
        fit = batched_factor_ols(b.adjust, b.x[testable], b.y)
    row_of = {pos: t for t, pos in enumerate(testable)}
    effects = fit.effect.tolist() if fit is not None else []
    ses = fit.se.tolist() if fit is not None else []
    for pos, j in enumerate(b.fidx):
        nw = int(n_with[pos])
        for q, o in enumerate(b.oidx):
            key = (j, o, b.lag, n, nw, n - nw)
            reason = reasons[pos] or ("outcome_constant" if y_constant[q] else "")
            if not reason and fit is None:
                reason = "few_days"
            if not reason and fit is not None:
                eff, se = effects[row_of[pos]][q], ses[row_of[pos]][q]
                if eff != eff:  # NaN
                    reason = "tied_to_weekday"
                elif not se > 0:
                    reason = "outcome_constant"
                else:
                    out.meta.append(key)
                    out.effect.append(eff)
                    out.se.append(se)
                    out.df.append(fit.n - fit.k)
                    continue
            out.untested.append((*key, reason, more_with[pos], more_without[pos]))


def _batches(
    x_all: FloatArray, y_all: FloatArray, adjust: FloatArray, lags: Sequence[int]
) -> list[_Batch]:
    """Split every factor x outcome x lag test into batches that share their days.

    For lag L, outcome day t pairs with factor day t - L. A batch is all factors with the
    same missing days crossed with all outcomes with the same missing days.
    """
    n_days = x_all.shape[1]
    out = []
    for lag in dict.fromkeys(lags):
        x_lag, y_lag, adjust_lag = x_all[:, : n_days - lag], y_all[:, lag:], adjust[:, lag:]
        f_valid, o_valid = ~np.isnan(x_lag), ~np.isnan(y_lag)
        o_groups = list(_group_rows(o_valid).values())
        for fidx in _group_rows(f_valid).values():
            x_group = x_lag[fidx]
            for oidx in o_groups:
                rows = f_valid[fidx[0]] & o_valid[oidx[0]]
                out.append(
                    _Batch(
                        lag,
                        fidx,
                        oidx,
                        np.compress(rows, x_group, axis=1),
                        np.compress(rows, y_lag[oidx], axis=1),
                        np.compress(rows, adjust_lag, axis=1),
                    )
                )
    return out


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
    q_threshold: float = 0.1,
) -> InsightsReport:
    """Test every factor x outcome x lag and sort the results into verdicts.

    Series are keyed by local day; days outside [first_day, last_day] are ignored.
    Outcome days that are missing (or NaN) are dropped for that outcome. Binary factors
    (values 0/1, or `Factor.kind == "binary"`) count a missing day in range as 0; numeric
    factors drop days without a value. An outcome's direction comes from `outcome_info`
    or, failing that, from `pain_type` (names where lower is better; other outcomes are
    higher-is-better); ValueError if neither describes it.

    A binary factor needs `min_days_binary` usable days with it and as many without; a
    numeric one `min_days_numeric` usable days with a value, not all equal. A test is
    "helps" or "aggravates" when its 95 % interval excludes 0 and its q-value is at most
    `q_threshold`, in the direction that is better or worse for that outcome.
    """
    n_days = (last_day - first_day).days + 1
    if n_days < 1:
        raise ValueError("last_day is before first_day")
    if any(lag < 0 for lag in lags):
        raise ValueError("lags cannot be negative")
    outcome_info = outcome_info or {}
    factor_info = factor_info or {}
    onames, fnames = list(outcomes), list(factors)
    lower_better = _lower_is_better(onames, pain_type, outcome_info)

    # (variables, days) layout throughout, see insights_stats.
    y_all = np.array([series_grid(outcomes[o], first_day, n_days) for o in onames]).reshape(
        len(onames), n_days
    )
    x_all = np.array([series_grid(factors[f], first_day, n_days) for f in fnames]).reshape(
        len(fnames), n_days
    )
    kinds: list[Kind] = []
    for j, name in enumerate(fnames):
        info = factor_info.get(name)
        kind = info.kind if info and info.kind else None
        kinds.append(kind or ("binary" if is_binary(x_all[j]) else "numeric"))
        if kinds[-1] == "binary":
            # Missing in range means "no"; any non-zero value means "yes".
            x_all[j] = (np.nan_to_num(x_all[j], nan=0.0) != 0).astype(np.float64)
    adjust = np.ascontiguousarray(adjustment_columns(first_day, n_days).T)

    rules = _Rules(min_days_binary, min_days_numeric)
    tests = _Tests()
    for batch in _batches(x_all, y_all, adjust, lags):
        _run_batch(batch, kinds, rules, tests)

    def wording(j: int, o: int, lag: int) -> Wording:
        ounit = outcome_info[onames[o]].unit if onames[o] in outcome_info else ""
        funit = factor_info[fnames[j]].unit if fnames[j] in factor_info else ""
        return Wording(fnames[j], onames[o], lag, kinds[j], ounit, funit)

    return _report(tests, lower_better, q_threshold, wording, kinds)


def _report(
    tests: _Tests,
    lower_better: list[bool],
    q_threshold: float,
    wording: Callable[[int, int, int], Wording],
    kinds: list[Kind],
) -> InsightsReport:
    """Adds p, q and intervals to the tested pairs and sorts everything into verdicts."""
    effect = np.asarray(tests.effect, dtype=np.float64)
    se = np.asarray(tests.se, dtype=np.float64)
    p, low, high = t_inference(effect, se, np.asarray(tests.df, dtype=np.float64))
    q = bh_q_values(p)
    report = InsightsReport()
    for i, (j, o, lag, n, nw, nwo) in enumerate(tests.meta):
        clear = q[i] <= q_threshold and (low[i] > 0 or high[i] < 0)
        better = (effect[i] < 0) == lower_better[o]
        verdict: Verdict = ("helps" if better else "aggravates") if clear else "no_clear_effect"
        w = wording(j, o, lag)
        item = Insight(
            factor=w.factor,
            outcome=w.outcome,
            lag_days=lag,
            kind=kinds[j],
            verdict=verdict,
            sentence=verdict_sentence(w, verdict, effect[i], low[i], high[i]),
            n_days=n,
            n_with=nw,
            n_without=nwo,
            effect=float(effect[i]),
            se=float(se[i]),
            ci95=(float(low[i]), float(high[i])),
            p_value=float(p[i]),
            q_value=float(q[i]),
        )
        getattr(report, verdict).append(item)
    for j, o, lag, n, nw, nwo, reason, mw, mwo in tests.untested:
        w = wording(j, o, lag)
        report.not_enough_data.append(
            Insight(
                factor=w.factor,
                outcome=w.outcome,
                lag_days=lag,
                kind=kinds[j],
                verdict="not_enough_data",
                sentence=not_enough_sentence(w, reason, mw, mwo),
                n_days=n,
                n_with=nw,
                n_without=nwo,
                more_days_with=mw,
                more_days_without=mwo,
                reason=reason,
            )
        )
    _sort(report)
    return report


def _sort(report: InsightsReport) -> None:
    def strength(i: Insight) -> tuple[float, float]:
        assert i.q_value is not None and i.effect is not None and i.se is not None
        return (i.q_value, -abs(i.effect / i.se))

    report.helps.sort(key=strength)
    report.aggravates.sort(key=strength)
    report.no_clear_effect.sort(key=lambda i: i.p_value or 0.0)
    report.not_enough_data.sort(key=lambda i: (i.factor, i.outcome, i.lag_days))
