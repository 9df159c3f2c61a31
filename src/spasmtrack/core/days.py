"""The day an entry belongs to, and wall-clock times around DST changes. Pure: no Django.

A person's diary day starts at `day_start` (a wall-clock time, default 04:00; 00:00 keeps
calendar days): a spasm at 01:30 on Tuesday belongs to Monday, the day the person has not yet
slept off. Every place that turns an instant into a day (entries, insights, experiments,
reports, exports, the quick log) asks `day_of`, so they all agree.

The boundary of day D is the instant of `day_start` on D's calendar date in `tz`. When that
wall time is repeated (clocks go back) the first occurrence counts; when it is skipped (clocks
go forward) the boundary is where that time would have been had the clocks not changed.
Comparing instants with boundaries (not wall times with `day_start`) keeps days in order: on
the night clocks go back, an entry cannot go back to the previous day at the second 02:15.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

MIDNIGHT = time(0, 0)
DEFAULT_DAY_START = time(4, 0)
# A later start would put most of a morning into the day before; noon is the outer limit.
LATEST_DAY_START = time(12, 0)
ONE_DAY = timedelta(days=1)


def _zone(tz: tzinfo | str) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def day_start_problem(day_start: time) -> str | None:
    """Why `day_start` cannot be a person's start of day, or None."""
    if day_start.tzinfo is not None:
        return "give a wall-clock time without a time zone"
    if day_start.second or day_start.microsecond:
        return "give hours and minutes only"
    if day_start > LATEST_DAY_START:
        return f"a day can start at {LATEST_DAY_START:%H:%M} at the latest"
    return None


def day_boundary(day: date, tz: tzinfo | str, day_start: time = DEFAULT_DAY_START) -> datetime:
    """The instant (aware, in `tz`) at which diary day `day` begins."""
    zone = _zone(tz)
    wall = datetime.combine(day, day_start).replace(tzinfo=zone, fold=0)
    # Through UTC and back: a skipped wall time lands where it would have been without the
    # jump (an hour later on the clock), a repeated one on its first occurrence (fold=0).
    return wall.astimezone(UTC).astimezone(zone)


def day_of(instant: datetime, tz: tzinfo | str, day_start: time = DEFAULT_DAY_START) -> date:
    """The diary day that the aware `instant` belongs to, for a person in `tz` whose day
    starts at `day_start`. Raises ValueError for a naive instant (it has no place in time)."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("day_of needs an aware datetime")
    zone = _zone(tz)
    calendar = instant.astimezone(zone).date()
    if day_start == MIDNIGHT:
        return calendar
    # In UTC: aware datetimes sharing a tzinfo compare by wall time, ignoring `fold`.
    boundary = day_boundary(calendar, zone, day_start).astimezone(UTC)
    return calendar - ONE_DAY if instant.astimezone(UTC) < boundary else calendar


def seconds_into_day(
    instant: datetime, day: date, tz: tzinfo | str, day_start: time = DEFAULT_DAY_START
) -> float:
    """Elapsed seconds from the start of diary day `day` to `instant`: orders entries within
    a day (01:30 after 23:00 when the day starts at 04:00), exact across DST changes.

    `day` is the day the entry is stored under; an entry stored before the person moved their
    day start can lie outside it (negative, or beyond 24 hours), and still sorts in order."""
    start = day_boundary(day, tz, day_start).astimezone(UTC)
    return (instant.astimezone(UTC) - start).total_seconds()


@dataclass(frozen=True)
class WallTime:
    """A wall-clock time typed by a person, resolved to an instant.

    `repeated` is set when the time happened twice (clocks went back): `instant` is the first
    of the two and `note` says so. `other` is the second occurrence, for a form that asks."""

    instant: datetime
    repeated: bool = False
    other: datetime | None = None
    note: str = ""


class SkippedTime(ValueError):
    """A wall-clock time that did not happen: clocks jumped over it."""


def _offset_text(at: datetime) -> str:
    name = at.tzname() or ""
    return name if name and name[0] not in "+-" else f"UTC{name}"


def resolve_wall_time(naive: datetime, tz: tzinfo | str) -> WallTime:
    """Turn a wall-clock time in `tz` into an instant, or raise SkippedTime.

    A repeated time is taken as its first occurrence (before the clocks went back), and the
    note says which; the person can type the other one as the next minute's time minus an
    hour, or pick it where the form offers both."""
    if naive.tzinfo is not None:
        raise ValueError("resolve_wall_time needs a naive datetime")
    zone = _zone(tz)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    # A wall time that does not survive the round trip through UTC was skipped.
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        jump_from, jump_to = _jump(first.astimezone(UTC), zone)
        moved = first.astimezone(UTC).astimezone(zone)
        raise SkippedTime(
            f"{naive:%H:%M} did not happen on {_day_text(naive.date())}: the clocks went "
            f"forward from {jump_from:%H:%M} to {jump_to:%H:%M}. Did you mean {moved:%H:%M}?"
        )
    if first.utcoffset() != second.utcoffset():
        return WallTime(
            instant=first,
            repeated=True,
            other=second,
            note=(
                f"{naive:%H:%M} happened twice on {_day_text(naive.date())} (the clocks went "
                f"back): taken as the first one ({_offset_text(first)}, before the change)"
            ),
        )
    return WallTime(instant=first)


def _jump(near: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    """The wall times (before, after) of the clock change within three hours of `near`
    (UTC): every real DST jump is at most two hours."""
    at = near - timedelta(hours=3)
    offset = at.astimezone(zone).utcoffset()
    for _ in range(6 * 60):
        nxt = at + timedelta(minutes=1)
        if (new := nxt.astimezone(zone).utcoffset()) != offset:
            assert offset is not None and new is not None
            wall = nxt.replace(tzinfo=None)
            return wall + offset, wall + new
        at = nxt
    raise ValueError("no clock change near this time")  # pragma: no cover


def _day_text(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def counts_for_text(day: date) -> str:
    """'counts for Monday 30 November': the form's hint."""
    return f"counts for {_day_text(day)}"
