"""Daily sleep and activity from wearable exports: Apple Health and Fitbit / Google Takeout.

Pure: byte streams and a time zone in, `DailyValue`s (core.measures) out.

**Apple Health** (`export.xml`, also inside the `export.zip` the Health app shares): a
`<HealthData>` root with one `<Record type=… sourceName=… unit=… startDate=… endDate=…
value=…>` per sample; dates read "2024-01-02 07:30:00 +0100". libxml2 (lxml) checks the
whole file with no Python callback at all (every syntax error, a truncated file), and the
Records are read from the same bytes, a chunk at a time, by compiled regular expressions
(`_AppleHealthReader.scan`), so that Python sees each Record once as a tuple of five byte
strings, not as a dict of all its attributes from a parser callback. Memory stays flat
however big the file (only per-day totals and the sleep segments, in flat arrays, are
kept). A file in another encoding than UTF-8 / ASCII is read through lxml's parser target
(each start tag's attributes as a dict); tests/measures/test_wearables_apple.py holds the two
to the same result on comments, CDATA, attribute order, quoting, escapes and line breaks.
Measured (bench/apple_health.py): lxml's parser target with an empty callback, the ceiling
of any per-element Python reader, is about 1.6 times libxml2 alone; iterparse with a tag
filter, clearing elements, was slower than that ceiling with no work at all. No DTD is
loaded, no entity is substituted and nothing is fetched from the network; a file that
declares any entity is refused at its root element (an export has none; this rules out
entity-expansion bombs and external entities).
Read:

- HKQuantityTypeIdentifierStepCount: summed per local day (of `startDate`) and source
  (iPhone, Watch…), then the day's largest source total, since the phone and the watch count
  the same steps (Apple's own de-duplication is not in the export).
- HKQuantityTypeIdentifierRestingHeartRate (count/min), HKQuantityTypeIdentifierHeart
  RateVariabilitySDNN (ms): the day's mean.
- HKCategoryTypeIdentifierSleepAnalysis: segments InBed, Asleep / AsleepUnspecified /
  AsleepCore / AsleepDeep / AsleepREM, Awake. Segments less than SLEEP_GAP apart form one
  sleep; a sleep belongs to the local day on which it ends (the day of waking). Hours asleep
  are the union of the asleep segments (several sources overlap), summed over the day's
  sleeps (a nap counts); sleep efficiency (asleep / time in bed, %) and awakenings (awake
  segments between falling asleep and the last waking) come from the day's longest sleep,
  only when the source recorded in-bed or awake time.

**Fitbit** (`sleep-YYYY-MM-DD.json`, `steps-YYYY-MM-DD.json` in a Fitbit or Google Takeout
export): sleep logs carry `dateOfSleep` (Fitbit's day of waking), `minutesAsleep`,
`efficiency`, `mainSleep` and `levels.summary` (`wake.count` for staged logs, `awake.count`
for classic ones); hours asleep sum the day's logs, efficiency and awakenings come from the
main sleep. Steps files hold `{"dateTime": "MM/DD/YY HH:MM:SS", "value": "12"}` per minute;
the times are read as UTC (as Fitbit writes them in its data export (unverified)) and
summed per local day.
"""

from __future__ import annotations

import json
import re
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, Protocol

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
MAX_ASLEEP_HOURS = 20
SLEEP_GAP = 3 * 3600.0  # seconds between segments that start a new sleep
CHUNK = 1 << 20
MAX_SLEEP_SEGMENTS = 2_000_000  # a decade of staged nights is about 200,000

Progress = Callable[[int], None]  # called with the bytes read so far
_HOUR_END = timedelta(minutes=59, seconds=59)
_HOUR = timedelta(hours=1)
_DAY = timedelta(days=1)
_EXACT = date.min  # cache marker: convert each record of this hour on its own


@dataclass
class AppleHealthResult:
    values: list[DailyValue]
    records: int = 0  # <Record> elements seen
    used: dict[str, int] = field(default_factory=dict)  # records read, per type
    skipped_sleep_days: list[date] = field(default_factory=list)  # see sleep_values


