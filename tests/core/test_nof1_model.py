from __future__ import annotations

import json
import warnings
from datetime import date, timedelta

import numpy as np
import pytest
from scipy import linalg, stats

from spasmtrack.core.nof1 import (
    Schedule,
    TrialDay,
    analyse,
    analyse_itt_and_per_protocol,
    infer_blocks,
    make_schedule,
)
from spasmtrack.core.nof1.power import simulate_ar1

START = date(2024, 1, 1)


def _trial(
    schedule: Schedule,
    delta: float,
    rng: np.random.Generator,
    *,
    sd: float = 1.2,
    phi: float = 0.0,
    block_sd: float = 0.0,
) -> list[TrialDay]:
    """Simulated days with a planted B - A effect, AR(1) noise and block shifts."""
    noise = simulate_ar1(rng, 1, schedule.total_days, sd, phi)[0]
    shift = rng.normal(0.0, block_sd, schedule.blocks) if block_sd else np.zeros(schedule.blocks)
    return [
        (d.day, d.condition, 5.0 + delta * (d.condition == "B") + shift[d.block - 1] + e, d.block)
        for d, e in zip(schedule.days, noise, strict=True)
    ]


def test_its_95_percent_intervals_cover_the_planted_effect_about_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(2024)
    deltas = [0.0, -0.5, -1.0, -1.5, 1.0]
    covered = 0
    for i in range(200):
        schedule = make_schedule(START, 7, 3, seed=i)
        result = analyse(_trial(schedule, deltas[i % 5], rng, phi=0.3, block_sd=0.5))
        covered += result.ci95[0] <= deltas[i % 5] <= result.ci95[1]
    assert 0.90 <= covered / 200 <= 0.99


def test_it_finds_a_real_benefit_in_most_three_block_trials() -> None:
    # delta = -1.5 (lower is better), noise SD 1.2, 3 blocks of two 7-day periods.
    rng = np.random.default_rng(7)
    hits = 0
    for i in range(200):
        result = analyse(_trial(make_schedule(START, 7, 3, seed=1000 + i), -1.5, rng))
        hits += result.p_b_better > 0.95
    assert hits / 200 >= 0.8


def test_it_rarely_claims_a_benefit_when_there_is_none() -> None:
    rng = np.random.default_rng(8)
    claims = sum(
        analyse(_trial(make_schedule(START, 7, 3, seed=i), 0.0, rng, phi=0.3)).p_b_better > 0.95
        for i in range(100)
    )
    assert claims <= 12  # about 5 % expected


def _example(seed: int = 3, washout_days: int = 0) -> tuple[Schedule, list[TrialDay]]:
    schedule = make_schedule(START, 14, 3, seed=seed, washout_days=washout_days)
    return schedule, _trial(schedule, -1.0, np.random.default_rng(seed), phi=0.4, block_sd=0.4)


def test_it_agrees_with_its_own_gibbs_sampler() -> None:
    _, days = _example()
    grid = analyse(days)
    gibbs = analyse(days, method="gibbs", seed=1, draws=2000, burn_in=300)
    assert grid.effect == pytest.approx(gibbs.effect, abs=0.05)
    assert grid.ci95 == pytest.approx(gibbs.ci95, abs=0.1)
    assert grid.p_b_better == pytest.approx(gibbs.p_b_better, abs=0.03)
    assert grid.p_mcid == pytest.approx(gibbs.p_mcid, abs=0.05)
    assert analyse(days, method="gibbs", seed=1, draws=200) == analyse(
        days, method="gibbs", seed=1, draws=200
    )


