from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from spasmtrack.core.body.trigger_points import (
    MPS_MESSAGE,
    TrPRecord,
    active_pattern,
    series,
    tenderness_trend,
    trends,
)

START = date(2024, 3, 4)
TODAY = date(2024, 5, 31)


def simulate(slope_per_week: float, seed: int, weeks: int = 8) -> list[TrPRecord]:
    """Two records a week with tenderness = 6 + slope * week + noise."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(weeks * 2):
        day = START + timedelta(days=k * 3 + k % 2)
        week = (day - START).days / 7
        value = 6 + slope_per_week * week + rng.normal(0, 0.4)
        out.append(TrPRecord("upper_trapezius", "left", "active", float(value), day))
    return out


def test_it_recovers_a_planted_falling_trend() -> None:
    records = simulate(-0.5, seed=1)
    trend = tenderness_trend(records)
    weeks = [(r.day - START).days / 7 for r in records]
    reference = np.polyfit(weeks, [r.tenderness for r in records], 1)[0]
    assert trend.direction == "falling"
    assert trend.slope_per_week == pytest.approx(reference)
    assert trend.slope_per_week == pytest.approx(-0.5, abs=0.15)
    assert trend.p_value is not None and trend.p_value < 0.05


def test_it_recovers_a_planted_rising_trend() -> None:
    trend = tenderness_trend(simulate(0.6, seed=2))
    assert trend.direction == "rising"
    assert trend.slope_per_week == pytest.approx(0.6, abs=0.15)


def test_it_calls_pure_noise_flat() -> None:
    assert tenderness_trend(simulate(0.0, seed=3)).direction == "flat"


def test_it_needs_three_distinct_days_for_a_slope() -> None:
    rs = [
        TrPRecord("soleus", "right", "latent", 7, START),
        TrPRecord("soleus", "right", "latent", 3, START),
        TrPRecord("soleus", "right", "latent", 2, START + timedelta(days=7)),
    ]
    trend = tenderness_trend(rs)
    assert trend.slope_per_week is None and trend.direction == "flat"
    assert trend.n == 3


def test_it_refuses_mixed_muscle_sides_and_empty_input() -> None:
    with pytest.raises(ValueError):
        tenderness_trend(
            [
                TrPRecord("soleus", "right", "active", 5, START),
                TrPRecord("soleus", "left", "active", 5, START),
            ]
        )
    with pytest.raises(ValueError):
        tenderness_trend([])


def test_series_groups_by_muscle_side_in_date_order() -> None:
    rs = [
        TrPRecord("masseter", "left", "active", 5, START + timedelta(days=2)),
        TrPRecord("masseter", "right", "active", 4, START),
        TrPRecord("masseter", "left", "latent", 3, START),
    ]
    grouped = series(rs)
    assert set(grouped) == {("masseter", "left"), ("masseter", "right")}
    assert [r.day for r in grouped[("masseter", "left")]] == [START, START + timedelta(days=2)]
    assert len(trends(rs)) == 2


def actives(day: date, muscles: list[str], status: str = "active") -> list[TrPRecord]:
    return [TrPRecord(m, "left", status, 6, day) for m in muscles]


THREE = ["upper_trapezius", "levator_scapulae", "masseter"]


def test_it_flags_three_active_trps_in_three_of_four_weeks() -> None:
    rs = (
        actives(TODAY, THREE)
        + actives(TODAY - timedelta(days=8), THREE)
        + actives(TODAY - timedelta(days=27), THREE)
    )
    flag = active_pattern(rs, TODAY)
    assert flag.flagged
    assert flag.message == MPS_MESSAGE
    assert [w.active for w in flag.weeks] == [3, 0, 3, 3]
    assert flag.weeks[-1].end == TODAY and flag.weeks[-1].start == TODAY - timedelta(days=6)


def test_it_does_not_flag_two_weeks_only() -> None:
    rs = actives(TODAY, THREE) + actives(TODAY - timedelta(days=8), THREE)
    flag = active_pattern(rs, TODAY)
    assert not flag.flagged and flag.message is None


def test_it_counts_distinct_active_trps_not_records() -> None:
    weeks = [TODAY - timedelta(days=7 * k) for k in range(4)]
    repeated = [r for d in weeks for r in actives(d, ["masseter"] * 3)]
    assert not active_pattern(repeated, TODAY).flagged
    with_latent = [
        r for d in weeks for r in actives(d, THREE[:2]) + actives(d, THREE[2:], "latent")
    ]
    assert not active_pattern(with_latent, TODAY).flagged


def test_it_puts_week_boundaries_on_today() -> None:
    rs = actives(TODAY - timedelta(days=6), THREE) + actives(TODAY - timedelta(days=7), THREE)
    flag = active_pattern(rs, TODAY)
    assert [w.active for w in flag.weeks][-2:] == [3, 3]


def test_it_ignores_records_after_today_and_older_than_four_weeks() -> None:
    rs = (
        actives(TODAY + timedelta(days=1), THREE)
        + actives(TODAY - timedelta(days=28), THREE)
        + actives(TODAY, THREE)
        + actives(TODAY - timedelta(days=7), THREE)
    )
    flag = active_pattern(rs, TODAY)
    assert not flag.flagged
    assert flag.to_dict()["weeks"][0]["start"] == (TODAY - timedelta(days=27)).isoformat()
