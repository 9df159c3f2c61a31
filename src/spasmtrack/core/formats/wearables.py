"""Daily sleep and activity from wearable exports: Apple Health and Fitbit / Google Takeout.

Pure: byte streams, a time zone and a day start in, `DailyValue`s (core.measures) out.

Every record goes to the person's diary day (`core.days.day_of`: the day starts at the
person's `day_start`, default 04:00, in their zone, exact across DST), so steps at 01:30
count for the same day as the diary's entries at 01:30, the day before with a 04:00 start.
A night's sleep goes to the diary day of the instant it ends (the day of waking): a night
that ends at 03:30 counts for the day before, as the person has not yet slept it off.

**Apple Health** (`export.xml`, also inside the `export.zip` the Health app shares): a
`<HealthData>` root with one `<Record type=… sourceName=… unit=… startDate=… endDate=…
value=…>` per sample; dates read "2024-01-02 07:30:00 +0100". It is read with lxml's
(libxml2) parser and a parser target: each start tag's attributes arrive as a dict, no tree
is built, so memory stays flat however big the file (only per-day totals and the sleep
segments, in flat arrays, are kept). The fastest of the real parsers at hand, measured
with an empty handler on the same file: lxml's iterparse (tag="Record", start or end
events, clearing) reaches 71-74 % of its speed, the standard library's expat 67-81 %
(ordered attributes the faster), so that only it leaves room under the 200,000 records/s
target for the handler. The handler's hot paths (step and sleep records) are inlined and
cached per hour of the records' clock (see local_day and _timestamp); with a day start on
the hour (the default) and whole-hour offsets every hour is cached, no record converted on
its own. No DTD is loaded, no entity is substituted and nothing is fetched from the
network; a file that declares any entity is refused at its root element (an export has none;
this rules out entity-expansion bombs and external entities).
Read:

- HKQuantityTypeIdentifierStepCount: summed per diary day (of `startDate`) and source
  (iPhone, Watch…), then the day's largest source total, since the phone and the watch count
  the same steps (Apple's own de-duplication is not in the export).
- HKQuantityTypeIdentifierRestingHeartRate (count/min), HKQuantityTypeIdentifierHeart
  RateVariabilitySDNN (ms): the day's mean.
- HKCategoryTypeIdentifierSleepAnalysis: segments InBed, Asleep / AsleepUnspecified /
  AsleepCore / AsleepDeep / AsleepREM, Awake. Segments less than SLEEP_GAP apart form one
  sleep; a sleep belongs to the diary day of its end (the day of waking). Hours asleep
  are the union of the asleep segments (several sources overlap), summed over the day's
  sleeps (a nap counts); sleep efficiency (asleep / time in bed, %) and awakenings (awake
  segments between falling asleep and the last waking) come from the day's longest sleep,
  only when the source recorded in-bed or awake time.

**Fitbit** (`sleep-YYYY-MM-DD.json`, `steps-YYYY-MM-DD.json` in a Fitbit or Google Takeout
export): sleep logs carry `endTime` (local wall time, "2024-01-02T07:12:30.000"), `dateOfSleep`
(Fitbit's calendar day of waking), `minutesAsleep`, `efficiency`, `mainSleep` and
`levels.summary` (`wake.count` for staged logs, `awake.count` for classic ones); a log goes
to the diary day of its `endTime` in the person's zone (a repeated wall time taken as its
first occurrence), to `dateOfSleep` only when it has no `endTime`. Hours asleep sum the
day's logs, efficiency and awakenings come from the main sleep. Steps files hold
`{"dateTime": "MM/DD/YY HH:MM:SS", "value": "12"}` per minute; the times are read as UTC
(as Fitbit writes them in its data export (unverified)) and summed per diary day.
"""

from __future__ import annotations

import json
import operator
import re
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from itertools import islice
from typing import Any, Protocol