# A Record as the scanner hands it on: (type, sourceName, startDate, endDate, value), bytes;
# sourceName as written (a key only), the others with XML's escapes undone.
Row = tuple[bytes, bytes, bytes, bytes, bytes]
_STEP, _RHR, _HRV, _SLEEP = (k.encode() for k in (STEP, RHR, HRV, SLEEP))
_SLEEP_INDEX = {k.encode(): i for i, k in enumerate(SLEEP_KINDS)}
# The attributes a record of each type must have (a KeyError names the first one missing).
_NEEDS = {_STEP: (b"startDate", b"value"), _RHR: (b"startDate", b"value")}
_NEEDS[_HRV] = _NEEDS[_STEP]
# A Record's start tag as the Health app writes it: its attributes in the Health app's order
# (the DTD's; sourceVersion, device, unit and creationDate optional), double-quoted, the
# values read without "&" or a line break (which the XML parser would replace; sourceName
# is only a key and taken as written). Matched from "<Record " on, attribute after
# attribute, a match can only be a Record's own attributes. findall() gives the rows of a
# whole chunk in C; a chunk where it does not match every Record tag (or that holds a tab or
# a carriage return) is read attribute by attribute instead (_RECORD_TAG, _ATTRIBUTE).
_APPLE_RECORD = re.compile(
    rb'<Record type="([^"&\n]*)" sourceName="([^"]*)"(?: sourceVersion="[^"]*")?'
    rb'(?: device="[^"]*")?(?: unit="[^"]*")?(?: creationDate="[^"]*")? '
    rb'startDate="([^"&\n]*)" endDate="([^"&\n]*)" value="([^"&\n]*)"'
)
_RECORD_TAG = re.compile(rb"""<Record(?=[\s/>])((?:[^>"']+|"[^"]*"|'[^']*')*)""")
_ATTRIBUTE = re.compile(rb"""([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# What may hold text that looks like a tag: comments, processing instructions, CDATA.
_MARKUP_ENDS = ((b"<!--", b"-->"), (b"<?", b"?>"), (b"<![CDATA[", b"]]>"))
_REFERENCE = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
MAX_CARRY = 16 * 1024 * 1024  # an unfinished tag or comment carried from chunk to chunk
_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)""")
_BYTE_ENCODINGS = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})


def _xml_value(raw: bytes) -> bytes:
    """An attribute value as an XML parser reports it: line breaks and tabs as spaces, the
    character and predefined entity references replaced (no others exist: a file declaring
    entities is refused)."""
    if b"&" not in raw and b"\n" not in raw and b"\t" not in raw and b"\r" not in raw:
        return raw
    text = raw.decode("utf-8", "replace").replace("\r\n", " ")
    text = text.translate({9: " ", 10: " ", 13: " "})

    def ref(m: re.Match[str]) -> str:
        name = m.group(1)
        if name[0] != "#":
            return _NAMED[name]
        return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))

    return _REFERENCE.sub(ref, text).encode()


def _strip_markup(buf: bytes) -> tuple[bytes, bytes]:
    """(buf without its comments, processing instructions and CDATA sections, the start of
    one that goes on past the end of buf). Each is looked for with bytes.find (in C): the
    first opener, then its closer, so that an opener inside one of them is not one."""
    parts: list[bytes] = []
    pos = 0
    while True:
        found = [
            (at, opener, closer)
            for opener, closer in _MARKUP_ENDS
            if (at := buf.find(opener, pos)) >= 0
        ]
        if not found:
            break
        at, opener, closer = min(found)
        end = buf.find(closer, at + len(opener))
        parts.append(buf[pos:at])
        if end < 0:
            return b"".join(parts), buf[at:]
        pos = end + len(closer)
    parts.append(buf[pos:])
    return b"".join(parts), b""


def _byte_scannable(head: bytes) -> bool:
    """Whether the file's bytes can be scanned for tags as they are: UTF-8 or ASCII (what the
    Health app writes), not UTF-16 or another declared encoding."""
    if head.startswith((b"\xfe\xff", b"\xff\xfe", b"\x00\x00\xfe\xff")) or b"\x00" in head[:4]:
        return False
    m = _ENCODING.match(head)
    return m is None or m.group(1).decode("ascii", "replace").casefold() in _BYTE_ENCODINGS


