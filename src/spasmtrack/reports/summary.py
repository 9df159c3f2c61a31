"""What the clinician report says, computed from plain values (no Django, no matplotlib).

`reports.data.collect()` reads the diary and calls these; `reports.pdf.render_pdf()` draws the
result. Days are the person's stored local days, so weeks never move with a time-zone change.
Weeks start on Monday; the first and last week of a period may be partial.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from statistics import fmean

from spasmtrack.core.body.regions import all_regions
from spasmtrack.core.cycle import CycleSummary
from spasmtrack.knowledge import data_path

CHECKIN_ITEMS = (
    ("overall_pain", "Overall pain"),
    ("spasm_burden", "Spasm burden"),
    ("fatigue", "Tiredness"),
    ("brain_fog", "Brain fog"),
    ("stress", "Stress"),
    ("sleep_quality", "Sleep quality (higher = better)"),
    ("mood", "Mood (higher = better)"),
)
HIGHER_IS_BETTER = frozenset({"sleep_quality", "mood"})


@dataclass(frozen=True)
class Mcid:
    """The smallest change that matters, as a percentage of the earlier value."""

    percent: float
    wording: str  # e.g. "14% (FIQ-derived)"


@lru_cache(maxsize=1)
def mcids() -> dict[str, Mcid]:
    """Thresholds by figure key, from knowledge/mcid.json (cited there)."""
    with data_path("mcid.json").open(encoding="utf-8") as f:
        data = json.load(f)
    return {k: Mcid(float(v["percent"]), v["wording"]) for k, v in data["thresholds"].items()}


@dataclass(frozen=True)
class Change:
    """One headline figure now and in the previous period of the same length."""

    label: str
    now: float | None
    before: float | None
    lower_is_better: bool = True
    mcid: Mcid | None = None
    digits: int = 1
    percent: bool = True  # False where a percentage means nothing (temperatures in °C)

    def _fmt(self, value: float) -> str:
        return f"{value:,.{self.digits}f}"

    @property
    def now_text(self) -> str:
        return "not recorded" if self.now is None else self._fmt(self.now)

    @property
    def before_text(self) -> str:
        return "not recorded" if self.before is None else self._fmt(self.before)

    def _shown_diff(self) -> float:
        """The change between the values as printed (so 63 beside 63 reads ±0, never −0)."""
        assert self.now is not None and self.before is not None
        return round(self.now, self.digits) - round(self.before, self.digits)

    @property
    def change_text(self) -> str:
        if self.now is None or self.before is None:
            return "–"
        diff = round(self._shown_diff(), self.digits)
        if diff == 0:
            return f"±{self._fmt(0)}"
        sign = "+" if diff > 0 else "−"
        text = f"{sign}{self._fmt(abs(diff))}"
        before = round(self.before, self.digits)
        if before and self.percent:
            text += f" ({sign}{abs(diff) / abs(before) * 100:.0f}%)"
        return text

    @property
    def verdict(self) -> str:
        """Plain words; a verdict only where a published threshold exists."""
        if self.now is None or self.before is None:
            return "nothing to compare"
        diff = self.now - self.before
        if round(self._shown_diff(), self.digits) == 0:
            return "no change"
        better = (diff < 0) == self.lower_is_better
        way = "better" if better else "worse"
        if self.mcid is None:
            return f"{way}; no published threshold"
        if not self.before:
            return f"{way} (from 0, no percentage)"
        if abs(diff) / abs(self.before) * 100 >= self.mcid.percent:
            return f"{way} by at least the smallest change that matters ({self.mcid.wording})"
        return f"{way}, but by less than the smallest change that matters ({self.mcid.wording})"


@dataclass(frozen=True)
class MeasureRow:
    """One daily measurement (sleep, steps, heart rate, weather…): its mean over the days
    with a value in this period and in the previous one. No verdict: no smallest change that
    matters is published for these in this context."""

    change: Change  # label, both means and the change (mcid always None)
    days: int  # days of this period with a value
    previous_days: int


# The check-in's optional "How much did you do today?" (0-10), printed among the measures.
ACTIVITY_KEY = "checkin_activity"
# The measures the report prints, in this order, as (metric key, label, digits, percent).
# Keys are spasmtrack.core.measures metric keys (and ACTIVITY_KEY); other (own) metrics are
# left out.
REPORT_MEASURES = (
    ("sleep_hours", "Sleep (hours a night)", 1, True),
    ("sleep_efficiency", "Sleep efficiency (%)", 0, False),
    ("awakenings", "Awakenings a night", 1, True),
    ("steps", "Steps a day", 0, True),
    (ACTIVITY_KEY, "Activity, check-in rating (0–10)", 1, True),
    ("resting_heart_rate", "Resting heart rate (bpm)", 0, True),
    ("hrv_sdnn", "Heart-rate variability, SDNN (ms)", 0, True),
    ("temperature_max", "Highest temperature of the day (°C)", 1, False),
    ("temperature_min", "Lowest temperature of the day (°C)", 1, False),
    ("pressure", "Air pressure (hPa)", 0, False),
    ("humidity", "Relative humidity (%)", 0, False),
    ("precipitation", "Precipitation (mm a day)", 1, True),
)


def measure_rows(
    now: Mapping[str, Mapping[date, float]], before: Mapping[str, Mapping[date, float]]
) -> list[MeasureRow]:
    """The daily means of each known measurement the person has in either period
    ({metric: {day: value}}, one value a day), in REPORT_MEASURES order."""
    rows = []
    for key, label, digits, percent in REPORT_MEASURES:
        this, last = now.get(key, {}), before.get(key, {})
        if not this and not last:
            continue
        change = Change(
            label,
            mean_or_none(list(this.values())),
            mean_or_none(list(last.values())),
            digits=digits,
            percent=percent,
        )
        rows.append(MeasureRow(change, len(this), len(last)))
    return rows


@dataclass(frozen=True)
class CycleRow:
    """The menstrual cycle from the person's logged period days (only when the person has
    cycle tracking on and has logged any): the figures `spasmtrack.core.cycle.summarise`
    gives as of the period's last day, and the period days logged in each period."""

    period_days: int  # logged in this period
    previous_period_days: int  # logged in the previous period of the same length
    cycle: CycleSummary  # as of `as_of`
    as_of: date  # the day the expectation is computed for (the period's last day)

    def lines(self) -> list[str]:
        """Plain sentences: what was logged and what the calendar arithmetic expects."""

        def days(n: int) -> str:
            return f"{n} period day{'' if n == 1 else 's'}"

        c = self.cycle
        out = [
            f"{days(self.period_days)} logged in this period "
            f"({days(self.previous_period_days)} in the previous one)."
        ]
        if c.average_length is None:
            out.append("Average cycle length: not yet known (fewer than two periods logged).")
        else:
            spread = (
                f", {c.shortest}–{c.longest} days"
                if c.shortest is not None and c.longest != c.shortest
                else ""
            )
            cycles = f"{c.cycles_counted} cycle{'' if c.cycles_counted == 1 else 's'}"
            out.append(
                f"Average cycle length: {c.average_length:.1f} days ({cycles} counted{spread})."
            )
        if c.expected is not None and c.earliest is not None and c.latest is not None:
            text = (
                f"Next period expected around {_day(c.expected)} "
                f"(range {_day(c.earliest)} – {_day(c.latest)})"
            )
            if c.late:
                text += f"; none logged by {_day(self.as_of)}"
            out.append(text + ".")
        elif c.average_length is not None:
            out.append("Next period: too few cycles logged to expect a day.")
        return out


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def cycle_row(
    logged: Iterable[date],
    start: date,
    end: date,
    previous_start: date,
    summary: CycleSummary,
) -> CycleRow:
    """The report's cycle figures: period days logged in start..end and in previous_start..
    start-1, beside `summary` (a `core.cycle.CycleSummary` as of `end`)."""
    days = set(logged)
    return CycleRow(
        period_days=sum(1 for d in days if start <= d <= end),
        previous_period_days=sum(1 for d in days if previous_start <= d < start),
        cycle=summary,
        as_of=end,
    )


