"""Insights core: regression results against statsmodels, data rules, verdicts, wording."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from scipy import stats
from statsmodels.regression.linear_model import GLSAR, OLS
from statsmodels.stats.multitest import multipletests

from spasmtrack.core.insights import (
    Factor,
    Insight,
    Outcome,
    adjustment_columns,
    analyse,
    interrupted_time_series,
    paired_effect,
    series_grid,
)
from spasmtrack.core.insights import sim as sim
from spasmtrack.core.insights.change import its_design
from spasmtrack.core.insights.gls import ITERATIONS, RHO_BAND, RHO_STEP

FIRST = date(2024, 3, 4)  # a Monday
N = 120
LAST = FIRST + timedelta(days=N - 1)
DAYS = [FIRST + timedelta(days=i) for i in range(N)]

Series = dict[date, float]


def diary(seed: int = 3) -> tuple[dict[str, Series], dict[str, Series]]:
    """Two outcomes (one with gaps), a yes/no factor stored as 'days it happened' and a
    numeric factor with gaps."""
    rng = np.random.default_rng(seed)
    heat = rng.random(N) < 0.4
    hours = rng.gamma(2.0, 1.5, N)
    pain = 5 - 1.2 * heat + rng.normal(0, 1, N)
    count = 4 + 0.4 * np.r_[0.0, hours[:-1]] + rng.normal(0, 1, N)
    outcomes = {
        "pain": dict(zip(DAYS, pain.tolist(), strict=True)),
        "spasm count": {
            d: v for d, v, m in zip(DAYS, count, rng.random(N), strict=True) if m > 0.2
        },
    }
    factors = {
        "heat pad": {d: 1.0 for d, h in zip(DAYS, heat, strict=True) if h},
        "hours sitting": {
            d: v for d, v, m in zip(DAYS, hours, rng.random(N), strict=True) if m > 0.1
        },
    }
    return outcomes, factors


def glsar_reference(
    y: np.ndarray,
    design: np.ndarray,
    days: np.ndarray | None = None,
    iterations: int = ITERATIONS,
    tested: int = 0,
) -> object:
    """The engine's documented procedure built from statsmodels pieces: whitened OLS over
    consecutive-day pairs (GLSAR when there is no gap), rho by Yule–Walker on the
    unwhitened residuals (lag-1 products over consecutive pairs only) plus Kendall's
    (1 + 3 rho) / n, `iterations` times; with `tested` (the last columns, tested jointly),
    the least favourable of rho -/+ RHO_BAND sqrt((1 - rho^2) / pairs) and rho."""
    n = len(y)
    pairs = np.ones(n - 1, dtype=bool) if days is None else np.diff(days) == 1

    def fit(rho: float) -> object:
        if pairs.all():
            return GLSAR(y, design, rho=[rho]).fit()
        yw = (y[1:] - rho * y[:-1])[pairs]
        xw = (design[1:] - rho * design[:-1])[pairs]
        return OLS(yw, xw).fit()

    rho = 0.0
    for _ in range(iterations):
        res = fit(rho)
        e = y - design @ res.params
        e = e - e.mean()
        r1 = np.sum((e[1:] * e[:-1])[pairs]) / pairs.sum()
        rho = float(r1 / (np.sum(e**2) / n))
        rho = float(np.clip(rho + (1 + 3 * rho) / n, -0.99, 0.99))
    if not tested:
        return fit(rho)
    r = np.zeros((tested, design.shape[1]))
    r[:, -tested:] = np.eye(tested)
    delta = RHO_BAND * np.sqrt((1 - rho**2) / pairs.sum())
    values = [float(np.clip(v, -0.99, 0.99)) for v in (rho, rho - delta, rho + delta)]
    fits = [(fit(v), v) for v in values]
    chosen, rho = max(fits, key=lambda f: float(f[0].f_test(r).pvalue))
    # Satterthwaite degrees of freedom that allow for rho being estimated: how the Wald
    # form of the estimate moves with rho (insights_gls.allow_for_rho).
    coef = chosen.params[-tested:]
    ends = [float(np.clip(rho + d, -0.99, 0.99)) for d in (-RHO_STEP, RHO_STEP)]
    forms = [coef @ np.linalg.solve(fit(v).cov_params()[-tested:, -tested:], coef) for v in ends]
    g = (np.log(forms[1]) - np.log(forms[0])) / (ends[1] - ends[0])
    df = 2 / (2 / chosen.df_resid + g**2 * (1 - rho**2) / pairs.sum())
    chosen.df_allowing_rho = float(np.clip(df, 1.0, chosen.df_resid))
    return chosen


def reference(
    item: Insight, outcomes: dict[str, Series], factors: dict[str, Series], lags=(0, 1, 2)
) -> tuple[object, int]:
    """The same regression in statsmodels: outcome(t) on factor(t - 0..2), weekday, trend.
    Returns the fit and the index of the first factor column."""
    grid = series_grid(factors[item.factor], FIRST, N)
    if item.kind == "binary":
        grid = np.nan_to_num(grid)
    y = series_grid(outcomes[item.outcome], FIRST, N)
    m = max(lags)
    xs = np.column_stack([grid[m - lag : N - lag] for lag in lags])
    y = y[m:]
    rows = ~np.isnan(xs).any(axis=1) & ~np.isnan(y)
    adj = adjustment_columns(FIRST, N)[m:][rows]
    adj = adj[:, np.any(adj != 0, axis=0)]
    design = np.column_stack([adj, xs[rows]])
    return glsar_reference(y[rows], design, np.flatnonzero(rows), tested=len(lags)), adj.shape[1]


def find(report_items: list[Insight], factor: str, outcome: str, lag: int | None = None) -> Insight:
    return next(
        i
        for i in report_items
        if (i.factor, i.outcome) == (factor, outcome) and (lag is None or i.lag_days == lag)
    )


@pytest.mark.parametrize("factor", ["heat pad", "hours sitting"])
@pytest.mark.parametrize("outcome", ["pain", "spasm count"])
def test_it_matches_statsmodels_glsar_with_ar1_errors(factor: str, outcome: str) -> None:
    outcomes, factors = diary()
    report = analyse(outcomes, factors, FIRST, LAST, pain_type={"pain", "spasm count"})
    item = find(report.all(), factor, outcome)
    ref, c = reference(item, outcomes, factors)
    assert item.lags_considered == (0, 1, 2)
    r = np.zeros((3, len(ref.params)))
    r[:, c:] = np.eye(3)
    df = ref.df_allowing_rho
    p_value = stats.f.sf(float(np.squeeze(ref.f_test(r).fvalue)), 3, df)
    assert item.p_value == pytest.approx(p_value, abs=1e-6)
    w = np.zeros(len(ref.params))
    w[[c + lag for lag in item.lags_reported]] = 1.0
    test = ref.t_test(w)
    assert item.effect == pytest.approx(float(test.effect[0]), abs=1e-6)
    assert item.se == pytest.approx(float(test.sd[0, 0]), abs=1e-6)
    half = stats.t.ppf(0.975, df) * float(test.sd[0, 0])
    assert item.ci95 == pytest.approx((item.effect - half, item.effect + half), abs=1e-6)
    assert item.n_days >= ref.nobs + 1  # whitening drops each row after a gap


def test_it_counts_a_yes_no_factor_as_no_only_on_complete_days() -> None:
    outcomes, factors = diary()
    report = analyse(outcomes, factors, FIRST, LAST, pain_type={"pain", "spasm count"})
    item = find(report.all(), "heat pad", "pain")
    assert item.kind == "binary"
    assert item.n_days == N - 2
    assert item.n_with == len([d for d in factors["heat pad"] if d >= DAYS[2]])
    complete = DAYS[: N // 2]
    half = analyse(
        outcomes, factors, FIRST, LAST, pain_type={"pain", "spasm count"}, complete_days=complete
    )
    item = find(half.all(), "heat pad", "pain")
    # Not logged and not complete = missing: only the first half's "no" days count.
    heat_days = set(factors["heat pad"])
    usable = [
        d
        for d in DAYS[2:]
        if all(
            (d - timedelta(days=lag)) in heat_days or (d - timedelta(days=lag)) in set(complete)
            for lag in range(3)
        )
    ]
    assert item.n_days == len(usable)


def test_it_reads_an_explicit_no_as_no_on_any_day() -> None:
    outcomes, factors = diary()
    explicit = {d: (1.0 if d in factors["heat pad"] else 0.0) for d in DAYS}
    a = analyse(
        outcomes,
        {"heat pad": explicit},
        FIRST,
        LAST,
        pain_type={"pain", "spasm count"},
        complete_days=(),
    )
    b = analyse(
        outcomes, {"heat pad": factors["heat pad"]}, FIRST, LAST, pain_type={"pain", "spasm count"}
    )
    assert find(a.all(), "heat pad", "pain").effect == pytest.approx(
        find(b.all(), "heat pad", "pain").effect
    )
    c = analyse(
        outcomes,
        {"heat pad": factors["heat pad"]},
        FIRST,
        LAST,
        pain_type={"pain"},
        complete_days=(),
    )
    assert {i.reason for i in c.not_enough_data} == {"few_days"}


def test_it_drops_missing_outcome_days_and_missing_numeric_factor_days() -> None:
    outcomes, factors = diary()
    report = analyse(outcomes, factors, FIRST, LAST, pain_type={"pain", "spasm count"})
    item = find(report.all(), "hours sitting", "spasm count")
    hours = set(factors["hours sitting"])
    usable = [
        d
        for d in set(outcomes["spasm count"])
        if all(d - timedelta(days=lag) in hours for lag in range(3))
    ]
    assert item.kind == "numeric"
    assert item.n_days == len(usable)


def test_it_says_how_many_more_days_with_and_without_a_factor_are_needed() -> None:
    outcomes, _ = diary()
    factors = {"ice pack": {DAYS[i]: 1.0 for i in (3, 20, 40, 77)}}
    report = analyse(outcomes, factors, FIRST, LAST, pain_type={"pain", "spasm count"}, lags=(0,))
    item = find(report.not_enough_data, "ice pack", "pain", 0)
    assert (item.n_with, item.more_days_with, item.more_days_without) == (4, 6, 0)
    assert item.effect is None and item.q_value is None
    assert "about 6 more days with ice pack" in item.sentence


def test_it_needs_twenty_days_with_a_value_for_a_numeric_factor() -> None:
    outcomes, _ = diary()
    factors = {"ibuprofen mg": {DAYS[i]: 200.0 * (i // 3 % 3) for i in range(0, 36, 3)}}
    report = analyse(outcomes, factors, FIRST, LAST, pain_type={"pain", "spasm count"}, lags=(0,))
    item = find(report.not_enough_data, "ibuprofen mg", "pain", 0)
    assert (item.kind, item.n_days, item.more_days_with, item.reason) == (
        "numeric",
        12,
        8,
        "few_days",
    )


def test_it_does_not_test_a_factor_that_only_follows_the_weekdays() -> None:
    outcomes, _ = diary()
    workdays = {d: 1.0 for d in DAYS if d.weekday() < 3}
    report = analyse(outcomes, {"office day": workdays}, FIRST, LAST, pain_type={"pain"}, lags=(0,))
    assert {i.reason for i in report.not_enough_data} == {"tied_to_weekday"}


def test_it_does_not_test_an_outcome_that_never_changes() -> None:
    _, factors = diary()
    flat = {"pain": dict.fromkeys(DAYS, 3.0)}
    report = analyse(flat, factors, FIRST, LAST, pain_type={"pain"}, lags=(0,))
    assert {i.reason for i in report.not_enough_data} == {"outcome_constant"}


@pytest.mark.parametrize("missing_weekday", [0, 5])  # Monday (the baseline), Saturday
def test_it_handles_a_weekday_that_was_never_logged(missing_weekday: int) -> None:
    outcomes, factors = diary()
    outcomes = {
        "pain": {d: v for d, v in outcomes["pain"].items() if d.weekday() != missing_weekday}
    }
    report = analyse(outcomes, factors, FIRST, LAST, pain_type={"pain"}, lags=(0,))
    item = find(report.all(), "heat pad", "pain", 0)
    rows = ~np.isnan(series_grid(outcomes["pain"], FIRST, N))
    x = np.nan_to_num(series_grid(factors["heat pad"], FIRST, N))[rows]
    adj = adjustment_columns(FIRST, N)[rows]
    y = series_grid(outcomes["pain"], FIRST, N)[rows]
    if missing_weekday != 0:
        # Saturday's column is all zero, and Sunday never follows a logged day, so the
        # whitened regression has no Sunday row: both columns are left out.
        design = np.column_stack([adj[:, :6], x])
    else:
        # Without Mondays the intercept equals the sum of the dummies: a dummy is dropped.
        design = np.column_stack([adj[:, :-1], x])
    ref = glsar_reference(y, design, np.flatnonzero(rows), tested=1)
    assert item.effect == pytest.approx(ref.params[-1], abs=1e-6)
    assert item.se == pytest.approx(ref.bse[-1], abs=1e-6)


def test_its_q_values_are_benjamini_hochberg_over_the_findings_people_see() -> None:
    outcomes, factors = diary()
    outcomes["pain (evening)"] = {d: v + 0.3 for d, v in outcomes["pain"].items()}
    report = analyse(
        outcomes,
        factors,
        FIRST,
        LAST,
        pain_type={"pain", "spasm count", "pain (evening)"},
        outcome_groups=[("pain", "pain (evening)")],
    )
    tested = [i for i in report.all() if i.p_value is not None]
    # One finding per factor and outcome group: 2 factors x (pain group, spasm count).
    assert len(tested) == 4
    expected = multipletests([i.p_value for i in tested], method="fdr_bh")[1]
    assert [i.q_value for i in tested] == pytest.approx(list(expected), abs=1e-12)
    (heat,) = [i for i in report.helps if i.factor == "heat pad"]
    # The two outcomes differ by a constant: equal evidence, either can be the main one.
    assert set(heat.outcomes) == {"pain", "pain (evening)"}


@pytest.mark.parametrize(
    ("lower_is_better", "shift", "verdict"),
    [
        (True, -1.5, "helps"),
        (True, 1.5, "aggravates"),
        (False, 1.5, "helps"),
        (False, -1.5, "aggravates"),
    ],
)
def test_it_classifies_by_the_outcome_direction(
    lower_is_better: bool, shift: float, verdict: str
) -> None:
    rng = np.random.default_rng(11)
    heat = rng.random(N) < 0.5
    score = 5 + shift * heat + rng.normal(0, 1, N)
    outcomes = {"score": dict(zip(DAYS, score.tolist(), strict=True))}
    factors = {"heat pad": {d: 1.0 for d, h in zip(DAYS, heat, strict=True) if h}}
    report = analyse(
        outcomes,
        factors,
        FIRST,
        LAST,
        outcome_info={"score": Outcome("score", lower_is_better=lower_is_better)},
        lags=(0,),
    )
    assert [i.verdict for i in report.all()] == [verdict]


def test_it_finds_no_clear_effect_when_the_interval_includes_zero() -> None:
    rng = np.random.default_rng(5)
    outcomes = {"pain": dict(zip(DAYS, rng.normal(5, 1, N).tolist(), strict=True))}
    factors = {"magnesium": {d: 1.0 for d in DAYS[::2]}}
    report = analyse(outcomes, factors, FIRST, LAST, pain_type={"pain"}, lags=(0,))
    (item,) = report.no_clear_effect
    assert item.ci95 is not None and item.ci95[0] < 0 < item.ci95[1]
    assert "Unclear" in item.sentence or "No clear effect" in item.sentence


def test_it_needs_to_know_which_way_is_better() -> None:
    outcomes, factors = diary()
    with pytest.raises(ValueError, match="direction"):
        analyse(outcomes, factors, FIRST, LAST)


def test_its_dict_keeps_the_four_lists_and_the_documented_item_keys() -> None:
    outcomes, factors = diary()
    factors["ice pack"] = {DAYS[3]: 1.0}
    d = analyse(outcomes, factors, FIRST, LAST, pain_type={"pain", "spasm count"}).to_dict()
    assert list(d) == [
        "helps",
        "aggravates",
        "no_clear_effect",
        "not_enough_data",
        "used_on_worse_days",
    ]
    items = [i for key in d for i in d[key]]  # type: ignore[literal-required]
    assert len(items) == 3 * 2
    required = {"factor", "outcome", "lag_days", "effect", "ci95", "p_value", "q_value"}
    required |= {"n_with", "n_without", "kind", "sentence", "outcomes", "lags_considered"}
    assert all(required <= set(i) for i in items)
    assert all(i["kind"] in ("binary", "numeric") for i in items)
    tested = [i for i in items if i["effect"] is not None]
    assert all(len(i["ci95"]) == 2 for i in tested)
    assert all(i["lags_considered"] == [0, 1, 2] for i in tested)


def test_its_sentences_say_likely_helps_or_worsens_without_claiming_a_cause() -> None:
    outcomes, factors = diary()
    report = analyse(
        outcomes,
        factors,
        FIRST,
        LAST,
        pain_type={"pain", "spasm count"},
        outcome_info={"pain": Outcome("pain", unit="points")},
        factor_info={"hours sitting": Factor("hours sitting", unit="hour")},
    )
    for item in report.all():
        text = item.sentence.lower()
        for claim in ("because", "caused by", "reduces", "increases", "leads to", "triggers"):
            assert claim not in text
    helps = find(report.helps, "heat pad", "pain", 0)
    assert helps.sentence.startswith("Heat pad likely helps: On days with heat pad, pain was 1.")
    assert "points lower than on days without (likely range" in helps.sentence
    assert "try testing it in an experiment" in helps.sentence
    sitting = find(report.all(), "hours sitting", "spasm count")
    assert sitting.verdict == "aggravates" and sitting.lags_reported == (1,)
    assert "likely worsens spasm count: Each extra hour of sitting was followed the next day" in (
        sitting.sentence
    )
    unclear = [i for i in report.no_clear_effect if i.more_days_to_tell]
    assert all(f"about {i.more_days_to_tell} more days would tell" in i.sentence for i in unclear)


def test_paired_effect_is_the_paired_t_interval() -> None:
    pairs = [(6.0, 4.0), (7.0, 6.5), (5.0, 3.0), (8.0, 6.0), (6.0, 5.5), (4.0, 4.0)]
    result = paired_effect(pairs)
    after, before = [a for _, a in pairs], [b for b, _ in pairs]
    ref = stats.ttest_rel(after, before)
    diff = np.subtract(after, before)
    half = stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))
    assert result.mean_difference == pytest.approx(diff.mean())
    assert result.ci95 == pytest.approx((diff.mean() - half, diff.mean() + half))
    assert result.p_value == pytest.approx(ref.pvalue)
    assert result.n == 6


def test_paired_effect_needs_two_pairs_and_copes_with_identical_differences() -> None:
    with pytest.raises(ValueError):
        paired_effect([(5.0, 4.0)])
    same = paired_effect([(5.0, 4.0), (6.0, 5.0), (3.0, 2.0)])
    # No t interval exists; the p-value is the exact sign test's (scipy.stats.binomtest).
    assert (same.mean_difference, same.ci95, same.sd_difference) == (-1.0, (-1.0, -1.0), 0.0)
    assert same.p_value == pytest.approx(stats.binomtest(0, 3, 0.5).pvalue)
    assert paired_effect([(5.0, 4.0), (6.0, 5.0)]).p_value == pytest.approx(0.5)
    assert paired_effect([(5.0, 5.0), (6.0, 6.0)]).p_value == 1.0


def test_interrupted_time_series_matches_statsmodels_and_finds_a_planted_shift() -> None:
    rng = np.random.default_rng(8)
    change = FIRST + timedelta(days=60)
    noise = np.zeros(N)
    for t in range(1, N):
        noise[t] = 0.4 * noise[t - 1] + rng.normal(0, 0.5)
    after = np.array([d >= change for d in DAYS])
    pain = 6 + 0.01 * np.arange(N) - 2.0 * after + noise
    series = {d: v for d, v, m in zip(DAYS, pain, rng.random(N), strict=True) if m > 0.1}
    result = interrupted_time_series(series, change)
    days = sorted(series)
    ref = glsar_reference(
        np.array([series[d] for d in days]),
        its_design(days, change),
        np.array([d.toordinal() for d in days]),
    )
    assert result.level_change == pytest.approx(ref.params[2], abs=1e-6)
    assert result.se == pytest.approx(ref.bse[2], abs=1e-6)
    assert result.ci95 == pytest.approx(tuple(ref.conf_int()[2]), abs=1e-6)
    assert result.slope_before == pytest.approx(ref.params[1], abs=1e-6)
    assert result.slope_after == pytest.approx(ref.params[1] + ref.params[3], abs=1e-6)
    assert result.ci95[0] < -2.0 < result.ci95[1] < 0
    assert result.n_before + result.n_after == len(days)


def test_interrupted_time_series_needs_days_on_both_sides() -> None:
    series = {d: 1.0 for d in DAYS[:30]}
    with pytest.raises(ValueError):
        interrupted_time_series(series, DAYS[27])


def test_it_copes_with_a_diary_shorter_than_the_longest_lag() -> None:
    report = analyse(
        {"pain": {FIRST: 3.0}}, {"heat pad": {FIRST: 1.0}}, FIRST, FIRST, pain_type={"pain"}
    )
    assert [(i.n_days, i.more_days_with, i.reason) for i in report.not_enough_data] == [
        (0, 10, "few_days")
    ]


def test_its_within_session_change_is_corrected_for_regression_to_the_mean() -> None:
    from spasmtrack.core.insights.change import rtm_corrected

    rng = np.random.default_rng(12)
    typical = 4.0
    before = typical + rng.gamma(2.0, 1.0, 60)  # treated when pain is above usual
    for planted in (0.0, -2.0):
        after = typical + 0.5 * (before - typical) + planted + rng.normal(0, 0.7, 60)
        pairs = list(zip(before.tolist(), after.tolist(), strict=True))
        naive = paired_effect(pairs)
        corrected = rtm_corrected(pairs, typical)
        assert corrected is not None
        change, (low, high) = corrected
        assert naive.ci95[1] < planted  # the naive change looks better than the truth
        assert low < planted < high
    assert rtm_corrected([(6.0, 3.0), (6.0, 4.0), (6.0, 2.0)], typical) is None


@pytest.mark.parametrize("n", [3, 4, 12, 60])
def test_its_regression_to_the_mean_correction_matches_statsmodels_ols(n: int) -> None:
    from statsmodels.regression.linear_model import OLS

    from spasmtrack.core.insights.change import rtm_corrected

    rng = np.random.default_rng(n)
    before = rng.integers(3, 11, n).astype(float)
    before[0], before[1] = 3.0, 9.0  # never all equal
    after = np.clip(before - rng.integers(0, 4, n), 0, 10)
    for typical in (2.5, 5.0, 8.0):
        pairs = list(zip(before.tolist(), after.tolist(), strict=True))
        change, (low, high) = rtm_corrected(pairs, typical) or (0.0, (0.0, 0.0))
        design = np.column_stack([np.ones(n), before])
        pred = OLS(after, design).fit().get_prediction(np.array([[1.0, typical]]))
        want_low, want_high = pred.conf_int(alpha=0.05)[0]
        assert change == pytest.approx(float(pred.predicted_mean[0]) - typical, abs=1e-9)
        assert low == pytest.approx(want_low - typical, abs=1e-9)
        assert high == pytest.approx(want_high - typical, abs=1e-9)


def test_it_adjusts_a_same_day_comparison_for_the_state_before_like_statsmodels() -> None:
    outcomes, factors = diary()
    rng = np.random.default_rng(8)
    # The morning's pain on most days (the state before the heat pad's time).
    before = {d: v - 0.5 + rng.normal(0, 0.5) for d, v in outcomes["pain"].items()}
    before = {
        d: v for d, v, m in zip(before, before.values(), rng.random(N), strict=True) if m > 0.1
    }
    state = {"heat pad": {"pain": before}}
    kw = {"pain_type": {"pain", "spasm count"}}
    plain = find(analyse(outcomes, factors, FIRST, LAST, **kw).all(), "heat pad", "pain")
    item = find(
        analyse(outcomes, factors, FIRST, LAST, state_before=state, **kw).all(), "heat pad", "pain"
    )
    assert item.effect != pytest.approx(plain.effect, abs=1e-3)  # the covariate is used
    # Reference: the same GLSAR with the state before on days t, t-1, t-2 as covariates.
    heat = np.nan_to_num(series_grid(factors["heat pad"], FIRST, N))
    s = series_grid(before, FIRST, N)
    y = series_grid(outcomes["pain"], FIRST, N)[2:]
    xs = np.column_stack([heat[2 - lag : N - lag] for lag in (0, 1, 2)])
    ss = np.column_stack([s[2 - lag : N - lag] for lag in (0, 1, 2)])
    rows = ~np.isnan(ss).any(axis=1) & ~np.isnan(y)
    design = np.column_stack([adjustment_columns(FIRST, N)[2:][rows], ss[rows], xs[rows]])
    ref = glsar_reference(y[rows], design, np.flatnonzero(rows), tested=3)
    c = design.shape[1] - 3
    r = np.zeros((3, design.shape[1]))
    r[:, c:] = np.eye(3)
    f_value = float(np.squeeze(ref.f_test(r).fvalue))
    assert item.p_value == pytest.approx(stats.f.sf(f_value, 3, ref.df_allowing_rho), abs=1e-6)
    w = np.zeros(design.shape[1])
    w[[c + lag for lag in item.lags_reported]] = 1.0
    assert item.effect == pytest.approx(float(ref.t_test(w).effect[0]), abs=1e-6)
    assert item.se == pytest.approx(float(ref.t_test(w).sd[0, 0]), abs=1e-6)
    # Other pairs are untouched.
    assert find(
        analyse(outcomes, factors, FIRST, LAST, state_before=state, **kw).all(),
        "hours sitting",
        "pain",
    ).p_value == pytest.approx(
        find(analyse(outcomes, factors, FIRST, LAST, **kw).all(), "hours sitting", "pain").p_value
    )


def test_it_does_not_read_a_treatment_used_because_the_morning_was_bad_as_worsening() -> None:
    """Simulation: no effect, the treatment taken far more often after a bad morning."""
    unadjusted = sim.morning_indication(150, seed=41, adjust=False)
    adjusted = sim.morning_indication(150, seed=41, adjust=True)
    assert unadjusted.value >= 0.5  # the confounding is real without the state before
    assert adjusted.value <= 0.12  # nominal 5 %; 150 diaries, SE about 2 points
    rng = np.random.default_rng(42)
    found = [
        any(i.factor == "f" for i in sim.morning_indication_diary(rng, effect=-1.0).analyse().helps)
        for _ in range(40)
    ]
    assert np.mean(found) >= 0.8  # and a real afternoon effect is still found
