"""The one rule for when an entry can have happened: from 1900-01-01 up to now.

"Now" gets a few minutes of tolerance for clock skew between a phone and the server; the
earliest day and "today" are read on the person's own calendar (`tz`). Pure: the caller
passes `now` in. Every writer (pages, API, CLI, importers) asks here and turns a message
into a field error, so nothing implausible is stored and nothing overflows later (year 1
or 9999 cannot be converted between time zones at the edges of `datetime`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EARLIEST_DAY = date(1900, 1, 1)
CLOCK_SKEW = timedelta(minutes=5)
TOO_EARLY = f"this is before {EARLIEST_DAY.isoformat()}"
IN_FUTURE = "this is in the future"


# The calendar of a document being imported, when it was recorded in another time zone.
_RECORDED_IN: ContextVar[ZoneInfo | None] = ContextVar("recorded_in", default=None)


@contextmanager
def recorded_in(tz: object) -> Iterator[None]:
    """While a document recorded in time zone `tz` is imported: a day it carries is "in the
    future" only if it is after today on the person's calendar *and* on that one. An entry
    made at 00:15 in Berlin carries a day that New York reaches six hours later, and an
    export taken to another zone must import the same evening. Instants are unaffected; an
    unknown zone (or none) changes nothing."""
    try:
        zone = ZoneInfo(tz) if isinstance(tz, str) and tz else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    token = _RECORDED_IN.set(zone)
    try:
        yield
    finally:
        _RECORDED_IN.reset(token)


def latest_day(now: datetime, tz: str, ahead: timedelta = CLOCK_SKEW) -> date:
    """The last acceptable local day: the person's today, read `ahead` from `now` (or the
    importing document's today, if later: `recorded_in`)."""
    day = (now + ahead).astimezone(ZoneInfo(tz)).date()
    if (other := _RECORDED_IN.get()) is not None:
        day = max(day, (now + ahead).astimezone(other).date())
    return day


def day_problem(day: date, now: datetime, tz: str, ahead: timedelta = CLOCK_SKEW) -> str | None:
    """Why `day` (a local calendar day) is implausible, or None when it is fine."""
    if day < EARLIEST_DAY:
        return TOO_EARLY
    if day > latest_day(now, tz, ahead):
        return IN_FUTURE
    return None


def instant_problem(
    at: datetime, now: datetime, tz: str, ahead: timedelta = CLOCK_SKEW
) -> str | None:
    """Why `at` is implausible, or None. A naive `at` is read on the person's clock."""
    zone = ZoneInfo(tz)
    # Decide by the year first: converting year 1 or 9999 between zones can overflow.
    if at.year < EARLIEST_DAY.year - 1:
        return TOO_EARLY
    if at.year > (now + ahead).year + 1:
        return IN_FUTURE
    if at.tzinfo is None or at.utcoffset() is None:
        at = at.replace(tzinfo=zone)
    if at.astimezone(zone).date() < EARLIEST_DAY:
        return TOO_EARLY
    if at > now + ahead:
        return IN_FUTURE
    return None
