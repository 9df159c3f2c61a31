"""Apple Health: every Record is read as the XML parser reports it, whatever its layout.

Comments, CDATA and processing instructions hold no Records; attribute order, quoting,
escapes and line breaks do not change a value; a file read in chunks, or written in another
encoding (the same document as UTF-16 is the reference), gives the same result.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from spasmtrack.core.days import DEFAULT_DAY_START, day_of
from spasmtrack.core.formats import wearables
from spasmtrack.core.formats.wearables import AppleHealthResult, read_apple_health
from spasmtrack.core.measures import MeasureError, checked_value
from tests.measures import synthetic as syn

BERLIN = ZoneInfo("Europe/Berlin")
STEP = "HKQuantityTypeIdentifierStepCount"
AT = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)


def both(xml: str) -> tuple[AppleHealthResult, AppleHealthResult]:
    """The document read as UTF-8 and as UTF-16."""
    scanned = read_apple_health(io.BytesIO(xml.encode()), BERLIN)
    utf16 = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    parsed = read_apple_health(io.BytesIO(utf16), BERLIN)
    return scanned, parsed


def steps_by_day(result: AppleHealthResult) -> dict[date, float]:
    return {v.day: v.value for v in result.values if v.metric == "steps"}


def document(records: list[str]) -> str:
    return syn.health_xml(records).decode()


def test_a_record_in_a_comment_a_cdata_section_or_a_processing_instruction_is_not_read() -> None:
    fake = syn.steps(5000, AT).strip()
    xml = document(
        [
            syn.steps(100, AT),
            f" <!-- {fake} -->\n",
            f" <?note {fake} ?>\n",
            f" <Note><![CDATA[{fake}]]></Note>\n",
            syn.steps(50, AT + timedelta(hours=1)),
        ]
    )
    scanned, parsed = both(xml)
    assert steps_by_day(scanned) == {date(2024, 1, 2): 150} == steps_by_day(parsed)
    assert scanned.records == parsed.records == 2


def test_attributes_in_another_order_quoting_escapes_and_line_breaks_read_as_parsed() -> None:
    xml = document(
        [
            syn.steps(100, AT),
            # another order, single quotes
            f" <Record value='7' startDate='2024-01-02 10:00:00 +0000' type='{STEP}' "
            "sourceName='Sam&apos;s iPhone' endDate='2024-01-02 10:05:00 +0000'/>\n",
            # a character reference in the value, a line break inside a date
            f' <Record type="{STEP}" sourceName="Sam’s iPhone" startDate="2024-01-02\n'
            '11:00:00 +0000" endDate="2024-01-02 11:05:00 +0000" value="1&#48;"/>\n',
            # whitespace around "=", a tab between attributes
            f' <Record type = "{STEP}"\tsourceName="Sam’s iPhone" '
            'startDate="2024-01-02 12:00:00 +0000" endDate="2024-01-02 12:05:00 +0000" '
            'value="3"></Record>\n',
        ]
    )
    scanned, parsed = both(xml)
    # The phone's 100 + 10 + 3; "Sam's iPhone" (the single-quoted record) is its own source.
    assert steps_by_day(scanned) == {date(2024, 1, 2): 113} == steps_by_day(parsed)
    assert scanned.records == parsed.records == 4


def test_a_long_export_read_chunk_by_chunk_agrees_with_the_parser() -> None:
    buf = io.BytesIO()
    syn.write_health_xml(buf, 40, seed=7)  # about 1.3 MB: Records cross the 1 MB chunk edge
    text = buf.getvalue().decode()
    assert len(text.encode()) > wearables.CHUNK
    scanned, parsed = both(text)
    assert scanned.values == parsed.values
    assert scanned.records == parsed.records == text.count("<Record ")
    assert scanned.used == parsed.used
    crlf, _ = both(text.replace("\n", "\r\n"))  # Windows line ends: read the slow way
    assert crlf.values == scanned.values


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (f'<Record type="{STEP}" startDate="2024-01-02 09:00:00 +0000"/>', "'value' missing"),
        (
            f'<Record type="{STEP}" sourceName="x" startDate="yesterday" endDate="x" value="1"/>',
            "unreadable date",
        ),
        (
            f'<Record type="{STEP}" sourceName="x" startDate="2024-01-02 09:00:00 +0000" '
            'endDate="2024-01-02 09:00:00 +0000" value="many"/>',
            "not a number",
        ),
    ],
)
def test_a_bad_record_is_named_by_its_number_either_way(record: str, message: str) -> None:
    xml = document([syn.steps(1, AT), syn.steps(2, AT), f" {record}\n", syn.steps(3, AT)])
    for data in (
        xml.encode(),
        xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
    ):
        with pytest.raises(MeasureError, match=f"{message}.*record 3 of the file"):
            read_apple_health(io.BytesIO(data), BERLIN)


# --- The reader against a plain reference on a file full of edge cases ----------------------

RHR = "HKQuantityTypeIdentifierRestingHeartRate"
HRV = "HKQuantityTypeIdentifierHeartRateVariabilitySDNN"
SLEEP = "HKCategoryTypeIdentifierSleepAnalysis"
SLEEP_VALUE = "HKCategoryValueSleepAnalysis"
AWAKE = SLEEP_VALUE + "Awake"
ASLEEP = {SLEEP_VALUE + s for s in ("Asleep", "AsleepUnspecified", "AsleepCore", "AsleepDeep")}
ASLEEP.add(SLEEP_VALUE + "AsleepREM")


def reference(
    data: bytes, zone: ZoneInfo, day_start: time = DEFAULT_DAY_START
) -> tuple[dict[tuple[date, str], float], int]:
    """The module doc's rules, record by record, with nothing cached: the standard library's
    parser (expat), each date parsed in full with strptime and given its diary day by
    `day_of` on its own, sleep unions by sorting. Returns {(day, metric): value} and the
    Record count."""
    import xml.etree.ElementTree as ET
    from collections import defaultdict

    def at(text: str) -> datetime:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S %z")

    steps: dict[tuple[date, str], float] = defaultdict(float)
    means: dict[tuple[str, date], list[float]] = defaultdict(list)
    segments: list[tuple[float, float, str]] = []
    records = 0
    for _, el in ET.iterparse(io.BytesIO(data), events=("start",)):
        if el.tag != "Record":
            continue
        records += 1
        kind, a = el.get("type"), el.attrib
        if kind == STEP:
            steps[(day_of(at(a["startDate"]), zone, day_start), a["sourceName"])] += float(
                a["value"]
            )
        elif kind in (RHR, HRV):
            metric = "resting_heart_rate" if kind == RHR else "hrv_sdnn"
            means[(metric, day_of(at(a["startDate"]), zone, day_start))].append(float(a["value"]))
        elif kind == SLEEP and a["value"] in ASLEEP | {SLEEP_VALUE + "InBed", AWAKE}:
            s, e = at(a["startDate"]).timestamp(), at(a["endDate"]).timestamp()
            if e > s:
                segments.append((s, e, a["value"]))
    out: dict[tuple[date, str], float] = {}
    for (day, _), total in steps.items():
        out[(day, "steps")] = max(out.get((day, "steps"), 0.0), total)
    for (metric, day), values in means.items():
        out[(day, metric)] = round(sum(values) / len(values), 3)

    def union(segs: list[tuple[float, float]]) -> list[list[float]]:
        merged: list[list[float]] = []
        for s, e in sorted(segs):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        return merged

    sleeps: list[list[tuple[float, float, str]]] = []
    for seg in sorted(segments, key=lambda x: x[0]):
        if sleeps and seg[0] - max(e for _, e, _ in sleeps[-1]) <= 3 * 3600:
            sleeps[-1].append(seg)
        else:
            sleeps.append([seg])
    asleep_by_day: dict[date, float] = defaultdict(float)
    main: dict[date, tuple[float, float | None, float | None]] = {}
    for sleep in sleeps:
        asleep = union([(s, e) for s, e, v in sleep if v in ASLEEP])
        if not asleep:
            continue
        day = day_of(datetime.fromtimestamp(max(e for _, e, _ in sleep), UTC), zone, day_start)
        length = sum(e - s for s, e in asleep)
        asleep_by_day[day] += length
        if day in main and length <= main[day][0]:
            continue
        if all(v in ASLEEP for _, _, v in sleep):
            main[day] = (length, None, None)
            continue
        in_bed = sum(e - s for s, e in union([(s, e) for s, e, _ in sleep]))
        awake = union([(s, e) for s, e, v in sleep if v == AWAKE])
        first, last = asleep[0][0], asleep[-1][1]
        main[day] = (
            length,
            round(min(100.0, 100 * length / in_bed), 1),
            float(sum(1 for s, _ in awake if first < s < last)),
        )
    for day, total in asleep_by_day.items():
        if total <= 20 * 3600:
            out[(day, "sleep_hours")] = round(total / 3600, 3)
            _, efficiency, awakenings = main[day]
            if efficiency is not None and awakenings is not None:
                out[(day, "sleep_efficiency")] = efficiency
                out[(day, "awakenings")] = awakenings
    return {k: checked_value(k[1], v, None)[0] for k, v in out.items()}, records


def edge_case_export(seed: int) -> bytes:
    """Records in several offsets (Berlin's winter and summer time, New York, India, Nepal,
    UTC) around both of Berlin's 2024 DST changes and around midnight, steps spanning
    midnight, decimal values, duplicates, records of unread types and unread sleep values,
    sleep from two overlapping sources out of order, naps, zero-length segments, Records
    inside a Correlation, Workouts and ActivitySummaries."""
    import random

    rng = random.Random(seed)
    offsets = [timedelta(hours=h, minutes=m) for h, m in ((1, 0), (2, 0), (-5, 0), (5, 30))]
    offsets += [timedelta(hours=5, minutes=45), timedelta(0)]
    zones = [timezone(o) for o in offsets]
    lines: list[str] = []
    changes = [datetime(2024, 3, 31, 1, tzinfo=UTC), datetime(2024, 10, 27, 1, tzinfo=UTC)]
    for change in changes:
        for i in range(-40, 40):  # every 7 minutes for ±4.7 hours around the change
            when = change + timedelta(minutes=7 * i + rng.randint(0, 6))
            tz = zones[rng.randrange(len(zones))]
            src = syn.WATCH if rng.random() < 0.5 else syn.PHONE
            value = str(rng.randint(0, 300)) if rng.random() < 0.8 else f"{rng.random() * 9:.2f}"
            line = syn.steps(0, when.astimezone(tz), rng.randint(1, 30), src).replace(
                'value="0"', f'value="{value}"'
            )
            lines += [line, line] if rng.random() < 0.1 else [line]  # a duplicate
            if rng.random() < 0.3:
                kind = rng.choice([RHR, HRV])
                lines.append(
                    syn.record(kind, "ms", str(rng.randint(30, 90)), when.astimezone(tz), when)
                )
            if rng.random() < 0.3:
                lines.append(
                    syn.record(
                        rng.choice(["HKQuantityTypeIdentifierHeartRate", "HKQuantityTypeX"]),
                        "count/min",
                        "80",
                        when.astimezone(tz),
                        when,
                    )
                )
    for d in range(12):  # nights, some across a DST change, and naps
        day = datetime(2024, 3, 27, 22, tzinfo=UTC) + timedelta(days=d)
        if d >= 6:
            day += timedelta(days=205)  # around 27 October
        tz = zones[rng.randrange(2)]
        segs = []
        at = day + timedelta(minutes=rng.randint(0, 120))
        segs.append((at, at + timedelta(hours=8), "InBed", syn.PHONE))
        while at < day + timedelta(hours=9):
            end = at + timedelta(minutes=rng.choice([0, 5, 20, 45]))
            stage = rng.choice(["AsleepCore", "AsleepDeep", "AsleepREM", "Awake", "Asleep"])
            segs.append((at, end, stage, syn.WATCH))
            if rng.random() < 0.3:  # another source, shifted, overlapping
                shift = timedelta(minutes=rng.randint(-10, 10))
                segs.append((at + shift, end + shift, "AsleepUnspecified", syn.PHONE))
            if rng.random() < 0.05:
                segs.append((at, end, "Unknown", syn.WATCH))  # an unread value
            at = end + timedelta(minutes=rng.randint(0, 3))
        if rng.random() < 0.5:  # an afternoon nap
            nap = day + timedelta(hours=16)
            segs.append((nap, nap + timedelta(minutes=40), "AsleepUnspecified", syn.PHONE))
        rng.shuffle(segs)
        for s, e, v, src in segs:
            lines.append(syn.sleep(SLEEP_VALUE + v, s.astimezone(tz), e.astimezone(tz), src))
    late = datetime(2024, 6, 1, 23, 55, tzinfo=timezone(timedelta(hours=2)))
    lines.append(syn.steps(90, late, minutes=25))  # spans midnight: the day it starts
    lines.append(
        ' <Correlation type="HKCorrelationTypeIdentifierBloodPressure">'
        + syn.steps(11, late)
        + "</Correlation>\n"
    )
    lines.append(syn.workout(date(2024, 6, 1), rng, syn.BERLIN))
    lines.append(syn.activity_summary(date(2024, 6, 1), rng))
    head = lines[: len(lines) // 2]  # half the file out of time order
    rng.shuffle(head)
    lines[: len(head)] = head
    return syn.health_xml(lines)


DAY_STARTS = [time(4, 0), time(0, 0), time(4, 30), time(2, 30)]  # 02:30: skipped / repeated


@pytest.mark.parametrize("day_start", DAY_STARTS, ids=str)
@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    "zone",
    [
        "Europe/Berlin",
        "America/New_York",
        "Asia/Kolkata",
        "Asia/Kathmandu",
        "UTC",
        "Australia/Lord_Howe",
    ],  # fmt: skip
)
def test_the_reader_agrees_with_a_plain_reference_on_edge_cases(
    seed: int, zone: str, day_start: time
) -> None:
    data = edge_case_export(seed)
    tz = ZoneInfo(zone)
    result = read_apple_health(io.BytesIO(data), tz, None, day_start)
    expected, records = reference(data, tz, day_start)
    assert {(v.day, v.metric): v.value for v in result.values} == expected
    assert result.records == records == data.count(b"<Record ")
    assert sum(result.used.values()) < records  # some types are not read


@pytest.mark.parametrize("day_start", DAY_STARTS, ids=str)
@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe"])
def test_the_reader_agrees_with_the_reference_on_a_synthetic_export_across_dst(
    zone: str, day_start: time
) -> None:
    buf = io.BytesIO()  # 20 days across Berlin's spring change; sleep comes in order here
    syn.write_health_xml(buf, 20, seed=5, first=date(2024, 3, 20))
    tz = ZoneInfo(zone)
    result = read_apple_health(io.BytesIO(buf.getvalue()), tz, None, day_start)
    expected, records = reference(buf.getvalue(), tz, day_start)
    assert {(v.day, v.metric): v.value for v in result.values} == expected
    assert result.records == records


# --- The person's day start -------------------------------------------------------------------


def steps_at(*wall: tuple[int, int, int], zone: ZoneInfo = BERLIN) -> bytes:
    """Step samples of 10 minutes at local wall times (day of January 2024, hour, minute)."""
    return syn.health_xml(
        [
            syn.steps(10**i, datetime(2024, 1, d, h, m, tzinfo=zone))
            for i, (d, h, m) in enumerate(wall)
        ]
    )


@pytest.mark.parametrize(
    ("day_start", "expected"),
    [
        (time(4, 0), {date(2024, 1, 1): 11, date(2024, 1, 2): 100}),
        (time(0, 0), {date(2024, 1, 2): 111}),
    ],
    ids=str,
)
def test_steps_at_half_past_one_count_for_the_diary_day(
    day_start: time, expected: dict[date, float]
) -> None:
    data = steps_at((2, 1, 30), (2, 3, 59), (2, 9, 0))
    assert steps_by_day(read_apple_health(io.BytesIO(data), BERLIN, None, day_start)) == expected


def test_a_day_start_at_half_past_four_splits_the_four_oclock_hour_exactly() -> None:
    data = steps_at((2, 4, 0), (2, 4, 29), (2, 4, 30), (2, 4, 59), (2, 5, 0))
    got = steps_by_day(read_apple_health(io.BytesIO(data), BERLIN, None, time(4, 30)))
    assert got == {date(2024, 1, 1): 11, date(2024, 1, 2): 11100}
    # Whole hours against the default start: every hour is cached, none converted on its own.
    reader = wearables._AppleHealthReader(BERLIN)
    for d, h, m in [(2, 3, 59), (2, 4, 0), (2, 23, 59)]:
        text = syn.fmt(datetime(2024, 1, d, h, m, tzinfo=BERLIN))
        assert reader.local_day(text) == day_of(datetime(2024, 1, d, h, m, tzinfo=BERLIN), BERLIN)
    assert wearables._EXACT not in reader._day_cache.values()
    split = wearables._AppleHealthReader(BERLIN, time(4, 30))
    split.local_day(syn.fmt(datetime(2024, 1, 2, 4, 10, tzinfo=BERLIN)))
    assert list(split._day_cache.values()) == [wearables._EXACT]


@pytest.mark.parametrize(
    ("end", "day_start", "day"),
    [
        ((2, 3, 30), time(4, 0), date(2024, 1, 1)),  # not yet slept off: the day before
        ((2, 3, 30), time(0, 0), date(2024, 1, 2)),
        ((2, 4, 0), time(4, 0), date(2024, 1, 2)),
        ((2, 7, 15), time(4, 0), date(2024, 1, 2)),
    ],
    ids=str,
)
def test_a_night_counts_for_the_diary_day_of_waking(
    end: tuple[int, int, int], day_start: time, day: date
) -> None:
    d, h, m = end
    woke = datetime(2024, 1, d, h, m, tzinfo=BERLIN)
    xml = syn.health_xml([syn.sleep(SLEEP_VALUE + "AsleepCore", woke - timedelta(hours=6), woke)])
    values = read_apple_health(io.BytesIO(xml), BERLIN, None, day_start).values
    assert [(v.day, v.metric, v.value) for v in values] == [(day, "sleep_hours", 6.0)]


@pytest.mark.parametrize(
    ("utc", "day_start", "day"),
    [
        # Berlin springs forward on 31 March 2024 at 02:00 (01:00 UTC); 02:30 is skipped, so
        # a 02:30 start falls where it would have been: 03:30 CEST (01:30 UTC).
        ((31, 1, 15), time(2, 30), date(2024, 3, 30)),
        ((31, 1, 45), time(2, 30), date(2024, 3, 31)),
        ((31, 1, 45), time(4, 0), date(2024, 3, 30)),  # 03:45 CEST
        ((31, 2, 0), time(4, 0), date(2024, 3, 31)),  # 04:00 CEST
    ],
    ids=str,
)
def test_a_dst_change_moves_the_day_boundary_with_the_clock(
    utc: tuple[int, int, int], day_start: time, day: date
) -> None:
    d, h, m = utc
    at = datetime(2024, 3, d, h, m, tzinfo=UTC)
    # Written in the offset the phone had at the time (+01:00 before the change, +02:00 after).
    data = syn.health_xml([syn.steps(7, at.astimezone(BERLIN))])
    assert steps_by_day(read_apple_health(io.BytesIO(data), BERLIN, None, day_start)) == {day: 7}