from spasmtrack.core.days import DEFAULT_DAY_START, ONE_DAY, day_boundary, day_of
from spasmtrack.core.measures import (
    AWAKENINGS,
    HRV_SDNN,
    RESTING_HR,
    SLEEP_EFFICIENCY,
    SLEEP_HOURS,
    STEPS,
    DailyValue,
    MeasureError,
    checked_value,
)

STEP = "HKQuantityTypeIdentifierStepCount"
RHR = "HKQuantityTypeIdentifierRestingHeartRate"
HRV = "HKQuantityTypeIdentifierHeartRateVariabilitySDNN"
SLEEP = "HKCategoryTypeIdentifierSleepAnalysis"
ASLEEP = frozenset(
    "HKCategoryValueSleepAnalysis" + s
    for s in ("Asleep", "AsleepUnspecified", "AsleepCore", "AsleepDeep", "AsleepREM")
)
IN_BED = "HKCategoryValueSleepAnalysisInBed"
AWAKE = "HKCategoryValueSleepAnalysisAwake"
SLEEP_KINDS = (IN_BED, AWAKE, *sorted(ASLEEP))  # a segment's value, stored as its index
_SLEEP_CODE = {kind: i for i, kind in enumerate(SLEEP_KINDS)}
_MINUTE_SECOND = {f"{m:02}:{s:02}": 60.0 * m + s for m in range(60) for s in range(60)}
MAX_ASLEEP_HOURS = 20
SLEEP_GAP = 3 * 3600.0  # seconds between segments that start a new sleep
CHUNK = 1 << 20
MAX_SLEEP_SEGMENTS = 2_000_000  # a decade of staged nights is about 200,000

Progress = Callable[[int], None]  # called with the bytes read so far
_HOURS = {f"{h:02}": h for h in range(24)}
_EXACT = date.min  # cache marker: convert each record of this hour on its own


@dataclass
class AppleHealthResult:
    values: list[DailyValue]
    records: int = 0  # <Record> elements seen
    used: dict[str, int] = field(default_factory=dict)  # records read, per type
    skipped_sleep_days: list[date] = field(default_factory=list)  # see sleep_values