class _RootFound(Exception):
    def __init__(self, tag: str) -> None:
        self.tag = tag


class _RootProbe:
    """A parser target that stops at the root element, to name it."""

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        raise _RootFound(tag)

    def close(self) -> None:
        pass


class _NoEvents:
    """A parser target without callbacks: libxml2 checks the XML in C, nothing reaches Python."""

    def close(self) -> None:
        pass


class _AppleHealthReader:
    """Reads the Records of an export.xml.

    The XML is parsed by libxml2 (lxml) with no Python callback at all, which checks that the
    file is well-formed and finds every syntax error; the same bytes, chunk by chunk, are
    scanned for the Record start tags with compiled regular expressions (findall, in C),
    so that Python touches each Record once, as a tuple of five byte strings. In XML outside
    comments, processing instructions and CDATA sections (removed before the scan) a
    literal "<Record" can only start a Record tag, and a tag cannot hold "<", so each chunk
    is cut at its last "<" and the rest carried over. A file in an encoding other than UTF-8
    or ASCII is read through lxml's parser target instead (`start`), record by record.
    """

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self.records = 0
        self.used: dict[str, int] = defaultdict(int)
        self.steps: dict[tuple[date, bytes], float] = defaultdict(float)
        self.sums: dict[tuple[bytes, date], float] = defaultdict(float)
        self.counts: dict[tuple[bytes, date], int] = defaultdict(int)
        # Sleep segments in three flat arrays (17 bytes a segment, not a tuple of objects):
        # a decade of staged nights is about 200,000 of them.
        self.sleep_start = array("d")
        self.sleep_end = array("d")
        self.sleep_kind = bytearray()
        self.skipped_sleep_days: list[date] = []
        self._day_cache: dict[bytes, date] = {}
        self._stamp_cache: dict[bytes, float] = {}
        self.root: str | None = None
        self.source: _Counted | None = None  # to check the prolog at the root element
        self.carry = b""  # the scan's unfinished tail of the previous chunk

    # -- dates ----------------------------------------------------------------------------

    def _parse(self, raw: bytes) -> datetime:
        # "2024-01-02 07:30:00 +0100" -> fromisoformat("2024-01-02 07:30:00+0100")
        text = raw.decode("utf-8", "replace")
        try:
            return datetime.fromisoformat(text[:19] + text[20:] if len(text) == 25 else text)
        except ValueError:
            raise MeasureError(f"unreadable date {text[:40]!r}") from None

    def local_day(self, text: bytes) -> date:
        """The person's local day of an Apple date string, cached per hour and offset.

        Within one hour of the record's clock, the person's clock covers one hour too; when
        that hour starts on the hour (the two offsets differ by whole hours, as nearly always)
        it lies in one day, cached. Otherwise (e.g. +05:30 against +01:00, or a DST change
        inside the hour) each record is converted on its own."""
        day = self._day_cache.get(text[:13] + text[19:])
        if day is None:
            day = self._cache_day(text)
        if day is _EXACT:
            return self._parse(text).astimezone(self.zone).date()
        return day

    def _cache_day(self, text: bytes) -> date:
        """Fill the day cache for the hour of `text`, and for the other 23 hours of its date
        when the person's offset is the same at both ends of that date and differs from the
        record's by whole hours (the tz database has no zone changing twice within a day)."""
        if len(self._day_cache) > 20_000:  # records come roughly in time order
            self._day_cache.clear()
        key = text[:13] + text[19:]
        start = self._parse(text[:13] + b":00:00" + text[19:])
        offset = start.utcoffset()
        if offset is None:
            raise MeasureError(f"date without a time zone offset: {text[:40]!r}")
        if len(text) == 25 and text[10:11] == b" ":
            midnight = start - timedelta(hours=start.hour)
            first = midnight.astimezone(self.zone).utcoffset()
            if first is not None and first == (midnight + _DAY).astimezone(self.zone).utcoffset():
                shift = first - offset
                if not shift % _HOUR:
                    naive = midnight.replace(tzinfo=None) + shift
                    head, tail = text[:11], text[19:]
                    for hour in range(24):
                        day = (naive + _HOUR * hour).date()
                        self._day_cache[head + b"%02d" % hour + tail] = day
                    return self._day_cache[key]
        local = start.astimezone(self.zone)
        last = (start + _HOUR_END).astimezone(self.zone)
        whole = local.minute == 0 and local.second == 0 and last.date() == local.date()
        day = self._day_cache[key] = local.date() if whole else _EXACT
        return day

    def timestamp(self, text: bytes) -> float:
        """Seconds since the epoch of an Apple date string; cached, since one sleep segment
        mostly ends where the next begins."""
        seconds = self._stamp_cache.get(text)
        if seconds is None:
            dt = self._parse(text)
            if dt.tzinfo is None:
                raise MeasureError(f"date without a time zone offset: {text[:40]!r}")
            if len(self._stamp_cache) > 1000:
                self._stamp_cache.clear()
            seconds = self._stamp_cache[text] = dt.timestamp()
        return seconds

    # -- the scan ---------------------------------------------------------------------------

    def scan(self, chunk: bytes, final: bool = False) -> None:
        """Read the Records of the next chunk of the file (all that is left when `final`)."""
        buf = self.carry + chunk
        tail = b""
        if b"<!" in buf or b"<?" in buf:
            buf, tail = _strip_markup(buf)
        cut = len(buf) if tail or final else buf.rfind(b"<")
        if cut < 0:
            cut = len(buf)
        self.carry = buf[cut:] + tail
        if len(self.carry) > MAX_CARRY:
            raise MeasureError(f"a tag or comment longer than {MAX_CARRY:,} bytes")
        n = buf.count(b"<Record", 0, cut)
        if not n:
            return
        rows = _APPLE_RECORD.findall(buf, 0, cut)
        if len(rows) == n and b"\t" not in buf and b"\r" not in buf:
            self.add(rows)
            self.records += n
            return
        tags = _RECORD_TAG.findall(buf, 0, cut)
        self.add(self._rows(tags))
        self.records += len(tags)

    def _rows(self, tags: list[bytes]) -> Iterator[Row]:
        """The rows of Record tags read attribute by attribute (any order, quotes, escapes)."""
        first = self.records
        for i, body in enumerate(tags, first + 1):
            attrs = {name: dq or sq for name, dq, sq in _ATTRIBUTE.findall(body)}
            self.records = i - 1  # `add` names this record (records + 1) if it fails
            yield self._row(attrs, i, escaped=True)
        self.records = first

    def _row(self, attrs: dict[bytes, bytes], number: int, escaped: bool) -> Row:
        value = _xml_value if escaped else bytes
        kind = value(attrs.get(b"type", b""))
        row = {k: value(attrs[k]) for k in (b"startDate", b"endDate", b"value") if k in attrs}
        needs = _NEEDS.get(kind, ())
        if kind == _SLEEP and row.get(b"value") in _SLEEP_INDEX:
            needs = (b"startDate", b"endDate")
        for name in needs:
            if name not in row:
                self.records = number
                raise KeyError(name.decode())
        return (
            kind,
            attrs.get(b"sourceName", b""),
            row.get(b"startDate", b""),
            row.get(b"endDate", b""),
            row.get(b"value", b""),
        )

    def add(self, rows: Iterable[Row]) -> None:
        """Add rows to the day totals and sleep segments. The hot path of the import: about
        nine in ten records of an export are steps, so they come first and are inlined."""
        steps, cache = self.steps, self._day_cache
        n_steps = n_hr = n_hrv = n_sleep = 0
        row: Row = (b"", b"", b"", b"", b"")
        try:
            for row in rows:
                kind, source, start, end, value = row
                if kind == _STEP:
                    day = cache.get(start[:13] + start[19:])
                    if day is None or day is _EXACT:
                        day = self.local_day(start)
                    steps[(day, source)] += float(value)
                    n_steps += 1
                elif kind in (_RHR, _HRV):
                    key = (kind, self.local_day(start))
                    self.sums[key] += float(value)
                    self.counts[key] += 1
                    if kind == _RHR:
                        n_hr += 1
                    else:
                        n_hrv += 1
                elif kind == _SLEEP:
                    n_sleep += 1
                    index = _SLEEP_INDEX.get(value)
                    if index is None:
                        continue
                    if len(self.sleep_kind) >= MAX_SLEEP_SEGMENTS:
                        raise MeasureError("more sleep segments than any real export holds")
                    t0, t1 = self.timestamp(start), self.timestamp(end)
                    if t1 > t0:
                        self.sleep_start.append(t0)
                        self.sleep_end.append(t1)
                        self.sleep_kind.append(index)
        except (MeasureError, ValueError):
            # The record's number: its place among a list of rows (an identical row before
            # it would have failed first), or the next one when `_rows` counts them.
            self.records += rows.index(row) + 1 if isinstance(rows, list) else 1
            raise
        finally:
            for name, n in ((STEP, n_steps), (RHR, n_hr), (HRV, n_hrv), (SLEEP, n_sleep)):
                if n:
                    self.used[name] += n

    # -- lxml's parser target, for a file in another encoding: every start tag -------------

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        """One element; a <Record> is read (KeyError for a missing attribute)."""
        if tag != "Record":
            if self.root is None:
                self._root(tag)
            return
        raw = {k.encode(): v.encode() for k, v in attrs.items()}
        self.add([self._row(raw, self.records + 1, escaped=False)])
        self.records += 1

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
        for (day, _source), total in self.steps.items():
            per_day[day] = max(per_day.get(day, 0.0), total)
        out += [_value(d, STEPS, v) for d, v in sorted(per_day.items())]
        for (kind, day), total in sorted(self.sums.items()):
            mean = total / self.counts[(kind, day)]
            out.append(_value(day, RESTING_HR if kind == _RHR else HRV_SDNN, round(mean, 3)))
        out += sleep_values(self._segments(), self.zone, self.skipped_sleep_days, ordered=True)
        return out

    def _segments(self) -> Iterator[tuple[float, float, str]]:
        """The sleep segments by start time, one tuple at a time."""
        starts, ends, kinds = self.sleep_start, self.sleep_end, self.sleep_kind
        for i in sorted(range(len(kinds)), key=starts.__getitem__):
            yield starts[i], ends[i], SLEEP_KINDS[kinds[i]]


