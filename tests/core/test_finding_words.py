"""Plain words for findings and the 'about N more days' estimate, against known truth."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import statsmodels.api as sm
from statsmodels.stats.power import NormalIndPower

from spasmtrack.core.finding_words import more_days_needed, per_step, range_text, words_for
from spasmtrack.core.nof1 import make_schedule, plan_to_power, power_warning


def test_it_matches_the_textbook_sample_size() -> None:
    # A two-sample comparison with n per group has se = sd * sqrt(2 / n); the number of days
    # statsmodels' power solver needs for d = effect / sd is the reference.
    sd, effect, n_per_group = 2.0, 0.5, 20
    se = sd * np.sqrt(2 / n_per_group)
    need = NormalIndPower().solve_power(effect_size=effect / sd, alpha=0.05, power=0.8)
    more = more_days_needed(effect, se, 2 * n_per_group)
    assert more == pytest.approx(2 * need - 2 * n_per_group, abs=1)


def test_it_gives_the_days_at_which_a_simulated_effect_is_found_four_times_in_five() -> None:
    # Planted effect, independent days: after n + more days, about 80 % of diaries show it.
    rng = np.random.default_rng(3)
    effect, n = 0.6, 60
    x = np.tile([0.0, 1.0], n // 2)
    se = sm.OLS(rng.normal(size=n) + effect * x, sm.add_constant(x)).fit().bse[1]
    more = more_days_needed(effect, se, n)
    assert more is not None
    total = n + more
    xs = np.tile([0.0, 1.0], total // 2)
    hits = 0
    for _ in range(400):
        fit = sm.OLS(rng.normal(size=len(xs)) + effect * xs, sm.add_constant(xs)).fit()
        hits += fit.pvalues[1] < 0.05
    assert 0.7 <= hits / 400 <= 0.9


def test_it_gives_no_promise_for_a_zero_or_tiny_effect() -> None:
    assert more_days_needed(0.0, 1.0, 50) is None
    assert more_days_needed(0.01, 1.0, 50) is None  # far beyond two years


@pytest.mark.parametrize(
    ("factor", "unit", "expected"),
    [
        ("hours sitting", "hour", "each extra hour sitting"),
        ("caffeine (mg)", "mg", "each extra mg of caffeine (mg)"),
        ("stress", "", "each 1-point rise in stress"),
    ],
)
def test_it_never_says_hour_of_hours(factor: str, unit: str, expected: str) -> None:
    assert per_step(factor, unit) == expected


def test_it_words_the_three_verdicts() -> None:
    common = dict(factor="heat", outcome="max spasm intensity", kind="binary", lag_days=0)
    helps = words_for(verdict="helps", effect=-1.4, low=-1.9, high=-0.9, se=0.25, n_days=90,
                      outcome_unit="points", **common)  # fmt: skip
    assert helps.label == "Likely helps"
    assert helps.sentence == (
        "On days with heat, max spasm intensity was 1.4 points lower "
        "(range 0.9 to 1.9 points lower)."
    )
    worse = words_for(verdict="aggravates", effect=1.0, low=0.4, high=1.6, se=0.3, n_days=90,
                      outcome_unit="points", **common)  # fmt: skip
    assert worse.label == "Likely worsens" and "range 0.4 to 1.6 points higher" in worse.sentence
    unclear = words_for(verdict="no_clear_effect", effect=0.3, low=-0.2, high=0.8, se=0.25,
                        n_days=90, outcome_unit="points", **common)  # fmt: skip
    assert unclear.more_days == more_days_needed(0.3, 0.25, 90)
    assert unclear.label == f"Unclear — about {unclear.more_days} more days would tell"
    assert range_text(-0.2, 0.8, "points") == "range 0.2 points lower to 0.8 points higher"


def test_the_chosen_plan_reaches_the_power_the_preview_reports() -> None:
    rng = np.random.default_rng(5)
    e, past = 0.0, []
    for _ in range(60):
        e = 0.7 * e + rng.normal(0, 1.3)
        past.append(4 + e)
    start = date(2026, 1, 5)
    default = power_warning(past, make_schedule(start, 7, 3, seed=0), 1.0)
    assert default.power is not None and default.power < 0.8  # why a plan must be chosen
    choice = plan_to_power(past, start, 1.0)
    assert choice.reached and choice.check.power is not None and choice.check.power >= 0.8
    again = power_warning(
        past, make_schedule(start, choice.period_days, choice.blocks, seed=0), 1.0
    )
    assert again.power == choice.check.power  # what the form's preview will show
    if choice.blocks > 2:  # and it is the shortest: one block fewer is not enough
        fewer = make_schedule(start, choice.period_days, choice.blocks - 1, seed=0)
        assert (power_warning(past, fewer, 1.0).power or 0) < 0.8


def test_it_says_when_no_plan_is_long_enough() -> None:
    rng = np.random.default_rng(2)
    past = list(5 + rng.normal(0, 4.0, size=60))
    choice = plan_to_power(past, date(2026, 1, 5), 0.5, max_days=28)
    assert not choice.reached and choice.check.power is not None and choice.check.power < 0.8


def test_the_quick_power_approximation_matches_statsmodels_gls() -> None:
    from scipy.stats import norm

    from spasmtrack.core.nof1_power import approx_power

    schedule = make_schedule(date(2026, 1, 5), 7, 4, seed=3, washout_days=1)
    keep = np.flatnonzero(~np.array(schedule.washout_mask()))
    days = [schedule.days[i] for i in keep]
    b = np.array([d.condition == "B" for d in days], dtype=float)
    blocks = np.array([d.block for d in days])
    x = np.column_stack([b, (blocks[:, None] == np.arange(2, 5)).astype(float)])
    x = sm.add_constant(x)
    sd, phi = 1.7, 0.6
    sigma = sd**2 * phi ** np.abs(keep[:, None] - keep[None, :])
    ncp = sm.GLS(np.zeros(len(days)), x, sigma=sigma).fit().normalized_cov_params
    expected = norm.cdf(1.0 / np.sqrt(ncp[1, 1]) - norm.ppf(0.95))
    assert approx_power(schedule, sd, phi, 1.0, 0.95) == pytest.approx(expected, abs=1e-9)
