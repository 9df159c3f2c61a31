"""Tracking analysis over a person's recorded trigger points (TrPs).

Plain records in (muscle id, side, active/latent, tenderness 0-10, local date), plain values
out: per muscle-side series, tenderness trends, and a flag for a pattern of several active TrPs
over weeks. Informative only: it never diagnoses.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, TypedDict

Direction = Literal["falling", "rising", "flat"]

# Slopes smaller than this (tenderness points per week) are reported as flat: a quarter point a
# week is below what a person can tell apart on a 0-10 scale over a month.
FLAT_SLOPE_PER_WEEK = 0.25
# A trend needs some evidence that the slope is not noise.
TREND_P_VALUE = 0.05
MIN_TREND_DAYS = 3

MPS_MIN_ACTIVE = 3
MPS_MIN_WEEKS = 3
MPS_WINDOW_WEEKS = 4
MPS_MESSAGE = (
    "several active trigger points over weeks — a pattern clinicians call myofascial pain "
    "syndrome; only a clinician can assess this"
)


@dataclass(frozen=True)
class TrPRecord:
    """One recorded trigger point on one day (the day in the person's own time zone)."""

    muscle: str
    side: str  # "left" | "right"
    status: str  # "active" | "latent"
    tenderness: float  # 0-10
    day: date


class TrendDict(TypedDict):
    muscle: str
    side: str
    n: int
    first_day: str
    last_day: str
    slope_per_week: float | None
    p_value: float | None
    direction: Direction


@dataclass(frozen=True)
class Trend:
    """Linear tenderness trend of one muscle-side; slope None with fewer than 3 distinct days."""

    muscle: str
    side: str
    n: int
    first_day: date
    last_day: date
    slope_per_week: float | None
    p_value: float | None
    direction: Direction

    def to_dict(self) -> TrendDict:
        return {
            "muscle": self.muscle,
            "side": self.side,
            "n": self.n,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "slope_per_week": None
            if self.slope_per_week is None
            else round(self.slope_per_week, 3),
            "p_value": None if self.p_value is None else round(self.p_value, 4),
            "direction": self.direction,
        }


def series(records: Iterable[TrPRecord]) -> dict[tuple[str, str], list[TrPRecord]]:
    """Records grouped by (muscle, side), each list sorted by day (stable for equal days)."""
    out: dict[tuple[str, str], list[TrPRecord]] = {}
    for r in records:
        out.setdefault((r.muscle, r.side), []).append(r)
    return {key: sorted(rs, key=lambda r: r.day) for key, rs in out.items()}


def tenderness_trend(records: list[TrPRecord]) -> Trend:
    """Least-squares slope of tenderness against time (points per week) for one muscle-side.

    `records` must all share muscle and side and be non-empty. The direction is "flat" unless
    at least MIN_TREND_DAYS distinct days are recorded, |slope| >= FLAT_SLOPE_PER_WEEK and the
    slope's p-value (scipy.stats.linregress, two-sided) is below TREND_P_VALUE.
    """
    if not records:
        raise ValueError("no records")
    keys = {(r.muscle, r.side) for r in records}
    if len(keys) != 1:
        raise ValueError(f"records mix muscle-sides: {sorted(keys)}")
    rs = sorted(records, key=lambda r: r.day)
    first, last = rs[0].day, rs[-1].day
    days = {r.day for r in rs}
    slope: float | None = None
    p_value: float | None = None
    direction: Direction = "flat"
    if len(days) >= MIN_TREND_DAYS:
        # Imported here: SciPy takes a second to load, and `trp find` (via the prior) must not.
        from scipy.stats import linregress

        weeks = [(r.day - first).days / 7 for r in rs]
        fit = linregress(weeks, [r.tenderness for r in rs])
        slope, p_value = float(fit.slope), float(fit.pvalue)
        # Tenderness that never changed: the slope is 0 and its p-value undefined (NaN).
        p_value = p_value if math.isfinite(p_value) else None
        slope = slope if math.isfinite(slope) else None
        if slope is None or p_value is None:
            return Trend(rs[0].muscle, rs[0].side, len(rs), first, last, slope, None, direction)
        if abs(slope) >= FLAT_SLOPE_PER_WEEK and p_value < TREND_P_VALUE:
            direction = "falling" if slope < 0 else "rising"
    return Trend(rs[0].muscle, rs[0].side, len(rs), first, last, slope, p_value, direction)


def trends(records: Iterable[TrPRecord]) -> list[Trend]:
    """One Trend per recorded muscle-side, in order of first appearance."""
    return [tenderness_trend(rs) for rs in series(records).values()]


class WeekCountDict(TypedDict):
    start: str
    end: str
    active: int


class PatternFlagDict(TypedDict):
    flagged: bool
    weeks: list[WeekCountDict]
    message: str | None


@dataclass(frozen=True)
class WeekCount:
    start: date  # inclusive
    end: date  # inclusive
    active: int  # distinct active muscle-sides recorded in the week


@dataclass(frozen=True)
class PatternFlag:
    """Weeks are the last MPS_WINDOW_WEEKS 7-day blocks ending on `today`, oldest first."""

    flagged: bool
    weeks: tuple[WeekCount, ...]
    message: str | None

    def to_dict(self) -> PatternFlagDict:
        return {
            "flagged": self.flagged,
            "weeks": [
                {"start": w.start.isoformat(), "end": w.end.isoformat(), "active": w.active}
                for w in self.weeks
            ],
            "message": self.message,
        }


def active_pattern(records: Iterable[TrPRecord], today: date) -> PatternFlag:
    """Flag when >= 3 distinct TrPs were active in each of >= 3 of the last 4 weeks.

    Week k (k = 0 is the most recent) covers today - 7k - 6 ... today - 7k. A TrP is a
    (muscle, side) pair; it counts in a week if any record in that week marks it active.
    Records after `today` are ignored.
    """
    blocks = [
        (today - timedelta(days=7 * k + 6), today - timedelta(days=7 * k))
        for k in reversed(range(MPS_WINDOW_WEEKS))
    ]
    active: list[set[tuple[str, str]]] = [set() for _ in blocks]
    for r in records:
        if r.status != "active":
            continue
        for i, (start, end) in enumerate(blocks):
            if start <= r.day <= end:
                active[i].add((r.muscle, r.side))
    weeks = tuple(WeekCount(s, e, len(a)) for (s, e), a in zip(blocks, active, strict=True))
    flagged = sum(w.active >= MPS_MIN_ACTIVE for w in weeks) >= MPS_MIN_WEEKS
    return PatternFlag(flagged, weeks, MPS_MESSAGE if flagged else None)