def _value(day: date, metric: str, value: float) -> DailyValue:
    try:
        v, unit = checked_value(metric, value, None)
    except MeasureError as e:
        raise MeasureError(f"{day.isoformat()}: {e.reason}") from None
    return DailyValue(day, metric, v, unit)


def _union(segments: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for s, e in sorted(segments):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def _length(segments: list[tuple[float, float]]) -> float:
    return sum(e - s for s, e in segments)


def sleep_values(
    segments: Iterable[tuple[float, float, str]],
    zone: tzinfo,
    skipped: list[date] | None = None,
    *,
    ordered: bool = False,
) -> list[DailyValue]:
    """Hours asleep, sleep efficiency and awakenings per day of waking (see module doc).

    `segments` are (start, end, value); `ordered` says they already come by start time, so
    they are read as a stream (one sleep in memory at a time). A day with more than
    MAX_ASLEEP_HOURS asleep (a source that logged "asleep" around the clock, so that sleeps
    run into each other) is left out and added to `skipped`, rather than refusing the whole
    export or storing a day that cannot be right."""
    asleep_by_day: dict[date, float] = defaultdict(float)
    # The day's longest sleep: (its hours asleep, efficiency, awakenings), the last two None
    # for an asleep-only source, which cannot tell time awake in bed.
    main: dict[date, tuple[float, float | None, float | None]] = {}

    def one_sleep(sleep: list[tuple[float, float, str]]) -> None:
        asleep = _union((s, e) for s, e, v in sleep if v in ASLEEP)
        if not asleep:
            return
        day = datetime.fromtimestamp(max(e for _, e, _ in sleep), zone).date()
        length = _length(asleep)
        asleep_by_day[day] += length
        if day in main and length <= main[day][0]:
            return
        if not any(v in (IN_BED, AWAKE) for _, _, v in sleep):
            main[day] = (length, None, None)
            return
        in_bed = _length(_union((s, e) for s, e, _ in sleep))
        first, last = asleep[0][0], asleep[-1][1]
        awake = _union((s, e) for s, e, v in sleep if v == AWAKE)
        main[day] = (
            length,
            round(min(100.0, 100 * length / in_bed), 1),
            float(sum(1 for s, e in awake if first < s < last)),
        )

    sleep: list[tuple[float, float, str]] = []
    end = -1.0
    for seg in segments if ordered else sorted(segments):
        if sleep and seg[0] - end > SLEEP_GAP:
            one_sleep(sleep)
            sleep = []
        if not sleep:
            end = seg[1]
        sleep.append(seg)
        end = max(end, seg[1])
    if sleep:
        one_sleep(sleep)
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
    """The stream as lxml reads it: counts bytes (for the progress bar) and lines, and keeps
    the file's last line, to tell a file cut short from one broken in the middle."""

    def __init__(self, stream: Readable, progress: Progress | None) -> None:
        self.stream = stream
        self.progress = progress
        self.read_bytes = 0
        self.lines = 1
        self.last_line = b""
        self.at_end = False
        self.head = b""  # everything up to the root element (the prolog and its DTD)
        self.root_seen = False

    def read(self) -> bytes:
        chunk = self.stream.read(CHUNK)
        if not chunk:
            self.at_end = True
            return chunk
        self.read_bytes += len(chunk)
        newlines = chunk.count(b"\n")
        self.lines += newlines
        tail = chunk.rsplit(b"\n", 1)[-1]
        self.last_line = tail if newlines else (self.last_line + tail)[-CHUNK:]
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

    def cut_short(self, line: int, column: int) -> bool:
        """An error at the very end of the whole file: the file stops in the middle."""
        last = len(self.last_line.decode("utf-8", "replace"))
        return self.at_end and line >= self.lines and column >= last


MAX_PROLOG = 4 * 1024 * 1024  # bytes before <HealthData>; Apple's inline DTD is about 10 KB


def read_apple_health(
    stream: Readable, zone: tzinfo, progress: Progress | None = None
) -> AppleHealthResult:
    """Daily values from an Apple Health export.xml stream (see the module docstring).

    MeasureError (with the XML line, or the record's number, when known) for anything that
    is not a readable export.
    """
    from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type hints

    reader = _AppleHealthReader(zone)
    source = reader.source = _Counted(stream, progress)
    chunk = source.read()
    exact = not _byte_scannable(chunk)
    # No DTD loading, no entity substitution, no network: no entity is ever expanded or
    # fetched, and a file that declares one is refused at its root element.
    options: dict[str, Any] = {
        "load_dtd": False,
        "resolve_entities": False,
        "no_network": True,
        "huge_tree": False,
        "remove_comments": True,
        "remove_pis": True,
    }
    parser = etree.XMLParser(target=reader if exact else _NoEvents(), **options)
    # The root element's name, from a second parser that stops there (the first one calls
    # no Python at all); its syntax errors are the first parser's to report.
    probe = None if exact else etree.XMLParser(target=_RootProbe(), **options)
    try:
        while chunk:
            if probe is not None:
                try:
                    probe.feed(chunk)
                except _RootFound as found:
                    probe = None
                    reader._root(found.tag)
                except etree.XMLSyntaxError:
                    probe = None
            parser.feed(chunk)
            if not exact:
                reader.scan(chunk)
            chunk = source.read()
        parser.close()
        if not exact:
            reader.scan(b"", final=True)
    except etree.XMLSyntaxError as e:
        at_line, column = e.position if e.position else (0, 0)
        if source.read_bytes == 0:
            what = "the file is empty"
        elif source.cut_short(at_line, column):
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
    return AppleHealthResult(values, reader.records, dict(reader.used), reader.skipped_sleep_days)


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
    """Accumulates several Fitbit files, then gives the daily values."""

    zone: tzinfo
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
        day = date.fromisoformat(item["dateOfSleep"])
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
        day = at.replace(tzinfo=UTC).astimezone(self.zone).date()
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
