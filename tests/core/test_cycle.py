"""core.cycle on planted synthetic cycles: every expected figure is derived from the plant."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from spasmtrack.core import cycle as c
from spasmtrack.knowledge import data_path

START = date(2025, 1, 6)


def plant(lengths: list[int], bleed: int = 5, start: date = START) -> tuple[list[date], list[date]]:
    """Period days of cycles of these lengths (each period `bleed` days), and the starts
    (one more start than lengths: the open cycle's)."""
    starts = [start]
    for n in lengths:
        starts.append(starts[-1] + timedelta(days=n))
    days = [s + timedelta(days=k) for s in starts for k in range(bleed)]
    return days, starts


def test_it_reads_its_rules_from_the_cited_knowledge_file() -> None:
    rules = json.loads(data_path("cycle.json").read_text(encoding="utf-8"))
    assert c.LUTEAL_DAYS == rules["phases"]["luteal"]["days"] == 14
    for key in ("Bull2019", "FIGO2018"):
        assert rules["sources"][key]["doi"]
    for phase in c.PHASES:
        assert rules["phases"][phase]["sources"]


def test_it_groups_days_into_periods_across_one_forgotten_day() -> None:
    d = START
    days = [d, d + timedelta(1), d + timedelta(3), d + timedelta(4), d + timedelta(8)]
    ps = c.periods(days)
    assert ps == [c.Period(d, d + timedelta(4)), c.Period(d + timedelta(8), d + timedelta(8))]
    assert ps[0].days == 5
    assert c.periods([]) == []
    assert c.periods([d, d, d]) == [c.Period(d, d)]  # duplicates are one day


def test_it_measures_the_planted_cycle_lengths() -> None:
    days, starts = plant([28, 31, 26, 29])
    assert c.cycle_lengths(c.periods(days)) == [28, 31, 26, 29]
    assert c.average_length(c.cycle_lengths(c.periods(days))) == pytest.approx(28.5)


def test_it_leaves_out_cycles_outside_the_counted_lengths() -> None:
    # A missed period gives one 91-day "cycle"; spotting gives a 6-day one.
    assert c.counted([28, 91, 6, 30]) == [28, 30]
    assert c.counted(list(range(20, 40))) == list(range(28, 40))  # the recent 12


def test_it_gives_every_planted_day_its_phase() -> None:
    lengths = [28, 31, 26]
    days, starts = plant(lengths)
    first, last = starts[0], starts[-1] - timedelta(days=1)  # the completed cycles
    got = c.day_phases(days, first, last)
    assert len(got) == sum(lengths)
    for s, n in zip(starts, lengths, strict=False):
        for k in range(n):
            day = got[s + timedelta(days=k)]
            assert day.cycle_day == k + 1
            want = "menstrual" if k < 5 else "luteal" if k >= n - 14 else "follicular"
            assert day.phase == want, (s, k)


def test_it_estimates_the_open_cycle_from_the_average() -> None:
    days, starts = plant([28, 30, 29])  # average 29
    last_start = starts[-1]
    got = c.day_phases(days, last_start, last_start + timedelta(days=40))
    assert got[last_start + timedelta(days=14)].phase == "follicular"  # day 15
    assert got[last_start + timedelta(days=15)].phase == "luteal"  # day 16 = 29 - 14 + 1
    assert got[last_start + timedelta(days=28)].phase == "luteal"  # day 29
    # From the expected day on, it cannot tell (late, or a period not logged yet).
    assert got[last_start + timedelta(days=29)] == c.DayInCycle(30, None)


def test_it_gives_no_phase_after_the_period_without_an_average() -> None:
    days, starts = plant([])
    got = c.day_phases(days, START, START + timedelta(days=10))
    assert got[START + timedelta(days=4)] == c.DayInCycle(5, "menstrual")
    assert got[START + timedelta(days=5)] == c.DayInCycle(6, None)


def test_it_skips_the_days_after_the_period_of_an_uncounted_cycle() -> None:
    days, starts = plant([95, 28])
    got = c.day_phases(days, START, starts[-1])
    assert got[START + timedelta(days=4)].phase == "menstrual"
    assert START + timedelta(days=5) not in got
    assert got[starts[1] + timedelta(days=27)].phase == "luteal"


def test_it_stops_counting_far_into_a_cycle() -> None:
    got = c.day_phases([START], START, START + timedelta(days=200))
    assert max(v.cycle_day for v in got.values()) == c.COUNTED_MAX


def test_it_predicts_the_next_period_with_the_spread_of_the_cycles() -> None:
    days, starts = plant([27, 31, 29, 30])  # mean 29.25 -> 29
    today = starts[-1] + timedelta(days=10)
    s = c.summarise(days, today)
    assert s.cycle_day == 11 and s.phase == "follicular" and not s.period_today
    assert s.average_length == pytest.approx(29.25) and s.cycles_counted == 4
    assert (s.shortest, s.longest) == (27, 31)
    assert s.expected == starts[-1] + timedelta(days=29)
    assert s.earliest == starts[-1] + timedelta(days=27)
    assert s.latest == starts[-1] + timedelta(days=31)
    assert not s.late


def test_it_never_gives_a_range_narrower_than_two_days_each_side() -> None:
    days, starts = plant([28, 28, 28])
    s = c.summarise(days, starts[-1])
    assert s.period_today and s.phase == "menstrual" and s.cycle_day == 1
    assert s.earliest == starts[-1] + timedelta(days=26)
    assert s.latest == starts[-1] + timedelta(days=30)


def test_it_says_late_only_after_the_range() -> None:
    days, starts = plant([28, 28, 28])
    latest = starts[-1] + timedelta(days=30)
    assert not c.summarise(days, latest).late
    assert c.summarise(days, latest + timedelta(days=1)).late


def test_it_needs_two_counted_cycles_for_a_prediction() -> None:
    days, starts = plant([29])
    s = c.summarise(days, starts[-1] + timedelta(days=3))
    assert s.average_length == 29 and s.cycles_counted == 1
    assert s.expected is None and s.earliest is None and not s.late
    empty = c.summarise([], START)
    assert empty.cycle_day is None and empty.last_start is None and empty.cycles_counted == 0


def test_it_ignores_days_logged_after_today() -> None:
    days, starts = plant([28, 28, 28])
    s = c.summarise(days, starts[-1] - timedelta(days=1))
    assert s.last_start == starts[-2] and s.cycles_counted == 2 and s.cycle_day == 28
    assert s.phase == "luteal"