class _AppleHealthReader:
    def __init__(self, zone: tzinfo, day_start: time = DEFAULT_DAY_START) -> None:
        self.zone = zone
        self.day_start = day_start
        self.step_records = 0
        self.other_records = 0  # Records of the types not read
        self.used: dict[str, int] = defaultdict(int)  # Records read, per type but steps
        # Per day, per source, the step count; and per hour of the records' clock that lies
        # in one diary day of the person's (see local_day), that day's entry.
        self.steps: dict[date, dict[str, float]] = {}
        self._steps_of_hour: dict[str, dict[str, float]] = {}
        self.sums: dict[tuple[str, date], float] = defaultdict(float)
        self.counts: dict[tuple[str, date], int] = defaultdict(int)
        # Sleep segments in three flat arrays (17 bytes a segment, not a tuple of objects):
        # a decade of staged nights is about 200,000 of them.
        self.sleep_start = array("d")
        self.sleep_end = array("d")
        self.sleep_kind = bytearray()
        self.skipped_sleep_days: list[date] = []
        self._day_cache: dict[str, date] = {}
        self._hour_ts: dict[str, float] = {}  # see _timestamp
        self._midnight: dict[str, float] = {}  # "2024-01-02 +0100" -> epoch, see local_day
        # Calendar date -> the epochs of its and the next date's day_start, see _hour_day.
        self._bounds: dict[date, tuple[float, float]] = {}
        # The last diary day _hour_day found, and the stretch of time known to be in it.
        self._last_day: tuple[date, float, float] = (_EXACT, float("inf"), float("-inf"))
        self.root: str | None = None
        self.source: _Counted | None = None  # to check the prolog at the root element

    # -- dates ----------------------------------------------------------------------------

    def _parse(self, text: str) -> datetime:
        # "2024-01-02 07:30:00 +0100" -> fromisoformat("2024-01-02 07:30:00+0100")
        try:
            return datetime.fromisoformat(text[:19] + text[20:] if len(text) == 25 else text)
        except ValueError:
            raise MeasureError(f"unreadable date {text[:40]!r}") from None

    def local_day(self, text: str) -> date:
        """The person's diary day (`day_of`) of an Apple date string, cached per hour and
        offset (see _hour)."""
        day = self._hour(text, text[:13] + text[19:])
        if day is _EXACT:
            return day_of(self._parse(text), self.zone, self.day_start)
        return day

    def _hour(self, text: str, key: str) -> date:
        """The diary day of the hour of the record's clock that `text` lies in, or _EXACT.

        An hour of the record's clock is a fixed stretch of time; when its start and its last
        second have the same diary day (days are in time order, so every second between has
        it too), that day is cached for the hour. With the offsets differing by whole hours
        and a day start on the hour, as nearly always, every hour is. Otherwise (e.g. +05:30
        against +01:00, a day start at 04:30, or a DST change at the boundary) the hour is
        _EXACT: each record of it goes through `day_of` on its own."""
        day = self._day_cache.get(key)
        if day is None:
            if len(self._day_cache) > 20_000:  # records come roughly in time order
                self._day_cache.clear()
                self._midnight.clear()
                self._bounds.clear()
            # The epoch of the hour's start: from its day's midnight in the same offset when
            # that day was seen (the strings differ only in the hour digits, so they parse
            # alike, 3,600 s apart), else parsed.
            hour = _HOURS.get(text[11:13])
            day_key = text[:11] + text[19:]
            midnight = self._midnight.get(day_key) if hour is not None else None
            if midnight is not None and hour is not None:
                start = midnight + 3600 * hour
            else:
                parsed = self._parse(text[:13] + ":00:00" + text[19:])
                if parsed.tzinfo is None:
                    raise MeasureError(f"date without a time zone offset: {text[:40]!r}")
                start = parsed.timestamp()
                if hour is not None:
                    self._midnight[day_key] = start - 3600 * hour
            day = self._day_cache[key] = self._hour_day(start)
        return day

    def _hour_day(self, start: float) -> date:
        """The diary day of the hour from `start` (epoch seconds) when all of it lies in one,
        else _EXACT. `day_of` compares an instant with the boundary (core.days.day_boundary)
        of its calendar date in the zone: so does this, with each calendar date's boundary
        and the next one's cached, from one conversion of the hour's start. The hours of a
        day come one after another, so the stretch of the last day found (from the hour it
        was found for to the day's end) is tried first, without a conversion."""
        day, since, until = self._last_day
        if since <= start and start + 3599 < until:
            return day
        calendar = datetime.fromtimestamp(start, self.zone).date()
        bounds = self._bounds.get(calendar)
        if bounds is None:
            zone, day_start = self.zone, self.day_start
            bounds = self._bounds[calendar] = (
                day_boundary(calendar, zone, day_start).timestamp(),
                day_boundary(calendar + ONE_DAY, zone, day_start).timestamp(),
            )
        if start < bounds[0]:
            day, until = calendar - ONE_DAY, bounds[0]
        else:
            day, until = calendar, bounds[1]
        if start + 3599 < until:
            self._last_day = (day, start, until)
            return day
        return _EXACT

    def timestamp(self, text: str) -> float:
        """Seconds since the epoch of an Apple date string (cached per hour: `_timestamp`)."""
        base = self._hour_ts.get(text[:14] + text[19:])
        second = _MINUTE_SECOND.get(text[14:19])
        if base is not None and second is not None:
            return base + second
        return self._timestamp(text)

    def _timestamp(self, text: str) -> float:
        """The uncached case: parsed in full, then the epoch of its hour is cached, keyed by
        the string without its minutes and seconds ("2024-01-02 07: +0100"). A string of the
        same key whose minutes and seconds are in _MINUTE_SECOND parses exactly like this one
        with other minutes and seconds, so adding them to the cached hour is the same
        timestamp (whole seconds and a fixed offset: exact in a float)."""
        dt = self._parse(text)
        if dt.tzinfo is None:
            raise MeasureError(f"date without a time zone offset: {text[:40]!r}")
        ts = dt.timestamp()
        second = _MINUTE_SECOND.get(text[14:19])
        if len(text) == 25 and second is not None:
            if len(self._hour_ts) > 20_000:
                self._hour_ts.clear()
            self._hour_ts[text[:14] + text[19:]] = ts - second
        return ts

    # -- lxml's parser target: every start tag, with a dict of its attributes ------------

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        """One element; a <Record> is read (KeyError for a missing attribute). The hot
        path of the import, so the common cases are inlined: each Record adds one to
        exactly one counter (the step records', the other read types' or the unread ones'),
        `records` is their sum."""
        if tag != "Record":
            if self.root is None:
                self._root(tag)
            return
        kind = attrs.get("type")
        if kind == STEP:
            self.step_records += 1
            text = attrs["startDate"]
            hour = text[:13] + text[19:]
            per_source = self._steps_of_hour.get(hour)
            if per_source is None:
                per_source = self._steps_of(text, hour)
            source = attrs.get("sourceName", "")
            per_source[source] = per_source.get(source, 0.0) + float(attrs["value"])
        elif kind == SLEEP:
            self.used[kind] += 1
            code = _SLEEP_CODE.get(attrs.get("value", ""))
            if code is not None:
                if len(self.sleep_kind) >= MAX_SLEEP_SEGMENTS:
                    raise MeasureError("more sleep segments than any real export holds")
                start = self.timestamp(attrs["startDate"])
                end = self.timestamp(attrs["endDate"])
                if end > start:
                    self.sleep_start.append(start)
                    self.sleep_end.append(end)
                    self.sleep_kind.append(code)
        elif kind in (RHR, HRV):
            self.used[kind] += 1
            key = (kind, self.local_day(attrs["startDate"]))
            self.sums[key] += float(attrs["value"])
            self.counts[key] += 1
        else:
            self.other_records += 1

    def _steps_of(self, text: str, key: str) -> dict[str, float]:
        """The step counts per source of the record's day; cached per hour (`key`, as in
        local_day) when the whole hour lies in one day."""
        day = self._hour(text, key)
        if day is _EXACT:  # not cached for the hour
            return self.steps.setdefault(self.local_day(text), {})
        per_source = self.steps.get(day)
        if per_source is None:  # (not setdefault: no dict built for every new hour)
            per_source = self.steps[day] = {}
        if len(self._steps_of_hour) > 20_000:
            self._steps_of_hour.clear()
        self._steps_of_hour[key] = per_source
        return per_source

    @property
    def records(self) -> int:
        """<Record> elements seen so far (the one being read included)."""
        return self.step_records + self.other_records + sum(self.used.values())

    def used_types(self) -> dict[str, int]:
        """Records read, per type."""
        return {STEP: self.step_records, **self.used} if self.step_records else dict(self.used)

    def _root(self, tag: str) -> None:
        self.root = tag
        if self.source is not None:
            self.source.root_seen = True
            if b"<!ENTITY" in self.source.head:
                raise MeasureError(
                    "the XML declares entities, which an Apple Health export never does"
                )
        if tag != "HealthData":
            raise MeasureError(
                f"not an Apple Health export (the XML starts with <{tag[:40]}>, not <HealthData>)"
            )

    def close(self) -> None:
        pass

    # -- results --------------------------------------------------------------------------

    def values(self) -> list[DailyValue]:
        out: list[DailyValue] = []
        per_day: dict[date, float] = {}
        for day, per_source in self.steps.items():
            for total in per_source.values():
                per_day[day] = max(per_day.get(day, 0.0), total)
        out += [_value(d, STEPS, v) for d, v in sorted(per_day.items())]
        for (kind, day), total in sorted(self.sums.items()):
            mean = total / self.counts[(kind, day)]
            out.append(_value(day, RESTING_HR if kind == RHR else HRV_SDNN, round(mean, 3)))
        out += sleep_values(
            self._segments(),
            self.zone,
            self.skipped_sleep_days,
            ordered=True,
            day_start=self.day_start,
        )
        return out

    def _segments(self) -> Iterator[tuple[float, float, str]]:
        """The sleep segments by start time (stable), one tuple at a time. An export's come
        in order nearly always: then they are not sorted at all."""
        starts, ends, kinds = self.sleep_start, self.sleep_end, self.sleep_kind
        if all(map(operator.le, starts, islice(starts, 1, None))):
            return zip(starts, ends, map(SLEEP_KINDS.__getitem__, kinds), strict=True)
        order = sorted(range(len(kinds)), key=starts.__getitem__)
        return ((starts[i], ends[i], SLEEP_KINDS[kinds[i]]) for i in order)


