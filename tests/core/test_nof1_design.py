from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from scipy import stats

from spasmtrack.core.nof1 import make_schedule, power_warning, to_ics

START = date(2024, 3, 4)


@pytest.mark.parametrize(("period_days", "blocks"), [(7, 3), (3, 1), (14, 4), (2, 6)])
def test_it_puts_one_a_and_one_b_period_in_every_block(period_days: int, blocks: int) -> None:
    s = make_schedule(START, period_days, blocks, seed=11)
    assert s.total_days == 2 * period_days * blocks
    assert [d.day for d in s.days] == [START + timedelta(days=i) for i in range(s.total_days)]
    for b in range(1, blocks + 1):
        counts = Counter(d.condition for d in s.days if d.block == b)
        assert counts == {"A": period_days, "B": period_days}
        periods = {d.period: d.condition for d in s.days if d.block == b}
        assert sorted(periods.values()) == ["A", "B"]
        assert "".join(periods[p] for p in sorted(periods)) == s.orders[b - 1]


def test_it_is_reproducible_by_seed() -> None:
    assert make_schedule(START, seed=42) == make_schedule(START, seed=42)
    orders = {make_schedule(START, 7, 6, seed=seed).orders for seed in range(20)}
    assert len(orders) > 10  # different seeds, different schedules


def test_it_draws_ab_and_ba_with_equal_chance_per_block() -> None:
    firsts = [o for seed in range(2000) for o in make_schedule(START, 2, 4, seed=seed).orders]
    ab = sum(o == "AB" for o in firsts)
    assert stats.binomtest(ab, len(firsts), 0.5).pvalue > 0.001


def test_it_flags_washout_days_only_after_a_switch() -> None:
    s = make_schedule(START, 5, 4, seed=3, washout_days=2)
    previous = None
    for period in range(1, 9):
        pdays = [d for d in s.days if d.period == period]
        switched = pdays[0].condition != previous
        assert [d.in_washout for d in pdays] == [switched] * 2 + [False] * 3
        previous = pdays[0].condition
    assert s.washout_mask() == [d.in_washout for d in s.days]
    assert not any(make_schedule(START, 5, 4, seed=3).washout_mask())


@pytest.mark.parametrize(
    "kwargs",
    [{"blocks": 0}, {"period_days": 1}, {"period_days": 3, "washout_days": 3}],
)
def test_it_rejects_designs_that_cannot_work(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        make_schedule(START, seed=1, **kwargs)


def test_it_tells_where_today_falls() -> None:
    s = make_schedule(START, 7, 3, seed=5, washout_days=1)
    before, after = s.day_status(START - timedelta(days=1)), s.day_status(s.end + timedelta(1))
    assert (before.state, after.state) == ("not_started", "finished")
    assert before.day_number is None and "not started" in before.text
    status = s.day_status(START + timedelta(days=4))
    assert status.state == "running"
    assert (status.day_number, status.total_days, status.block, status.period) == (5, 42, 1, 1)
    assert status.condition == s.orders[0][0]
    assert status.days_left_in_period == 2
    assert status.text == f"Day 5 of 42: condition {status.condition}."
    first = s.day_status(START)
    assert first.in_washout and "washout" in first.text


def _unfold(ics: str) -> list[str]:
    return ics.replace("\r\n ", "").split("\r\n")[:-1]


def test_it_writes_a_valid_icalendar_file() -> None:
    s = make_schedule(START, 7, 3, seed=8, washout_days=2)
    stamp = datetime(2024, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    ics = to_ics(
        s, "Heat pad, evening", "Stretching; 10 min", uid="trial-1@spasmtrack", dtstamp=stamp
    )
    assert ics.endswith("\r\n") and "\n" not in ics.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    lines = _unfold(ics)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 6
    starts = [line for line in lines if line.startswith("DTSTART;VALUE=DATE:")]
    ends = [line for line in lines if line.startswith("DTEND;VALUE=DATE:")]
    assert starts[0] == "DTSTART;VALUE=DATE:20240304"
    assert ends[0] == "DTEND;VALUE=DATE:20240311"  # exclusive: the day after day 7
    assert ends[-1] == f"DTEND;VALUE=DATE:{s.end + timedelta(days=1):%Y%m%d}"
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(set(uids)) == 6 and uids[0] == "UID:1-trial-1@spasmtrack"
    assert lines.count("DTSTAMP:20240301T073000Z") == 6
    summaries = {line for line in lines if line.startswith("SUMMARY:")}
    assert summaries == {"SUMMARY:A: Heat pad\\, evening", "SUMMARY:B: Stretching\\; 10 min"}


def test_it_folds_long_non_ascii_lines_without_splitting_characters() -> None:
    s = make_schedule(START, 7, 1, seed=1)
    title = "Dehnübungen für Nacken und Schultern " * 4
    ics = to_ics(s, title, "B", uid="u", dtstamp=datetime(2024, 1, 1, tzinfo=UTC))
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    assert f"SUMMARY:A: {title}" in _unfold(ics)


def test_it_needs_an_aware_dtstamp() -> None:
    with pytest.raises(ValueError):
        to_ics(make_schedule(START, seed=1), "a", "b", uid="u", dtstamp=datetime(2024, 1, 1))


def _past(sd_scale: float) -> list[float | None]:
    # A fixed, irregular 28-day history with one missing day.
    base = [5, 6, 4, 7, 5, 3, 6, 5, 8, 4, 5, 6, 2, 7, 5, 6, 4, 5, 7, 3, 6, 5, 4, 6, 5, 7, 4, 6]
    return (
        [5 + sd_scale * (v - 5) for v in base[:10]]
        + [None]
        + [5 + sd_scale * (v - 5) for v in base[11:]]
    )


def test_it_warns_when_the_design_is_too_weak_for_the_persons_variability() -> None:
    weak = power_warning(_past(1.5), make_schedule(START, 3, 1, seed=1), mcid=1.0, n_sims=60)
    assert weak.power is not None and weak.power < 0.5
    assert weak.warning is not None and "Longer periods or more blocks" in weak.warning
    assert weak.sd is not None and 2.0 < weak.sd < 3.0


def test_it_does_not_warn_when_the_design_is_strong_enough() -> None:
    strong = power_warning(_past(0.4), make_schedule(START, 7, 3, seed=1), mcid=1.0, n_sims=60)
    assert strong.power is not None and strong.power >= 0.9
    assert strong.warning is None


def test_it_cannot_check_power_without_enough_past_days() -> None:
    check = power_warning([5, None, 6, 4], make_schedule(START, seed=1), mcid=1.0)
    assert check.power is None and check.warning is not None and "at least 7" in check.warning
