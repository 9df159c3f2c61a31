"""Calibration of Insights on synthetic diaries without any effect (and with planted ones).

Fixed seeds, so the test is deterministic. `bench/calibration.py` prints the full table
with 1,000 diaries per row; this test uses fewer to stay under a minute:

- per factor shape, 800 null diaries: type-I error at nominal 5 % must lie in 3-7 %. For
  a test whose true size is 5 %, the binomial standard error is 0.77 points, so 3-7 % is
  +-2.6 SE (a correctly sized test lands inside 99 % of the time);
- 400 null people with 5 factors and 7 outcomes rated in whole points (AR(1) plus rating
  noise): at most 10 % with any finding (findings need q <= 0.05; about 3 % measured);
- 400 null before/after changes with phi up to 0.8: at most 7 %;
- power: a 1-point same-day yes/no effect on 40 % of 180 days is found in >= 90 %.

Type-I error is counted over the diaries where the test ran (a rare factor is sometimes
too rare to test).
"""

from __future__ import annotations

import pytest

from spasmtrack.core.insights import sim as sim

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("shape", sim.SHAPES)
def test_its_per_test_type_one_error_is_between_3_and_7_percent(shape: str) -> None:
    rate = sim.type_one_error(shape, 800, seed=101 + sim.SHAPES.index(shape))
    print(f"{shape}: {rate}")
    assert 0.03 <= rate.value <= 0.07


def test_it_shows_a_finding_for_at_most_10_percent_of_null_people() -> None:
    rate = sim.any_finding(400, seed=202)
    print(f"any finding: {rate}")
    assert rate.value <= 0.10


def test_its_before_after_test_keeps_its_size_up_to_phi_0_8() -> None:
    rate = sim.change_type_one_error(400, seed=303)
    print(f"change: {rate}")
    assert rate.value <= 0.07


def test_it_finds_a_one_point_same_day_effect_with_the_right_timing() -> None:
    found, timed = sim.power("independent", -1.0, 0, 100, seed=404)
    assert found.value >= 0.9 and timed.value >= 0.9


def test_it_reports_a_next_day_effect_as_the_next_day() -> None:
    found, timed = sim.power("independent", 1.0, 1, 100, seed=505)
    assert found.value >= 0.9 and timed.value >= 0.9


def test_it_does_not_turn_use_after_worse_days_into_an_effect() -> None:
    flagged, shown = sim.indication(200, seed=606)
    assert flagged.value <= 0.1  # nominal 5 %; 200 diaries, SE 1.5 points
    assert shown.value >= 0.5  # and says when it is used instead


def test_it_does_not_turn_use_after_a_bad_morning_into_an_effect() -> None:
    assert sim.morning_indication(300, seed=707).value <= 0.085  # nominal 5 %, SE 1.3 points
