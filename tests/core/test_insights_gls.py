"""AR(1) feasible GLS kernel against statsmodels' GLSAR (the reference implementation)."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.regression.linear_model import GLSAR

from spasmtrack.core.insights.gls import (
    ITERATIONS,
    RHO_BAND,
    RHO_STEP,
    allow_for_rho,
    ar1_gls,
    identifiable,
    independent_columns,
    least_favourable,
)

N = 150


def data(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    t = np.arange(N)
    adjust = np.vstack([np.ones(N), (t - N / 2) / 365.25, (t % 7 == 1) * 1.0, (t % 7 == 5) * 1.0])
    base = np.r_[(rng.random(N + 2) < 0.4) * 1.0]
    numeric = rng.gamma(2.0, 1.5, N + 2)
    x = np.stack(
        [
            np.stack([series[2 - lag : N + 2 - lag] for lag in range(3)])
            for series in (base, numeric)
        ]
    )
    e = np.zeros((3, N))
    for i in range(1, N):
        e[:, i] = np.array([0.3, 0.6, 0.85]) * e[:, i - 1] + rng.normal(size=3)
    y = 4 + 0.8 * x[0, 0] + e
    return adjust, x, y


@pytest.mark.parametrize("seed", [1, 2])
def test_it_matches_statsmodels_glsar_iterative_fit(seed: int) -> None:
    adjust, x, y = data(seed)
    fit = ar1_gls(adjust, x, y)
    for f in range(x.shape[0]):
        for o in range(y.shape[0]):
            design = np.column_stack([adjust.T, x[f].T])
            model = GLSAR(y[o], design, rho=1)
            ref = model.iterative_fit(maxiter=ITERATIONS + 1, rtol=0)
            assert fit.coef[f, o] == pytest.approx(ref.params[4:], abs=1e-6)
            assert fit.cov[f, o] == pytest.approx(ref.cov_params()[4:, 4:], abs=1e-6)
            assert fit.rho[f, o] == pytest.approx(model.rho[0], abs=1e-6)
            assert fit.df == ref.df_resid
            r = np.zeros((3, design.shape[1]))
            r[:, 4:] = np.eye(3)
            ftest = ref.f_test(r)
            f_stat, p = fit.joint_f()
            assert f_stat[f, o] == pytest.approx(float(ftest.fvalue), rel=1e-6)
            assert p[f, o] == pytest.approx(float(ftest.pvalue), abs=1e-6)


def test_its_bias_corrected_fit_is_glsar_at_the_corrected_rho() -> None:
    adjust, x, y = data(3)
    fit = ar1_gls(adjust, x, y, bias_correction=True)
    plain = ar1_gls(adjust, x, y)
    assert np.all(fit.rho > plain.rho)
    for o in range(y.shape[0]):
        design = np.column_stack([adjust.T, x[1].T])
        ref = GLSAR(y[o], design, rho=[float(fit.rho[1, o])]).fit()
        assert fit.coef[1, o] == pytest.approx(ref.params[4:], abs=1e-6)
        assert fit.cov[1, o] == pytest.approx(ref.cov_params()[4:, 4:], abs=1e-6)


def test_it_flags_factors_that_are_a_function_of_the_adjustment_columns() -> None:
    adjust, x, _ = data(5)
    tied = np.stack([adjust[2], adjust[3], adjust[2] + adjust[3]])[None]
    flags = identifiable(adjust, np.concatenate([x, tied]))
    assert flags.tolist() == [True, True, False]


def test_it_drops_adjustment_columns_that_are_zero_or_redundant() -> None:
    adjust, _, _ = data(6)
    extra = np.vstack([adjust, np.zeros(N), adjust[2] * 2])
    assert independent_columns(extra).shape == adjust.shape


def test_its_least_favourable_rho_gives_the_largest_p_value_of_the_band() -> None:
    adjust, x, y = data(7)
    fit = ar1_gls(adjust, x, y, bias_correction=True)
    chosen, p = least_favourable(fit)
    _, p_hat = fit.joint_f()
    assert np.all(p >= p_hat - 1e-15)
    delta = RHO_BAND * np.sqrt((1 - fit.rho**2) / fit.pairs)
    for sign in (-1.0, 1.0):
        _, p_alt = ar1_gls(adjust, x, y, rho_fixed=fit.rho + sign * delta).joint_f()
        assert np.all(p >= p_alt - 1e-15)
    assert np.all(np.isclose(chosen.joint_f()[1], p))


def test_its_degrees_of_freedom_follow_satterthwaite_with_glsar_fits_at_nearby_rho() -> None:
    adjust, x, y = data(8)
    fit = allow_for_rho(ar1_gls(adjust, x, y, bias_correction=True))
    assert fit.dfs is not None
    for f in range(x.shape[0]):
        for o in range(y.shape[0]):
            design = np.column_stack([adjust.T, x[f].T])
            rho, coef = float(fit.rho[f, o]), fit.coef[f, o]
            forms = []
            for r in (rho - RHO_STEP, rho + RHO_STEP):
                cov = GLSAR(y[o], design, rho=[r]).fit().cov_params()[4:, 4:]
                forms.append(coef @ np.linalg.solve(cov, coef))
            g = (np.log(forms[1]) - np.log(forms[0])) / (2 * RHO_STEP)
            df = 2 / (2 / fit.df + g**2 * (1 - rho**2) / fit.pairs)
            assert fit.dfs[f, o] == pytest.approx(min(df, fit.df), rel=1e-6)
    # F and t read with those degrees of freedom.
    f_stat, p = fit.joint_f()
    from scipy.stats import f as f_dist

    assert p == pytest.approx(f_dist.sf(f_stat, 3, fit.dfs), rel=1e-9)


def test_a_course_loses_more_degrees_of_freedom_than_a_factor_on_independent_days() -> None:
    rng = np.random.default_rng(9)
    t = np.arange(N)
    adjust = np.vstack([np.ones(N), (t - N / 2) / 365.25])
    course = ((t >= 60) & (t < 72)) * 1.0
    scattered = (rng.random(N) < 0.4) * 1.0
    e = np.zeros(N)
    for i in range(1, N):
        e[i] = 0.7 * e[i - 1] + rng.normal()
    fit = allow_for_rho(ar1_gls(adjust, np.stack([course, scattered])[:, None], (5 + e)[None]))
    assert fit.dfs is not None
    assert fit.dfs[0, 0] < 0.75 * fit.df  # the course's variance moves steeply with rho
    assert fit.dfs[1, 0] > 0.8 * fit.df  # scattered days hardly depend on it