def test_it_agrees_with_statsmodels_glsar_on_a_long_trial() -> None:
    # With 280 days the priors hardly matter: the posterior mean and interval should be close
    # to feasible GLS with AR(1) errors on the same design.
    schedule = make_schedule(START, 14, 10, seed=5)
    days = _trial(schedule, -1.0, np.random.default_rng(7), sd=1.5, phi=0.5)
    result = analyse(days)
    y = np.array([d[2] for d in days])
    blocks = np.array([d[3] for d in days]) - 1
    X = np.column_stack(
        [np.ones(len(y)), [d[1] == "B" for d in days], linalg.helmert(10).T[blocks]]
    )
    with warnings.catch_warnings():
        # statsmodels 0.14 warns about pandas deprecations on import; not our concern here.
        warnings.simplefilter("ignore")
        from statsmodels.regression.linear_model import GLSAR
    fit = GLSAR(y, X, rho=1).iterative_fit(maxiter=50)
    assert result.effect == pytest.approx(fit.params[1], abs=0.1)
    assert result.ci95 == pytest.approx(tuple(fit.conf_int()[1]), abs=0.15)


def test_it_reports_probabilities_in_the_better_direction() -> None:
    _, days = _example()
    lower = analyse(days, lower_is_better=True, mcid=0.5)
    higher = analyse(days, lower_is_better=False, mcid=0.5)
    assert lower.p_b_better + higher.p_b_better == pytest.approx(1.0)
    assert lower.effect == higher.effect < 0
    assert lower.p_mcid <= lower.p_b_better and higher.p_mcid <= higher.p_b_better
    assert lower.p_mcid > analyse(days, mcid=1.5).p_mcid


def test_its_frequentist_comparison_is_the_paired_t_test_of_period_means() -> None:
    _, days = _example()
    a = [np.mean([d[2] for d in days if d[3] == b and d[1] == "A"]) for b in (1, 2, 3)]
    b = [np.mean([d[2] for d in days if d[3] == b and d[1] == "B"]) for b in (1, 2, 3)]
    ref = stats.ttest_rel(b, a)
    freq = analyse(days).frequentist
    assert freq["mean_difference"] == pytest.approx(np.mean(np.subtract(b, a)))
    assert freq["ci95"] == pytest.approx(list(ref.confidence_interval(0.95)))
    assert freq["p_value"] == pytest.approx(ref.pvalue)
    assert freq["n_blocks"] == 3


def test_it_leaves_washout_days_out() -> None:
    schedule, days = _example(washout_days=3)
    mask = schedule.washout_mask()
    # Wild values on washout days must not matter: masking equals deleting their outcomes.
    wild = [(d, c, 50.0 if m else y, b) for (d, c, y, b), m in zip(days, mask, strict=True)]
    masked = analyse(wild, washout=mask)
    deleted = analyse(
        [(d, c, None if m else y, b) for (d, c, y, b), m in zip(wild, mask, strict=True)]
    )
    assert masked == deleted
    assert masked.n_days == len(days) - sum(mask)
    assert abs(analyse(wild).effect - masked.effect) > 1.0


def test_it_skips_days_without_an_outcome() -> None:
    _, days = _example()
    holes = [(d, c, None if i % 4 == 0 else y, b) for i, (d, c, y, b) in enumerate(days)]
    result = analyse(holes)
    assert result.n_days == len(days) - len(days[::4])
    assert result.ci95[0] < -1.0 < result.ci95[1]


def test_it_infers_blocks_when_they_are_missing() -> None:
    _, days = _example()
    without = [(d, c, y, None) for d, c, y, _ in days]
    assert analyse(without) == analyse(days)


@pytest.mark.parametrize(
    ("pattern", "blocks"),
    [
        ("AAABBBBBBAAAAAABBB", [1] * 6 + [2] * 6 + [3] * 6),
        ("ABAB", [1, 1, 2, 2]),
        ("BBAABBAAAAB", [1] * 4 + [2] * 4 + [3] * 3),
        ("AAAABBBBB", [1] * 9),
    ],
)
def test_it_splits_runs_into_periods_to_infer_blocks(pattern: str, blocks: list[int]) -> None:
    dates = [START + timedelta(days=i) for i in range(len(pattern))]
    assert infer_blocks(dates, list(pattern)) == blocks