@dataclass(frozen=True)
class Week:
    start: date
    spasms: int = 0
    twitches: int = 0
    spasm_intensity: float | None = None  # mean of the week's spasms, 0-10
    checkins: Mapping[str, float | None] = field(default_factory=dict)  # item -> weekly mean


@dataclass(frozen=True)
class RegionRow:
    region_id: str
    label: str
    view: str
    drawings: int  # pain drawings marking it (> 0)
    mean_pain: float | None  # mean intensity where marked
    heat: float  # mean over ALL drawings of the period (unmarked = 0): frequency x intensity
    events: int  # spasms and twitches logged there
    event_intensity: float | None


@dataclass(frozen=True)
class TriggerPointRow:
    muscle: str
    side: str
    found_by: str  # "clinician", "self-check" or both
    status: str  # latest
    times: int
    first_day: date
    first_tenderness: int
    last_day: date
    last_tenderness: int


@dataclass(frozen=True)
class TreatmentRow:
    name: str
    times: int
    pairs: int  # logs with both pain before and after
    mean_before: float | None
    mean_after: float | None


@dataclass(frozen=True)
class ScoreRow:
    title: str
    day: date
    headline: str
    details: str
    previous: str  # e.g. "62.0 on 1 Mar 2026", or "" when there is no earlier response


