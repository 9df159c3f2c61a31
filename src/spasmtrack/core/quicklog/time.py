"""Resolve the time words of a quick-log line against a given `now` (never the system clock)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

# Part-of-day words that name an exact clock time rather than a stretch of the day.
EXACT_PARTS = frozenset({"noon", "midday", "midnight"})
# Parts of the day after noon: a bare "at 3" in them means 15:00.
_PM_PARTS = frozenset({"afternoon", "evening", "night", "tonight"})


@dataclass
class TimeSpec:
    """The time components found in one contiguous time phrase."""

    day_offset: int | None = None  # 0 today, -1 yesterday
    weekday: int | None = None  # 0 Monday ... 6 Sunday
    part: str | None = None  # "morning", "afternoon", ...
    last: bool = False  # "last night"
    this: bool = False  # "this evening", "tonight": today, even if that is still to come
    clock: tuple[int, int] | None = None
    meridiem: str | None = None  # "am" | "pm"
    ago_seconds: float | None = None
    is_now: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def has_anchor(self) -> bool:
        return (
            self.day_offset is not None
            or self.weekday is not None
            or self.part is not None
            or self.clock is not None
            or self.ago_seconds is not None
            or self.is_now
        )


@dataclass(frozen=True)
class Resolved:
    when: datetime
    approximate: bool
    warnings: tuple[str, ...]


def local_datetime(day: date, hour: int, minute: int, tz: tzinfo) -> datetime:
    """The aware datetime for a wall-clock time on `day` in `tz`.

    A wall time skipped by a DST jump does not exist; the round trip through UTC moves it forward
    by the size of the jump. A repeated wall time resolves to its first occurrence (fold=0).
    """
    naive = datetime.combine(day, time(hour % 24, minute))
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def before(now: datetime, seconds: float) -> datetime:
    """`seconds` of elapsed time before `now`, in now's zone (exact across DST changes)."""
    tz = now.tzinfo
    assert tz is not None
    return (now.astimezone(UTC) - timedelta(seconds=seconds)).astimezone(tz)


def _base_day(spec: TimeSpec, today: date) -> date:
    if spec.weekday is not None:
        back = (today.weekday() - spec.weekday) % 7 or 7
        return today - timedelta(days=back)
    if spec.day_offset is not None:
        return today + timedelta(days=spec.day_offset)
    if spec.last and spec.part in ("night", "evening"):
        return today - timedelta(days=1)
    return today


def _clock_hours(spec: TimeSpec) -> tuple[list[int], bool]:
    """Candidate 24-hour values for the clock, and whether the hour was ambiguous."""
    assert spec.clock is not None
    h = spec.clock[0]
    if spec.meridiem == "pm" and h < 12:
        return [h + 12], False
    if spec.meridiem == "am" and h == 12:
        return [0], False
    if spec.meridiem or h == 0 or h > 12:
        return [h], False
    if spec.part in _PM_PARTS and h < 12:
        return [h + 12], False
    if spec.part is not None:
        return [h], False
    return [h % 12, h % 12 + 12], True


def resolve(spec: TimeSpec, now: datetime, parts_of_day: dict[str, int]) -> Resolved:
    """The moment `spec` names, at or before `now` where the words allow.

    Rules: a clock time without a day is its most recent occurrence ("since 3pm" said at 10:00
    is yesterday 15:00); "at 3" without am/pm is whichever of 03:00/15:00 came last (with a
    warning); a part of the day is approximate and never later than `now`.
    """
    tz = now.tzinfo
    assert tz is not None
    warnings = list(spec.warnings)
    if spec.is_now:
        return Resolved(now, False, tuple(warnings))
    if spec.ago_seconds is not None:
        return Resolved(before(now, spec.ago_seconds), False, tuple(warnings))
    today = now.date()
    base = _base_day(spec, today)
    explicit_day = spec.day_offset is not None or spec.weekday is not None or spec.last
    minute = spec.clock[1] if spec.clock else 0
    if spec.clock is not None:
        hours, ambiguous = _clock_hours(spec)
        days = [base] if explicit_day else [base, base - timedelta(days=1)]
        options = [local_datetime(d, h, minute, tz) for d in days for h in hours]
        past = [o for o in options if o <= now]
        when = max(past) if past else min(options)
        if ambiguous:
            warnings.append(f"Read “{spec.clock[0]}” without am/pm as {when:%H:%M}.")
        if when > now:
            warnings.append("That time is later than now.")
        return Resolved(when, False, tuple(warnings))
    if spec.part is not None:
        hour = parts_of_day[spec.part]
        when = local_datetime(base, hour, 0, tz)
        approximate = spec.part not in EXACT_PARTS
        if when > now and not explicit_day:
            # "this evening" said at 17:45 means about now; "at night" means the night before.
            yesterday = local_datetime(base - timedelta(days=1), hour, 0, tz)
            when = now if spec.this else yesterday
        return Resolved(when, approximate, tuple(warnings))
    # A day alone ("yesterday", "on monday"): midday, marked approximate.
    return Resolved(min(local_datetime(base, 12, 0, tz), now), True, tuple(warnings))
