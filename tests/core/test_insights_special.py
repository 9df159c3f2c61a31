"""Insights' Student t, normal and Benjamini–Hochberg arithmetic through scipy.special (fast
to import) gives the values scipy.stats gives (slow to import: half a second of the command)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from spasmtrack.core.insights import text as insights_text
from spasmtrack.core.insights.change import paired_effect
from spasmtrack.core.insights.stats import bh_q_values, t_inference


@pytest.mark.parametrize("seed", range(5))
def test_it_gives_scipy_stats_student_t_p_values_and_intervals(seed: int) -> None:
    rng = np.random.default_rng(seed)
    effect = rng.normal(0, 2, 40)
    se = rng.gamma(2.0, 0.5, 40)
    df = rng.integers(3, 400, 40).astype(np.float64)
    df[0] = np.inf  # no limit on the degrees of freedom: the normal distribution
    for level in (0.95, 0.9):
        p, low, high = t_inference(effect, se, df, level)
        half = stats.t.ppf(0.5 + level / 2, df) * se
        np.testing.assert_array_equal(p, 2 * stats.t.sf(np.abs(effect / se), df))
        np.testing.assert_array_equal(low, effect - half)
        np.testing.assert_array_equal(high, effect + half)


def test_it_sizes_the_more_days_estimate_with_the_normal_quantiles() -> None:
    expected = stats.norm.ppf(0.975) + stats.norm.ppf(insights_text.POWER)
    assert pytest.approx(expected, rel=1e-15) == insights_text._Z_SUM


@pytest.mark.parametrize(
    "p",
    [
        [0.01, 0.04, 0.03, 0.2, 0.5, 0.04, 1.0, 0.0],
        [0.3],
        [0.05, 0.05, 0.05],
        [0.9, 0.8, 0.7, 0.001],
    ],
)
def test_it_gives_scipy_stats_benjamini_hochberg_q_values(p: list[float]) -> None:
    got = bh_q_values(np.array(p))
    np.testing.assert_array_equal(got, stats.false_discovery_control(p, method="bh"))


@pytest.mark.parametrize("seed", range(5))
def test_it_gives_scipy_stats_q_values_for_random_p_values(seed: int) -> None:
    p = np.random.default_rng(seed).random(97) ** 3
    np.testing.assert_array_equal(bh_q_values(p), stats.false_discovery_control(p, method="bh"))


def test_it_gives_no_q_values_for_no_p_values_and_refuses_a_p_value_beyond_one() -> None:
    assert bh_q_values(np.array([], dtype=np.float64)).size == 0
    with pytest.raises(ValueError, match="between 0 and 1"):
        bh_q_values(np.array([0.2, 1.5]))
    with pytest.raises(ValueError, match="between 0 and 1"):
        bh_q_values(np.array([0.2, np.nan]))


@pytest.mark.parametrize("seed", range(20))
def test_it_gives_the_paired_t_test_of_scipy_stats(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 120))
    before = rng.integers(2, 9, n).astype(np.float64)
    after = before - rng.normal(0.5, 1.0, n)
    result = paired_effect(list(zip(before, after, strict=True)))
    ref = stats.ttest_rel(after, before)
    ci = ref.confidence_interval(0.95)
    assert result.p_value == ref.pvalue
    assert result.ci95 == (ci.low, ci.high)


def test_its_arithmetic_modules_do_not_import_scipy_stats() -> None:
    code = (
        "import sys; import spasmtrack.core.insights.stats, spasmtrack.core.insights.text, "
        "spasmtrack.core.insights, spasmtrack.core.insights.gls, spasmtrack.core.insights.change; "
        "print('scipy.special' in sys.modules, 'scipy.stats' in sys.modules)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.split() == ["True", "False"], r.stderr
