"""core.days: the day an entry belongs to, and wall-clock times around DST changes.

2026 changes: Europe/Berlin forward 29 March 02:00 -> 03:00, back 25 October 03:00 -> 02:00;
America/New_York forward 8 March 02:00 -> 03:00, back 1 November 02:00 -> 01:00.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from spasmtrack.core.days import (
    DEFAULT_DAY_START,
    MIDNIGHT,
    SkippedTime,
    counts_for_text,
    day_boundary,
    day_of,
    day_start_problem,
    resolve_wall_time,
    seconds_into_day,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("at", "tz", "start", "day"),
    [
        # 01:30 Tuesday in Berlin (00:30 UTC) with the day starting at 04:00: Monday's.
        (utc(2026, 12, 1, 0, 30), "Europe/Berlin", DEFAULT_DAY_START, date(2026, 11, 30)),
        (utc(2026, 12, 1, 2, 59), "Europe/Berlin", DEFAULT_DAY_START, date(2026, 11, 30)),
        (utc(2026, 12, 1, 3, 0), "Europe/Berlin", DEFAULT_DAY_START, date(2026, 12, 1)),
        # 00:00 keeps calendar days.
        (utc(2026, 12, 1, 0, 30), "Europe/Berlin", MIDNIGHT, date(2026, 12, 1)),
        (utc(2026, 11, 30, 22, 59), "Europe/Berlin", MIDNIGHT, date(2026, 11, 30)),
        # The zone, not UTC, decides: 01:30 UTC is 20:30 the day before in New York.
        (utc(2026, 12, 1, 1, 30), "America/New_York", DEFAULT_DAY_START, date(2026, 11, 30)),
        (utc(2026, 12, 1, 9, 0), "America/New_York", DEFAULT_DAY_START, date(2026, 12, 1)),
        (utc(2026, 12, 1, 8, 59), "America/New_York", DEFAULT_DAY_START, date(2026, 11, 30)),
    ],
)
def test_it_gives_the_diary_day(at: datetime, tz: str, start: time, day: date) -> None:
    assert day_of(at, tz, start) == day
    assert day_of(at, ZoneInfo(tz), start) == day  # a zone object works the same


def test_it_refuses_a_naive_instant() -> None:
    with pytest.raises(ValueError, match="aware"):
        day_of(datetime(2026, 12, 1, 1, 30), "Europe/Berlin")


@pytest.mark.parametrize(
    ("tz", "day", "hours"),
    [
        ("Europe/Berlin", date(2026, 3, 28), 23),  # the night clocks go forward
        ("Europe/Berlin", date(2026, 10, 24), 25),  # the night clocks go back
        ("America/New_York", date(2026, 3, 7), 23),
        ("America/New_York", date(2026, 10, 31), 25),
        ("Europe/Berlin", date(2026, 6, 1), 24),
    ],
)
def test_it_makes_dst_nights_23_or_25_hours(tz: str, day: date, hours: int) -> None:
    start = day_boundary(day, tz).astimezone(UTC)
    end = day_boundary(day + timedelta(days=1), tz).astimezone(UTC)
    assert end - start == timedelta(hours=hours)
    # Every minute of the night belongs to `day`, the first minute after it to the next.
    assert day_of(start, tz) == day
    assert day_of(end - timedelta(minutes=1), tz) == day
    assert day_of(end, tz) == day + timedelta(days=1)


# 20:00 local on the evening before each change.
CHANGE_EVENINGS = {
    "Europe/Berlin": (utc(2026, 3, 28, 19), utc(2026, 10, 24, 18)),
    "America/New_York": (utc(2026, 3, 8, 1), utc(2026, 11, 1, 0)),
}


@pytest.mark.parametrize("tz", sorted(CHANGE_EVENINGS))
@pytest.mark.parametrize("start", [MIDNIGHT, time(1, 30), time(2, 30), DEFAULT_DAY_START])
def test_it_never_goes_back_a_day_across_a_dst_change(tz: str, start: time) -> None:
    # Minute by minute through both change nights: the day only ever moves forward, once,
    # even when the day start itself is in the repeated or the skipped hour.
    for evening in CHANGE_EVENINGS[tz]:
        days = [day_of(evening + timedelta(minutes=m), tz, start) for m in range(16 * 60)]
        steps = [(b - a).days for a, b in zip(days, days[1:], strict=False)]
        assert sorted(set(steps)) == [0, 1] and steps.count(1) == 1, (evening, start)


def test_it_takes_the_first_repeated_day_start() -> None:
    # Day start 02:30 in Berlin on 25 October: 02:30 CEST (00:30 UTC) begins the day; the
    # second 02:15 (CET, 01:15 UTC) stays in it instead of going back to the 24th.
    start = time(2, 30)
    assert day_boundary(date(2026, 10, 25), BERLIN, start).astimezone(UTC) == utc(
        2026, 10, 25, 0, 30
    )
    assert day_of(utc(2026, 10, 25, 0, 15), BERLIN, start) == date(2026, 10, 24)
    assert day_of(utc(2026, 10, 25, 1, 15), BERLIN, start) == date(2026, 10, 25)


def test_it_puts_a_skipped_day_start_where_it_would_have_been() -> None:
    # Day start 02:30 in Berlin on 29 March: 02:30 does not exist; the day begins at 01:30
    # UTC (03:30 CEST), two and a half elapsed hours after midnight as on any other day.
    b = day_boundary(date(2026, 3, 29), BERLIN, time(2, 30))
    assert b.astimezone(UTC) == utc(2026, 3, 29, 1, 30)
    assert day_of(utc(2026, 3, 29, 1, 29), BERLIN, time(2, 30)) == date(2026, 3, 28)


def test_it_orders_entries_within_a_diary_day() -> None:
    day = date(2026, 11, 30)
    late = utc(2026, 11, 30, 22, 0)  # 23:00 Monday in Berlin
    later = utc(2026, 12, 1, 0, 30)  # 01:30 Tuesday: still Monday's
    assert day_of(later, BERLIN) == day
    assert seconds_into_day(late, day, BERLIN) < seconds_into_day(later, day, BERLIN)
    assert seconds_into_day(utc(2026, 11, 30, 3, 0), day, BERLIN) == 0.0  # 04:00 CET
    # Across the 25-hour night in New York: the second 01:30 is an hour after the first.
    d = date(2026, 10, 31)
    first, second = utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30)
    assert seconds_into_day(second, d, NEW_YORK) - seconds_into_day(first, d, NEW_YORK) == 3600


@pytest.mark.parametrize(
    ("naive", "tz", "expected_utc"),
    [
        (datetime(2026, 11, 30, 1, 30), BERLIN, utc(2026, 11, 30, 0, 30)),
        (datetime(2026, 7, 1, 1, 30), NEW_YORK, utc(2026, 7, 1, 5, 30)),
    ],
)
def test_it_resolves_an_ordinary_wall_time(
    naive: datetime, tz: ZoneInfo, expected_utc: datetime
) -> None:
    wall = resolve_wall_time(naive, tz)
    assert wall.instant.astimezone(UTC) == expected_utc
    assert not wall.repeated and wall.note == "" and wall.other is None


@pytest.mark.parametrize(
    ("naive", "tz", "first", "second", "name"),
    [
        (
            datetime(2026, 10, 25, 2, 30),
            BERLIN,
            utc(2026, 10, 25, 0, 30),
            utc(2026, 10, 25, 1, 30),
            "CEST",
        ),
        (
            datetime(2026, 11, 1, 1, 30),
            NEW_YORK,
            utc(2026, 11, 1, 5, 30),
            utc(2026, 11, 1, 6, 30),
            "EDT",
        ),
    ],
)
def test_it_takes_a_repeated_time_as_the_first_and_says_so(
    naive: datetime, tz: ZoneInfo, first: datetime, second: datetime, name: str
) -> None:
    wall = resolve_wall_time(naive, tz)
    assert wall.repeated
    assert wall.instant.astimezone(UTC) == first
    assert wall.other is not None and wall.other.astimezone(UTC) == second
    assert f"{naive:%H:%M} happened twice" in wall.note
    assert f"taken as the first one ({name}, before the change)" in wall.note


@pytest.mark.parametrize(
    ("naive", "tz", "message"),
    [
        (
            datetime(2026, 3, 29, 2, 30),
            BERLIN,
            "02:30 did not happen on Sunday 29 March: the clocks went forward from 02:00 to "
            "03:00. Did you mean 03:30?",
        ),
        (
            datetime(2026, 3, 8, 2, 5),
            NEW_YORK,
            "02:05 did not happen on Sunday 8 March: the clocks went forward from 02:00 to "
            "03:00. Did you mean 03:05?",
        ),
    ],
)
def test_it_refuses_a_skipped_time_clearly(naive: datetime, tz: ZoneInfo, message: str) -> None:
    with pytest.raises(SkippedTime) as e:
        resolve_wall_time(naive, tz)
    assert str(e.value) == message


def test_it_accepts_the_edges_of_the_skipped_hour() -> None:
    assert resolve_wall_time(datetime(2026, 3, 29, 1, 59), BERLIN).instant.hour == 1
    assert resolve_wall_time(datetime(2026, 3, 29, 3, 0), BERLIN).instant.astimezone(UTC) == utc(
        2026, 3, 29, 1, 0
    )


@pytest.mark.parametrize(
    ("start", "problem"),
    [
        (MIDNIGHT, None),
        (DEFAULT_DAY_START, None),
        (time(12, 0), None),
        (time(12, 1), "a day can start at 12:00 at the latest"),
        (time(4, 0, 30), "give hours and minutes only"),
    ],
)
def test_it_checks_a_day_start(start: time, problem: str | None) -> None:
    assert day_start_problem(start) == problem


def test_it_words_the_hint() -> None:
    assert counts_for_text(date(2026, 11, 30)) == "counts for Monday 30 November"
