from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from spasmtrack.core.plausible import (
    IN_FUTURE,
    TOO_EARLY,
    day_problem,
    instant_problem,
    recorded_in,
)

NOW = datetime(2024, 3, 10, 23, 30, tzinfo=UTC)
UTC = UTC


@pytest.mark.parametrize(
    ("at", "tz", "expected"),
    [
        (NOW, "UTC", None),
        (NOW + timedelta(minutes=4), "UTC", None),  # clock skew tolerated
        (NOW + timedelta(minutes=6), "UTC", IN_FUTURE),
        (datetime(1, 1, 1, tzinfo=UTC), "America/New_York", TOO_EARLY),
        (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))), "UTC", TOO_EARLY),
        (datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-5))), "UTC", IN_FUTURE),
        (datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "Pacific/Kiritimati", IN_FUTURE),
        (datetime(2999, 1, 1, tzinfo=UTC), "UTC", IN_FUTURE),
        (datetime(1900, 1, 1, tzinfo=ZoneInfo("Europe/Berlin")), "Europe/Berlin", None),
        # 1900-01-01 01:00 in Kiritimati (+14) is still 1899 in New York
        (
            datetime(1900, 1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
            "America/New_York",
            TOO_EARLY,
        ),
        (datetime(1899, 12, 31, 23, tzinfo=UTC), "Asia/Tokyo", None),  # already 1900 in Tokyo
        (datetime(2024, 3, 10, 12), "Europe/Berlin", None),  # naive: the person's clock
    ],
)
def test_it_judges_instants(at: datetime, tz: str, expected: str | None) -> None:
    assert instant_problem(at, NOW, tz) == expected


@pytest.mark.parametrize(
    ("day", "tz", "expected"),
    [
        (date(2024, 3, 10), "UTC", None),
        (date(2024, 3, 11), "UTC", IN_FUTURE),
        (date(2024, 3, 11), "Europe/Berlin", None),  # already 00:30 on the 11th in Berlin
        (date(2024, 3, 12), "Europe/Berlin", IN_FUTURE),
        (date(2024, 3, 10), "America/New_York", None),
        (date(1900, 1, 1), "UTC", None),
        (date(1899, 12, 31), "UTC", TOO_EARLY),
        (date(1, 1, 1), "UTC", TOO_EARLY),
        (date(9999, 12, 31), "Pacific/Kiritimati", IN_FUTURE),
    ],
)
def test_it_judges_days(day: date, tz: str, expected: str | None) -> None:
    assert day_problem(day, NOW, tz) == expected


def test_it_allows_a_longer_horizon_when_asked() -> None:
    assert day_problem(date(2024, 4, 1), NOW, "UTC", ahead=timedelta(days=366)) is None
    assert day_problem(date(2025, 4, 1), NOW, "UTC", ahead=timedelta(days=366)) == IN_FUTURE


def test_a_document_recorded_in_another_zone_keeps_its_days_while_it_is_imported() -> None:
    # 23:15 UTC on 1 December: already 2 December in Berlin, still 1 December in New York.
    at_now = datetime(2026, 12, 1, 23, 15, tzinfo=UTC)
    berlin_today = date(2026, 12, 2)
    assert day_problem(berlin_today, at_now, "America/New_York") == IN_FUTURE
    with recorded_in("Europe/Berlin"):
        assert day_problem(berlin_today, at_now, "America/New_York") is None
        assert day_problem(date(2026, 12, 3), at_now, "America/New_York") == IN_FUTURE
    assert day_problem(berlin_today, at_now, "America/New_York") == IN_FUTURE  # only inside
    for unknown in ("Mars/Olympus_Mons", "", None, 7, "../etc"):
        with recorded_in(unknown):
            assert day_problem(berlin_today, at_now, "America/New_York") == IN_FUTURE