def _value(day: date, metric: str, value: float) -> DailyValue:
    try:
        v, unit = checked_value(metric, value, None)
    except MeasureError as e:
        raise MeasureError(f"{day.isoformat()}: {e.reason}") from None
    return DailyValue(day, metric, v, unit)


def _add(merged: list[list[float]], s: float, e: float) -> None:
    """Add the segment (s, e) to the union `merged` of segments that start no later."""
    if merged and s <= merged[-1][1]:
        if e > merged[-1][1]:
            merged[-1][1] = e
    else:
        merged.append([s, e])


def _length(merged: list[list[float]]) -> float:
    return sum([e - s for s, e in merged])


def sleep_values(
    segments: Iterable[tuple[float, float, str]],
    zone: tzinfo,
    skipped: list[date] | None = None,
    *,
    ordered: bool = False,
    day_start: time = DEFAULT_DAY_START,
) -> list[DailyValue]:
    """Hours asleep, sleep efficiency and awakenings per day of waking: the diary day
    (`day_of` with `day_start` in `zone`) of a sleep's end (see the module doc).

    `segments` are (start, end, value); `ordered` says they already come by start time, so
    they are read as a stream (one sleep in memory at a time). A day with more than
    MAX_ASLEEP_HOURS asleep (a source that logged "asleep" around the clock, so that sleeps
    run into each other) is left out and added to `skipped`, rather than refusing the whole
    export or storing a day that cannot be right."""
    asleep_by_day: dict[date, float] = defaultdict(float)
    # The day's longest sleep: (its hours asleep, efficiency, awakenings), the last two None
    # for an asleep-only source, which cannot tell time awake in bed.
    main: dict[date, tuple[float, float | None, float | None]] = {}

    def one_sleep(sleep: list[tuple[float, float, str]], end: float) -> None:
        # One pass (the segments come by start time): the unions of the asleep, the awake
        # and all segments.
        asleep: list[list[float]] = []
        awake: list[list[float]] = []
        every: list[list[float]] = []
        bed_or_awake = False
        for s, e, v in sleep:
            if every and s <= every[-1][1]:  # _add, inlined: the hot loop of sleep_values
                if e > every[-1][1]:
                    every[-1][1] = e
            else:
                every.append([s, e])
            if v in ASLEEP:
                if asleep and s <= asleep[-1][1]:
                    if e > asleep[-1][1]:
                        asleep[-1][1] = e
                else:
                    asleep.append([s, e])
            elif v == AWAKE:
                bed_or_awake = True
                _add(awake, s, e)
            elif v == IN_BED:
                bed_or_awake = True
        if not asleep:
            return
        day = day_of(datetime.fromtimestamp(end, zone), zone, day_start)
        length = _length(asleep)
        asleep_by_day[day] += length
        if day in main and length <= main[day][0]:
            return
        if not bed_or_awake:
            main[day] = (length, None, None)
            return
        in_bed = _length(every)
        first, last = asleep[0][0], asleep[-1][1]
        main[day] = (
            length,
            round(min(100.0, 100 * length / in_bed), 1),
            float(sum(1 for s, _ in awake if first < s < last)),
        )

    sleep: list[tuple[float, float, str]] = []
    end = -1.0
    for seg in segments if ordered else sorted(segments):
        if sleep and seg[0] - end > SLEEP_GAP:
            one_sleep(sleep, end)
            sleep = []
        if not sleep or seg[1] > end:
            end = seg[1]
        sleep.append(seg)
    if sleep:
        one_sleep(sleep, end)
    out: list[DailyValue] = []
    for day in sorted(asleep_by_day):
        if asleep_by_day[day] > MAX_ASLEEP_HOURS * 3600:
            if skipped is not None:
                skipped.append(day)
            continue
        out.append(_value(day, SLEEP_HOURS, round(asleep_by_day[day] / 3600, 3)))
        _, efficiency, awakenings = main[day]
        if efficiency is not None and awakenings is not None:
            out.append(_value(day, SLEEP_EFFICIENCY, efficiency))
            out.append(_value(day, AWAKENINGS, awakenings))
    return out


