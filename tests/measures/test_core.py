"""Daily measurements without a database: CSV readers, units, wearables, derived factors."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from spasmtrack.core.days import day_of
from spasmtrack.core.formats.wearables import (
    CHUNK,
    FitbitDays,
    read_apple_health,
    sleep_values,
)
from spasmtrack.core.measures import (
    MeasureError,
    boom_days,
    checked_value,
    iter_metrics_csv,
    iter_weather_csv,
    normalise_metric,
    pressure_factors,
)
from tests.measures import synthetic as syn

BERLIN = ZoneInfo("Europe/Berlin")
CET = timezone(timedelta(hours=1))


def _lines(text: str) -> list[str]:
    return io.StringIO(text).readlines()


def test_it_reads_a_generic_csv_with_and_without_units() -> None:
    rows = list(
        iter_metrics_csv(
            _lines("date,metric,value,unit\n2024-01-02,steps,8000,\n2024-01-02,Temp max,50,°F\n")
        )
    )
    assert [(line, v.metric, round(v.value, 2), v.unit) for line, v in rows] == [
        (2, "steps", 8000, ""),
        (3, "temperature_max", 10.0, "°C"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("day,what,value\n", "line 1: the first line must be the header"),
        ("date,metric,value\n2024-13-01,steps,1\n", "line 2: date must be YYYY-MM-DD"),
        ("date,metric,value\n2024-01-01,steps,lots\n", "line 2: steps: not a number"),
        ("date,metric,value\n2024-01-01,steps,-4\n", "line 2: steps: -4 is outside 0 to 300000"),
        ("date,metric,value,unit\n2024-01-01,pressure,30,psi\n", "unit 'psi' not understood"),
        ("date,metric,value\n2024-01-01,Bad Name!,1\n", "is not a known metric"),
        ("date,metric,value\n2024-01-01,steps\n", "line 2: expected 3 cells, found 2"),
    ],
)
def test_it_refuses_a_bad_generic_csv_with_one_line(text: str, message: str) -> None:
    with pytest.raises(MeasureError) as e:
        list(iter_metrics_csv(_lines(text)))
    assert message in str(e.value)


def test_it_reads_a_weather_csv_and_skips_empty_cells() -> None:
    rows = list(
        iter_weather_csv(
            _lines("time,temperature_2m_max,pressure_msl,humidity\n2024-01-02,4.5,1012,\n")
        )
    )
    assert [(v.metric, v.value) for _, v in rows] == [("temperature_max", 4.5), ("pressure", 1012)]


def test_it_reads_an_open_meteo_download_with_units_in_the_header() -> None:
    text = (
        "latitude,longitude,elevation,utc_offset_seconds,timezone,timezone_abbreviation\n"
        "52.52,13.42,38.0,3600,Europe/Berlin,GMT+1\n"
        "\n"
        "time,temperature_2m_max (°F),precipitation_sum (mm),pressure_msl_mean (hPa)\n"
        "2024-01-02,41.0,1.2,1011.4\n"
    )
    rows = [(v.metric, round(v.value, 3)) for _, v in iter_weather_csv(_lines(text))]
    assert rows == [("temperature_max", 5.0), ("precipitation", 1.2), ("pressure", 1011.4)]


def test_it_refuses_an_unknown_weather_column() -> None:
    with pytest.raises(MeasureError, match="unknown column.*'wind'"):
        list(iter_weather_csv(_lines("date,wind\n2024-01-02,3\n")))


def test_it_converts_units_and_keeps_own_metrics() -> None:
    assert checked_value("pressure", 29.92, "inHg") == (pytest.approx(1013.21, abs=0.01), "hPa")
    assert checked_value("sleep_hours", 450, "min") == (7.5, "h")
    assert normalise_metric("Pain Meds Taken") == "pain_meds_taken"
    assert checked_value("pain_meds_taken", 2, "pills") == (2, "pills")


def test_it_derives_the_pressure_change_and_the_drop() -> None:
    d = date(2024, 1, 1)
    change, drop = pressure_factors({d: 1015, d + timedelta(1): 1009, d + timedelta(3): 1010})
    assert change == {d + timedelta(1): -6}  # day 3 has no day before it
    assert drop == {d + timedelta(1): 1.0}


def test_it_reads_apple_health_steps_without_counting_phone_and_watch_twice() -> None:
    at = datetime(2024, 1, 2, 9, 0, tzinfo=CET)
    xml = syn.health_xml(
        [
            syn.steps(1000, at),
            syn.steps(500, at + timedelta(hours=1)),
            syn.steps(1400, at, src=syn.WATCH),  # the same walk counted by the watch
            syn.record(
                "HKQuantityTypeIdentifierRestingHeartRate", "count/min", "58", at, at, syn.WATCH
            ),
            syn.record("HKQuantityTypeIdentifierHeartRate", "count/min", "90", at, at),  # unused
        ]
    )
    r = read_apple_health(io.BytesIO(xml), BERLIN)
    got = {(v.day, v.metric): v.value for v in r.values}
    assert got == {(date(2024, 1, 2), "steps"): 1500, (date(2024, 1, 2), "resting_heart_rate"): 58}
    assert r.records == 5


def test_it_puts_a_night_on_the_day_of_waking_in_the_persons_zone() -> None:
    # In bed 22:30 UTC on 1 Jan; in New York that night ends on 1 Jan, in Berlin on 2 Jan.
    utc = UTC
    bed = datetime(2024, 1, 1, 22, 30, tzinfo=utc)
    segs = [
        (bed, bed + timedelta(hours=8), "InBed"),
        (bed + timedelta(minutes=30), bed + timedelta(hours=3), "AsleepCore"),
        (bed + timedelta(hours=3), bed + timedelta(hours=3, minutes=20), "Awake"),
        (bed + timedelta(hours=3, minutes=20), bed + timedelta(hours=7, minutes=50), "AsleepREM"),
    ]
    xml = syn.health_xml([syn.sleep(f"HKCategoryValueSleepAnalysis{v}", s, e) for s, e, v in segs])
    berlin = {(v.day, v.metric): v.value for v in read_apple_health(io.BytesIO(xml), BERLIN).values}
    assert berlin == {
        (date(2024, 1, 2), "sleep_hours"): 7.0,
        (date(2024, 1, 2), "sleep_efficiency"): 87.5,
        (date(2024, 1, 2), "awakenings"): 1.0,
    }
    honolulu = read_apple_health(io.BytesIO(xml), ZoneInfo("Pacific/Honolulu")).values
    assert {v.day for v in honolulu} == {date(2024, 1, 1)}


def test_it_counts_overlapping_sleep_from_two_sources_once() -> None:
    s = datetime(2024, 3, 1, 23, 0, tzinfo=CET).timestamp()
    asleep = "HKCategoryValueSleepAnalysisAsleepUnspecified"
    values = sleep_values([(s, s + 7 * 3600, asleep), (s + 3600, s + 7.5 * 3600, asleep)], CET)
    assert [(v.metric, v.value) for v in values] == [("sleep_hours", 7.5)]  # no in-bed data


def test_it_leaves_out_a_day_asleep_around_the_clock() -> None:
    s = datetime(2024, 3, 1, 0, 0, tzinfo=CET).timestamp()
    asleep = "HKCategoryValueSleepAnalysisAsleepUnspecified"
    skipped: list[date] = []
    values = sleep_values([(s, s + 23 * 3600, asleep)], CET, skipped)
    assert values == [] and skipped == [date(2024, 3, 1)]


def test_it_puts_each_day_of_a_dst_change_on_its_own_diary_day() -> None:
    # Europe/Berlin springs forward on 2024-03-31 at 02:00 (01:00 UTC): samples at 23:59 and
    # 01:30 (+01:00), 03:30 and 04:30 (+02:00) local time.
    xml = syn.health_xml(
        [
            syn.steps(20, datetime(2024, 3, 30, 22, 59, tzinfo=UTC)),
            syn.steps(10, datetime(2024, 3, 31, 0, 30, tzinfo=UTC)),
            syn.steps(5, datetime(2024, 3, 31, 1, 30, tzinfo=UTC)),
            syn.steps(1, datetime(2024, 3, 31, 2, 30, tzinfo=UTC)),
        ]
    )
    days = {v.day: v.value for v in read_apple_health(io.BytesIO(xml), BERLIN, None).values}
    assert days == {date(2024, 3, 30): 35, date(2024, 3, 31): 1}  # the day starts at 04:00
    midnight = read_apple_health(io.BytesIO(xml), BERLIN, None, time(0, 0)).values
    assert {v.day: v.value for v in midnight} == {date(2024, 3, 30): 20, date(2024, 3, 31): 16}


def test_it_matches_a_per_record_conversion_in_a_half_hour_zone() -> None:
    buf = io.BytesIO()
    syn.write_health_xml(buf, 5, seed=3)
    kolkata = ZoneInfo("Asia/Kolkata")
    fast = read_apple_health(io.BytesIO(buf.getvalue()), kolkata).values
    # Reference: every step sample converted on its own. India is 4.5 hours ahead of the
    # file's Berlin offsets, so the hour that holds 04:00 (the day start) is split.
    import re
    from collections import defaultdict

    per: dict[tuple[date, str], float] = defaultdict(float)
    for m in re.finditer(
        rb'StepCount" sourceName="([^"]*)".*?startDate="([^"]*)".*?value="(\d+)"', buf.getvalue()
    ):
        text = m.group(2).decode()
        day = day_of(datetime.fromisoformat(text[:19] + text[20:]), kolkata)
        per[(day, m.group(1).decode())] += float(m.group(3))
    expected: dict[date, float] = {}
    for (day, _), v in per.items():
        expected[day] = max(expected.get(day, 0.0), v)
    assert {v.day: v.value for v in fast if v.metric == "steps"} == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<ClinicalDocument/>", "not an Apple Health export"),
        (syn.health_xml([])[:-40], "truncated"),
        (b"not xml at all", "not well-formed XML"),
        (
            b'<?xml version="1.0"?><!DOCTYPE HealthData [<!ENTITY a "aaaa">]><HealthData/>',
            "declares entities",
        ),
        (  # an external entity (XXE) is refused, never read
            b'<?xml version="1.0"?><!DOCTYPE HealthData [<!ENTITY x SYSTEM "file:///etc/passwd">'
            b']><HealthData><Record type="HKQuantityTypeIdentifierStepCount" value="&x;"/>'
            b"</HealthData>",
            "declares entities",
        ),
        (b"", "the file is empty"),
        (b"<HealthData><Record></HealthData>", "not well-formed XML"),
        (
            syn.health_xml(['<Record type="HKQuantityTypeIdentifierStepCount" value="1"/>']),
            "attribute 'startDate' missing",
        ),
    ],
)
def test_it_refuses_what_is_not_an_apple_health_export(data: bytes, message: str) -> None:
    with pytest.raises(MeasureError, match=message):
        read_apple_health(io.BytesIO(data), BERLIN)


def test_a_file_cut_anywhere_is_truncated_and_one_broken_inside_is_not() -> None:
    # Three megabytes, so that the reader feeds lxml several chunks (core CHUNK is 1 MiB).
    buf = io.BytesIO()
    syn.write_health_xml(buf, 100)
    whole = buf.getvalue()
    assert len(whole) > 3 * CHUNK
    for cut in (len(whole) // 3, CHUNK + 7, len(whole) - 40, len(whole) - 2):
        with pytest.raises(MeasureError, match=r"the file ends too early \(truncated\?\)"):
            read_apple_health(io.BytesIO(whole[:cut]), BERLIN)
    middle = whole.index(b"<Record", len(whole) // 2)
    broken = whole[:middle] + b"<Record <" + whole[middle:]
    with pytest.raises(MeasureError, match="not well-formed XML") as e:
        read_apple_health(io.BytesIO(broken), BERLIN)
    line = whole[:middle].count(b"\n") + 1
    assert f"at XML line {line}" in str(e.value)


def test_it_reads_fitbit_sleep_and_steps() -> None:
    days = FitbitDays(BERLIN)
    d = date(2024, 1, 2)
    days.add("sleep", [syn.fitbit_sleep(d, 420, 91, 3), syn.fitbit_sleep(d, 30, 80, 0, False)], "s")
    at = datetime(2024, 1, 2, 23, 30, tzinfo=BERLIN)  # 22:30 UTC: still 2 Jan in Berlin
    later = [syn.fitbit_steps(at + timedelta(hours=h), 5) for h in (2, 4)]  # 01:30, 03:30
    days.add(
        "steps",
        [syn.fitbit_steps(at, 40), *later, syn.fitbit_steps(at + timedelta(hours=5), 7)],
        "t",
    )
    got = {(v.day, v.metric): v.value for v in days.values()}
    assert got == {
        (d, "sleep_hours"): 7.5,
        (d, "sleep_efficiency"): 91,
        (d, "awakenings"): 3,
        (d, "steps"): 50,  # 01:30 and 03:30 belong to 2 Jan: the day starts at 04:00
        (d + timedelta(1), "steps"): 7,
    }


@pytest.mark.parametrize(
    ("day_start", "steps", "sleep"),
    [
        (time(4, 0), {date(2024, 1, 1): 30}, date(2024, 1, 1)),
        (time(0, 0), {date(2024, 1, 1): 10, date(2024, 1, 2): 20}, date(2024, 1, 2)),
        (time(3, 0), {date(2024, 1, 1): 10, date(2024, 1, 2): 20}, date(2024, 1, 2)),
    ],
)
def test_fitbit_steps_and_sleep_go_to_the_persons_diary_day(
    day_start: time, steps: dict[date, float], sleep: date
) -> None:
    days = FitbitDays(BERLIN, day_start)
    night = syn.fitbit_sleep(date(2024, 1, 2), 300, 90, 1)
    night["endTime"] = "2024-01-02T03:30:00.000"  # local wall time: woke at 03:30
    days.add("sleep", [night], "s")
    at = datetime(2024, 1, 1, 23, 30, tzinfo=BERLIN)  # and 03:30, like the waking
    days.add(
        "steps", [syn.fitbit_steps(at, 10), syn.fitbit_steps(at + timedelta(hours=4), 20)], "t"
    )
    got = days.values()
    assert {v.day: v.value for v in got if v.metric == "steps"} == steps
    assert {v.day for v in got if v.metric == "sleep_hours"} == {sleep}


def test_fitbit_sleep_without_an_end_time_keeps_its_date_of_sleep() -> None:
    days = FitbitDays(BERLIN, time(4, 0))
    night = syn.fitbit_sleep(date(2024, 1, 2), 300, 90, 1)
    del night["endTime"]
    days.add("sleep", [night], "s")
    assert {(v.day, v.metric) for v in days.values()} >= {(date(2024, 1, 2), "sleep_hours")}


def test_fitbit_sleep_ending_at_a_repeated_wall_time_takes_the_first() -> None:
    # Berlin's clocks go back at 03:00 on 27 October 2024: 02:30 happens twice, and with a day
    # start at 02:45 the first 02:30 (00:30 UTC) is before the start of 27 October.
    night = syn.fitbit_sleep(date(2024, 10, 27), 300, 90, 1)
    night["endTime"] = "2024-10-27T02:30:00.000"
    days = FitbitDays(BERLIN, time(2, 45))
    days.add("sleep", [night], "s")
    assert {v.day for v in days.values()} == {date(2024, 10, 26)}


def test_it_names_the_bad_fitbit_item() -> None:
    with pytest.raises(MeasureError, match="sleep-2024-01-01.json item 2: unreadable"):
        FitbitDays(BERLIN).add(
            "sleep",
            [syn.fitbit_sleep(date(2024, 1, 1), 400, 90, 1), {"x": 1}],
            "sleep-2024-01-01.json",
        )


def test_it_marks_days_well_above_the_persons_usual_activity() -> None:
    d = date(2024, 1, 1)
    steps = {d + timedelta(days=i): 4000.0 + (i % 3) * 100 for i in range(20)}
    steps[d + timedelta(days=20)] = 6500  # above 1.5 x the median of 4100
    steps[d + timedelta(days=21)] = 6000  # not above
    boom = boom_days(steps)
    assert min(boom) == d + timedelta(days=14)  # 14 days of history before a baseline
    assert boom[d + timedelta(days=20)] == 1.0 and boom[d + timedelta(days=21)] == 0.0
    assert sum(boom.values()) == 1


def test_it_reads_records_between_and_inside_other_elements_and_reports_progress() -> None:
    at = datetime(2024, 1, 2, 9, 0, tzinfo=BERLIN)
    workout = (
        ' <Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="30">'
        '<WorkoutEvent type="HKWorkoutEventTypePause"/></Workout>\n'
    )
    pressure = (  # a Correlation holds its own Records (blood pressure): counted, not used
        ' <Correlation type="HKCorrelationTypeIdentifierBloodPressure">'
        + syn.record("HKQuantityTypeIdentifierBloodPressureSystolic", "mmHg", "120", at, at)
        + "</Correlation>\n"
    )
    data = syn.health_xml([syn.steps(700, at), workout, pressure, syn.steps(300, at)] * 3)
    seen: list[int] = []
    result = read_apple_health(io.BytesIO(data), BERLIN, seen.append)
    assert result.records == 9
    assert [(v.metric, v.value) for v in result.values] == [("steps", 3000.0)]
    assert seen == [len(data)]
