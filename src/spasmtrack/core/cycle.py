"""The menstrual cycle from a person's own logged period days: periods, cycle lengths, the
cycle day and phase of a day, and the expected next period with its range.

Pure: plain dates in, plain values out (`today` is passed in). The rules and their sources
are `knowledge/cycle.json`: day 1 is a period's first day; "menstrual" is the period
itself; "luteal" the last LUTEAL_DAYS days before the next period (counted back from the
next period when it is logged, else from the day the person's average cycle length
predicts); "follicular" the days between. Cycles shorter than COUNTED_MIN or longer than
COUNTED_MAX days are not averaged (a period not logged, spotting logged as a period), and
the days after such a cycle's period get no phase. It is a calendar estimate: nothing here
measures ovulation, and nothing is a diagnosis.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from spasmtrack.knowledge import data_path

with data_path("cycle.json").open(encoding="utf-8") as _f:
    _RULES = json.load(_f)

LUTEAL_DAYS: int = _RULES["phases"]["luteal"]["days"]
COUNTED_MIN: int = _RULES["cycle_length"]["counted_min_days"]
COUNTED_MAX: int = _RULES["cycle_length"]["counted_max_days"]
RECENT_CYCLES: int = _RULES["cycle_length"]["recent_cycles"]
MIN_HALF_WIDTH: int = _RULES["prediction"]["min_half_width_days"]
MIN_CYCLES: int = _RULES["prediction"]["min_cycles"]
PERIOD_GAP: int = _RULES["period_gap_days"]["days"]

Phase = Literal["menstrual", "follicular", "luteal"]
PHASES: tuple[Phase, ...] = ("menstrual", "follicular", "luteal")


@dataclass(frozen=True)
class Period:
    """One period: its first and last logged day."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class DayInCycle:
    cycle_day: int
    phase: Phase | None  # None: after the period, but too little is known to tell


@dataclass(frozen=True)
class CycleSummary:
    """What Today shows. Every field is None (or 0) when the logs cannot tell it."""

    cycle_day: int | None
    phase: Phase | None
    period_today: bool
    last_start: date | None
    average_length: float | None  # mean of the counted recent cycles
    cycles_counted: int
    shortest: int | None
    longest: int | None
    expected: date | None  # the next period's first day, by the average length
    earliest: date | None  # the range around it
    latest: date | None
    late: bool  # today is past `latest` and no new period is logged


def periods(days: Iterable[date]) -> list[Period]:
    """Logged period days grouped into periods, oldest first: a day at most PERIOD_GAP days
    after the previous logged day belongs to the same period."""
    out: list[Period] = []
    for d in sorted(set(days)):
        if out and (d - out[-1].end).days <= PERIOD_GAP:
            out[-1] = Period(out[-1].start, d)
        else:
            out.append(Period(d, d))
    return out


def cycle_lengths(ps: list[Period]) -> list[int]:
    """Days from each period's first day to the next one's, oldest first (all of them)."""
    return [(b.start - a.start).days for a, b in zip(ps, ps[1:], strict=False)]


def counted(lengths: list[int]) -> list[int]:
    """The lengths the average and the prediction use: the last RECENT_CYCLES within
    [COUNTED_MIN, COUNTED_MAX]."""
    return [n for n in lengths if COUNTED_MIN <= n <= COUNTED_MAX][-RECENT_CYCLES:]


def _round(x: float) -> int:
    return int(x + 0.5)  # half up: 28.5 days -> 29, whatever the float rounding mode


def average_length(lengths: list[int]) -> float | None:
    use = counted(lengths)
    return sum(use) / len(use) if use else None


def day_phases(days: Iterable[date], first: date, last: date) -> dict[date, DayInCycle]:
    """Cycle day and phase of every day in [first, last] that follows a logged period.

    A completed cycle (the next period is logged, even after `last`) counts its luteal
    phase back from the next period; a cycle of an uncounted length gives only its period
    days. The open (last) cycle uses the average length of all counted cycles: with none,
    or once the
    expected day is reached, the days after the period have a cycle day but no phase. Days
    more than COUNTED_MAX days into a cycle get nothing.
    """
    ps = periods(days)
    if not ps:
        return {}
    avg = average_length(cycle_lengths(ps))
    out: dict[date, DayInCycle] = {}
    for i, p in enumerate(ps):
        nxt = ps[i + 1].start if i + 1 < len(ps) else None
        stop = min(last, (nxt or last + timedelta(days=1)) - timedelta(days=1))
        stop = min(stop, p.start + timedelta(days=COUNTED_MAX - 1))
        if stop < first:
            continue
        if nxt is not None:
            length_ok = COUNTED_MIN <= (nxt - p.start).days <= COUNTED_MAX
            luteal_from = nxt - timedelta(days=LUTEAL_DAYS) if length_ok else None
            unknown_from = None if length_ok else p.end + timedelta(days=1)
        elif avg is not None:
            expected = p.start + timedelta(days=_round(avg))
            luteal_from, unknown_from = expected - timedelta(days=LUTEAL_DAYS), expected
        else:
            luteal_from, unknown_from = None, p.end + timedelta(days=1)
        d = max(first, p.start)
        while d <= stop:
            n = (d - p.start).days + 1
            phase: Phase | None
            if d <= p.end:
                phase = "menstrual"
            elif unknown_from is not None and d >= unknown_from:
                phase = None
            elif luteal_from is not None and d >= luteal_from:
                phase = "luteal"
            else:
                phase = "follicular"
            if phase is not None or nxt is None:
                out[d] = DayInCycle(n, phase)
            d += timedelta(days=1)
    return out


def summarise(days: Iterable[date], today: date) -> CycleSummary:
    """Today's cycle day and phase, the average cycle and the expected next period, from the
    period days logged up to `today` (later ones are ignored)."""
    logged = {d for d in days if d <= today}
    ps = periods(logged)
    if not ps:
        return CycleSummary(None, None, False, None, None, 0, None, None, None, None, None, False)
    use = counted(cycle_lengths(ps))
    avg = sum(use) / len(use) if use else None
    now = day_phases(logged, today, today).get(today)
    last = ps[-1].start
    expected = earliest = latest = None
    if avg is not None and len(use) >= MIN_CYCLES:
        mid = _round(avg)
        expected = last + timedelta(days=mid)
        earliest = last + timedelta(days=min(min(use), mid - MIN_HALF_WIDTH))
        latest = last + timedelta(days=max(max(use), mid + MIN_HALF_WIDTH))
    return CycleSummary(
        cycle_day=now.cycle_day if now else None,
        phase=now.phase if now else None,
        period_today=today in logged,
        last_start=last,
        average_length=avg,
        cycles_counted=len(use),
        shortest=min(use) if use else None,
        longest=max(use) if use else None,
        expected=expected,
        earliest=earliest,
        latest=latest,
        late=latest is not None and today > latest,
    )