@dataclass(frozen=True)
class Report:
    """Everything the PDF prints, as plain values."""

    person: str
    tz: str
    start: date
    end: date
    made_on: date
    spasms: int
    twitches: int
    spasm_intensity: float | None
    checkin_days: int
    drawings: int
    weeks: Sequence[Week]
    regions: Sequence[RegionRow]  # ranked, most affected first
    heat: Mapping[str, float]  # region id -> colour 0-10 on the body map
    heat_source: str  # "drawings", "events" or "" (nothing to draw)
    trigger_points: Sequence[TriggerPointRow]
    treatments: Sequence[TreatmentRow]
    scores: Sequence[ScoreRow]
    questions: str
    # Insights patterns for the period, one line each, with any experiment's verdict.
    findings: Sequence[str] = ()
    birth_date: date | None = None
    first_day: date | None = None  # first day anything was logged (None: nothing yet)
    tracked_days: int = 0  # days of the period from the first logged day on
    previous_start: date | None = None
    previous_end: date | None = None
    changes: Sequence[Change] = ()
    twitch_regions: Sequence[tuple[str, int]] = ()  # (region label, twitches), most first
    experiments: Sequence[str] = ()  # finished experiments with their answer
    previous_tracked_days: int = 0  # days of the previous period from the first logged day on
    measures: Sequence[MeasureRow] = ()  # sleep, activity and weather, where the person has them
    cycle: CycleRow | None = None  # only with cycle tracking on and period days logged

    @property
    def history_text(self) -> str:
        """Honest wording for how long the diary has been kept, e.g. "tracked for 1 day"."""
        if self.first_day is None or self.tracked_days == 0:
            return "nothing logged yet"
        n = self.tracked_days
        days = f"{n} day" + ("" if n == 1 else "s")
        if n < self.days:
            return f"tracked for {days}, since {self.first_day.day} {self.first_day:%b %Y}"
        return f"tracked all {days}"

    @property
    def rate_days(self) -> int:
        """Days to divide counts by for "a week": the tracked days, at least one."""
        return max(self.tracked_days, 1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def mean_or_none(values: Sequence[float]) -> float | None:
    return fmean(values) if values else None


def week_starts(start: date, end: date) -> list[date]:
    """The Mondays of every week that overlaps start..end (inclusive)."""
    first = start - timedelta(days=start.weekday())
    return [first + timedelta(weeks=i) for i in range((end - first).days // 7 + 1)]


def _week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks(
    start: date,
    end: date,
    events: Iterable[tuple[date, str, int]],
    checkins: Iterable[tuple[date, Mapping[str, int | None]]],
) -> list[Week]:
    """Weekly spasm and twitch counts, mean spasm intensity and mean check-in ratings.

    `events` are (local day, "spasm"|"twitch", intensity); `checkins` are (local day,
    {item: 0-10 or None}). Entries outside start..end are ignored.
    """
    counts: dict[date, dict[str, int]] = defaultdict(lambda: {"spasm": 0, "twitch": 0})
    intensities: dict[date, list[float]] = defaultdict(list)
    for day, kind, intensity in events:
        if start <= day <= end:
            counts[_week_of(day)][kind] += 1
            if kind == "spasm":
                intensities[_week_of(day)].append(intensity)
    ratings: dict[tuple[date, str], list[float]] = defaultdict(list)
    for day, values in checkins:
        if start <= day <= end:
            for item, _ in CHECKIN_ITEMS:
                if (v := values.get(item)) is not None:
                    ratings[(_week_of(day), item)].append(v)
    return [
        Week(
            start=w,
            spasms=counts[w]["spasm"],
            twitches=counts[w]["twitch"],
            spasm_intensity=mean_or_none(intensities[w]),
            checkins={item: mean_or_none(ratings[(w, item)]) for item, _ in CHECKIN_ITEMS},
        )
        for w in week_starts(start, end)
    ]


def region_rows(
    drawings: Sequence[Mapping[str, int]], events: Iterable[tuple[Sequence[str], int]]
) -> list[RegionRow]:
    """Regions that were marked or had events, most affected first.

    Ranked by `heat` (mean pain over all drawings, unmarked counting 0, so a region marked
    often and strongly ranks first), then by number of spasms and twitches there.
    `drawings` are {region id: 0-10}; `events` are (region ids, intensity).
    """
    marked: dict[str, list[int]] = defaultdict(list)
    for d in drawings:
        for rid, pain in d.items():
            if pain > 0:
                marked[rid].append(pain)
    at: dict[str, list[int]] = defaultdict(list)
    for rids, intensity in events:
        for rid in rids:
            at[rid].append(intensity)
    regions = all_regions()
    order = {rid: i for i, rid in enumerate(regions)}
    rows = []
    for rid in sorted(set(marked) | set(at), key=order.__getitem__):
        r = regions[rid]
        pains = marked.get(rid, [])
        rows.append(
            RegionRow(
                region_id=rid,
                label=r.label,
                view=r.view,
                drawings=len(pains),
                mean_pain=mean_or_none(pains),
                heat=sum(pains) / len(drawings) if drawings else 0.0,
                events=len(at.get(rid, [])),
                event_intensity=mean_or_none(at.get(rid, [])),
            )
        )
    return sorted(rows, key=lambda row: (-row.heat, -row.events, -(row.event_intensity or 0)))


def twitch_rows(events: Iterable[Sequence[str]]) -> list[tuple[str, int]]:
    """(region label, twitches there), most first: twitches are listed apart from spasms."""
    counts: dict[str, int] = defaultdict(int)
    for rids in events:
        for rid in rids:
            counts[rid] += 1
    regions = all_regions()
    return sorted(((regions[r].label, n) for r, n in counts.items()), key=lambda x: (-x[1], x[0]))


def heat_map(rows: Sequence[RegionRow], has_drawings: bool) -> tuple[dict[str, float], str]:
    """Colour per region (0-10) and where it comes from: pain drawings when there are any,
    otherwise the mean intensity of the spasms and twitches logged there."""
    if has_drawings:
        return {r.region_id: r.heat for r in rows if r.heat > 0}, "drawings"
    heat = {r.region_id: r.event_intensity for r in rows if r.event_intensity}
    return ({k: float(v) for k, v in heat.items()}, "events") if heat else ({}, "")


def trigger_point_rows(
    points: Iterable[tuple[date, str, str, str, int, str]],
) -> list[TriggerPointRow]:
    """One row per (muscle, side): first and latest tenderness, in order of first finding.

    `points` are (local day, muscle label, side, status, tenderness 0-10, found by), in time
    order.
    """
    groups: dict[tuple[str, str], list[tuple[date, str, str, str, int, str]]] = {}
    for p in points:
        groups.setdefault((p[1], p[2]), []).append(p)
    rows = []
    for (muscle, side), ps in groups.items():
        first, last = ps[0], ps[-1]
        found_by = sorted({"self-check" if p[5] == "self" else p[5] for p in ps})
        rows.append(
            TriggerPointRow(
                muscle=muscle,
                side=side,
                found_by=", ".join(found_by),
                status=last[3],
                times=len(ps),
                first_day=first[0],
                first_tenderness=first[4],
                last_day=last[0],
                last_tenderness=last[4],
            )
        )
    return rows


def treatment_rows(logs: Iterable[tuple[str, int | None, int | None]]) -> list[TreatmentRow]:
    """Per treatment: times logged and mean pain before/after over the logs that have both.

    `logs` are (treatment name, pain before, pain after). Most used first.
    """
    by_name: dict[str, list[tuple[int | None, int | None]]] = defaultdict(list)
    for name, before, after in logs:
        by_name[name].append((before, after))
    rows = []
    for name, pairs in by_name.items():
        both = [(b, a) for b, a in pairs if b is not None and a is not None]
        rows.append(
            TreatmentRow(
                name=name,
                times=len(pairs),
                pairs=len(both),
                mean_before=mean_or_none([b for b, _ in both]),
                mean_after=mean_or_none([a for _, a in both]),
            )
        )
    return sorted(rows, key=lambda r: (-r.times, r.name))