class Readable(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...


class _Counted:
    """The stream as lxml reads it: counts bytes (for the progress bar) and keeps the prolog
    (to check it at the root element)."""

    def __init__(self, stream: Readable, progress: Progress | None) -> None:
        self.stream = stream
        self.progress = progress
        self.read_bytes = 0
        self.head = b""  # everything up to the root element (the prolog and its DTD)
        self.root_seen = False

    def read(self) -> bytes:
        chunk = self.stream.read(CHUNK)
        if not chunk:
            return chunk
        self.read_bytes += len(chunk)
        if not self.root_seen:
            self.head += chunk
            if len(self.head) > MAX_PROLOG:
                raise MeasureError(
                    f"not an Apple Health export (no <HealthData> in its first {MAX_PROLOG:,} "
                    "bytes)"
                )
        if self.progress is not None:
            self.progress(self.read_bytes)
        return chunk


MAX_PROLOG = 4 * 1024 * 1024  # bytes before <HealthData>; Apple's inline DTD is about 10 KB


def read_apple_health(
    stream: Readable,
    zone: tzinfo,
    progress: Progress | None = None,
    day_start: time = DEFAULT_DAY_START,
) -> AppleHealthResult:
    """Daily values from an Apple Health export.xml stream, per diary day of a person in
    `zone` whose day starts at `day_start` (see the module docstring).

    MeasureError (with the XML line, or the record's number, when known) for anything that
    is not a readable export.
    """
    from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type hints

    reader = _AppleHealthReader(zone, day_start)
    source = reader.source = _Counted(stream, progress)
    # No DTD loading, no entity substitution, no network: no entity is ever expanded or
    # fetched, and a file that declares one is refused at its root element.
    parser = etree.XMLParser(
        target=reader,
        load_dtd=False,
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    # A file cut short is well-formed as far as it goes: libxml2 refuses it only when told
    # that the data ended (at close), while anything broken earlier is refused as it is fed.
    ended = False
    try:
        while chunk := source.read():
            parser.feed(chunk)
        ended = True
        parser.close()
        if reader.root is None:
            # Without a root element lxml may end quietly, leaving its error in the log.
            errors = parser.error_log.filter_from_errors()
            if errors:
                first = errors[0]
                raise MeasureError(
                    f"not well-formed XML ({first.message}) at XML line {max(first.line, 1)}"
                )
            raise MeasureError("not an Apple Health export (no <HealthData> element)")
    except etree.XMLSyntaxError as e:
        at_line = e.position[0] if e.position else 0
        if source.read_bytes == 0:
            what = "the file is empty"
        elif ended:
            what = "the file ends too early (truncated?)"
        else:
            what = f"not well-formed XML ({str(e.msg).split(', line')[0]})"
        raise MeasureError(f"{what} at XML line {max(at_line, 1)}") from None
    except MeasureError as e:
        raise MeasureError(f"{e.reason}{_where(reader)}") from None
    except (KeyError, ValueError) as e:
        what = f"attribute {e} missing" if isinstance(e, KeyError) else "a value is not a number"
        raise MeasureError(f"a Record's {what}{_where(reader)}") from None
    values = reader.values()
    return AppleHealthResult(values, reader.records, reader.used_types(), reader.skipped_sleep_days)


def _where(reader: _AppleHealthReader) -> str:
    return f" (record {reader.records:,} of the file)" if reader.records else ""


# --- Fitbit / Google Takeout -----------------------------------------------------------------

FITBIT_FILE = re.compile(r"(?:^|/)(sleep|steps)-\d{4}-\d{2}-\d{2}\.json$")


def fitbit_kind(name: str) -> str | None:
    """ "sleep" or "steps" for a Fitbit export file name, None for any other file."""
    m = FITBIT_FILE.search(name)
    return m.group(1) if m else None


@dataclass
class FitbitDays:
    """Accumulates several Fitbit files, then gives the daily values per diary day of a
    person in `zone` whose day starts at `day_start`."""

    zone: tzinfo
    day_start: time = DEFAULT_DAY_START
    asleep: dict[date, float] = field(default_factory=lambda: defaultdict(float))
    main: dict[date, tuple[float, float | None, float | None]] = field(default_factory=dict)
    steps: dict[date, float] = field(default_factory=lambda: defaultdict(float))
    logs: int = 0

    def add(self, kind: str, data: Any, where: str) -> None:
        if not isinstance(data, list):
            raise MeasureError(f"{where}: a Fitbit {kind} file holds a JSON list")
        for i, item in enumerate(data, start=1):
            try:
                if kind == "sleep":
                    self._sleep(item)
                else:
                    self._steps(item)
            except (KeyError, TypeError, ValueError) as e:
                why = e.reason if isinstance(e, MeasureError) else f"unreadable ({e!s:.60})"
                raise MeasureError(f"{where} item {i}: {why}") from None
            self.logs += 1

    def _sleep(self, item: dict[str, Any]) -> None:
        end = item.get("endTime")
        if end is None:
            day = date.fromisoformat(item["dateOfSleep"])
        else:
            # Local wall time; a repeated one is taken as its first occurrence (fold=0).
            at = datetime.fromisoformat(end)
            aware = at.replace(tzinfo=self.zone) if at.tzinfo is None else at
            day = day_of(aware, self.zone, self.day_start)
        minutes = float(item["minutesAsleep"])
        self.asleep[day] += minutes
        if item.get("mainSleep", True) and minutes >= self.main.get(day, (-1.0, None, None))[0]:
            eff = item.get("efficiency")
            summary = (item.get("levels") or {}).get("summary") or {}
            wake = summary.get("wake") or summary.get("awake") or {}
            count = wake.get("count")
            self.main[day] = (
                minutes,
                float(eff) if eff is not None else None,
                float(count) if count is not None else None,
            )

    def _steps(self, item: dict[str, Any]) -> None:
        at = datetime.strptime(item["dateTime"], "%m/%d/%y %H:%M:%S")
        day = day_of(at.replace(tzinfo=UTC), self.zone, self.day_start)
        self.steps[day] += float(item["value"])

    def values(self) -> list[DailyValue]:
        out: list[DailyValue] = []
        for day in sorted(self.asleep):
            out.append(_value(day, SLEEP_HOURS, round(self.asleep[day] / 60, 3)))
            _, eff, wakes = self.main.get(day, (0.0, None, None))
            if eff is not None:
                out.append(_value(day, SLEEP_EFFICIENCY, eff))
            if wakes is not None:
                out.append(_value(day, AWAKENINGS, wakes))
        out += [_value(d, STEPS, v) for d, v in sorted(self.steps.items())]
        return out


def read_fitbit_json(data: bytes, kind: str, days: FitbitDays, where: str) -> None:
    """Add one Fitbit JSON file's logs to `days`; MeasureError naming `where` if unreadable."""
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise MeasureError(f"{where}: not a JSON file ({e!s:.80})") from None
    days.add(kind, parsed, where)