def test_it_compares_intention_to_treat_with_per_protocol() -> None:
    # Planted effect -2; on 10 B days the person actually did A (outcome follows what was done).
    schedule = make_schedule(START, 7, 3, seed=4)
    rng = np.random.default_rng(4)
    b_days = [i for i, d in enumerate(schedule.days) if d.condition == "B"]
    skipped = set(b_days[::2][:10])
    rows = []
    for i, d in enumerate(schedule.days):
        actual = "A" if i in skipped else d.condition
        outcome = 6.0 - 2.0 * (actual == "B") + rng.normal(0, 0.5)
        rows.append((d.day, d.condition, actual, outcome, d.block))
    both = analyse_itt_and_per_protocol(rows, mcid=1.0)
    assert both.n_deviations == 10
    assert both.per_protocol.n_days == both.itt.n_days - 10
    assert both.per_protocol.effect == pytest.approx(-2.0, abs=0.3)
    assert -1.6 < both.itt.effect < -0.6  # diluted by non-adherence
    assert "10 day(s)" in both.per_protocol.sentence
    assert set(both.to_dict()) == {"itt", "per_protocol", "n_deviations"}


def test_it_returns_a_json_ready_dict_with_exactly_the_documented_keys() -> None:
    _, days = _example()
    out = analyse(days).to_dict()
    assert list(out) == [
        "effect",
        "ci95",
        "p_b_better",
        "p_mcid",
        "n_days",
        "model",
        "sentence",
        "frequentist",
    ]
    assert json.loads(json.dumps(out)) == out
    assert "AR(1)" in out["model"] and "delta ~ N(0, 5^2)" in out["model"]


def test_its_sentence_is_plain_and_does_not_prescribe() -> None:
    _, days = _example()
    sentence = analyse(days).sentence
    assert "lower than with A" in sentence
    assert "not medical advice" in sentence
    flipped = [(d, "A" if c == "B" else "B", y, b) for d, c, y, b in days]
    assert "evidence favours A" in analyse(flipped).sentence


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ([(START + timedelta(days=i), "A", 5.0, 1) for i in range(10)], "at least two days"),
        ([(START, "A", 5.0, 1), (START, "B", 4.0, 1)], "only once"),
        ([(START, "A", 5.0, 1), (START + timedelta(days=1), "C", 4.0, 1)], "Unknown condition"),
    ],
)
def test_it_rejects_unusable_data(days: list[TrialDay], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        analyse(days)


@pytest.mark.parametrize("seed", range(5))
def test_its_inverse_gamma_through_scipy_special_is_scipy_stats_to_the_last_bit(
    seed: int,
) -> None:
    """The model's inverse-gamma density and draws skip importing scipy.stats (half a second
    of the clinician report's process) and give exactly what scipy.stats gives: the same
    density, and the same draw from the same generator state."""
    from spasmtrack.core.nof1.model import _invgamma_draw, _invgamma_logpdf

    rng = np.random.default_rng(seed)
    x = np.exp(rng.normal(0.0, 2.0, (7, 30)))
    a, scale = float(rng.uniform(0.5, 40)), float(rng.uniform(0.01, 30))
    np.testing.assert_array_equal(
        _invgamma_logpdf(x, a, scale), stats.invgamma.logpdf(x, a, scale=scale)
    )
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    for _ in range(50):
        a, scale = float(rng.uniform(0.5, 400)), float(rng.uniform(0.01, 300))
        expected = float(stats.invgamma.rvs(a, scale=scale, random_state=theirs))
        assert _invgamma_draw(a, scale, ours) == expected


def test_the_model_does_not_import_scipy_stats() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import spasmtrack.core.nof1.model; "
        "print('scipy.special' in sys.modules, 'scipy.stats' in sys.modules)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.split() == ["True", "False"], r.stderr
