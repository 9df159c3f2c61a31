"""Synthetic wearable exports in the real formats (made-up people, made-up values).

Apple Health: `export.xml` as the Health app writes it (XML declaration, the inline DTD's
shape, `<HealthData locale=…>`, `<ExportDate>`, `<Me>`, then `<Record>` elements with
`type sourceName sourceVersion device unit creationDate startDate endDate value`, some with
`<MetadataEntry>` children, dated in the phone's zone, DST included, then `<Workout>` and
`<ActivitySummary>` elements, which the reader skips, as at the end of a real export), and
`export.zip` holding `apple_health_export/export.xml`.
Fitbit: `sleep-YYYY-MM-DD.json` and `steps-YYYY-MM-DD.json` lists as in a Fitbit / Google
Takeout data export.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import timezone as timezone  # re-exported: tests use syn.timezone
from typing import IO, Any
from zoneinfo import ZoneInfo

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
]>
<HealthData locale="en_GB">
 <ExportDate value="2024-03-01 09:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth=""
  HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexNotSet"/>
"""
TAIL = "</HealthData>\n"
WATCH = (
    'sourceName="Sam’s Apple Watch" sourceVersion="10.1" '
    'device="&lt;&lt;HKDevice: 0x283f5c&gt;, name:Apple Watch, model:Watch&gt;"'
)
PHONE = 'sourceName="Sam’s iPhone" sourceVersion="17.1"'


def fmt(at: datetime) -> str:
    """Apple's date form: "2024-01-02 07:30:00 +0100"."""
    return at.strftime("%Y-%m-%d %H:%M:%S %z")


def record(
    kind: str, unit: str | None, value: str, start: datetime, end: datetime, src: str = PHONE
) -> str:
    u = f' unit="{unit}"' if unit else ""
    return (
        f' <Record type="{kind}" {src}{u} creationDate="{fmt(end)}" startDate="{fmt(start)}" '
        f'endDate="{fmt(end)}" value="{value}"/>\n'
    )


def sleep(value: str, start: datetime, end: datetime, src: str = WATCH) -> str:
    return record("HKCategoryTypeIdentifierSleepAnalysis", None, value, start, end, src)


def steps(n: int, start: datetime, minutes: int = 10, src: str = PHONE) -> str:
    end = start + timedelta(minutes=minutes)
    return record("HKQuantityTypeIdentifierStepCount", "count", str(n), start, end, src)


def health_xml(records: list[str]) -> bytes:
    return (HEAD + "".join(records) + TAIL).encode()


def health_zip(xml: bytes, name: str = "apple_health_export/export.xml") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, xml)
        z.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")
    return buf.getvalue()


def day_records(day: date, rng: random.Random, tz: tzinfo) -> Iterator[str]:
    """One synthetic day: ~90 step samples from phone and watch, resting HR, 3 HRV
    readings, and the night before as staged Watch sleep (core, deep, REM, awake)."""
    t = datetime(day.year, day.month, day.day, 7, 0, tzinfo=tz)
    for i in range(45):
        at = t + timedelta(minutes=20 * i)
        n = rng.randint(0, 400)
        yield steps(n, at)
        yield steps(n + rng.randint(-5, 5) if n > 5 else n, at, src=WATCH)
    yield record(
        "HKQuantityTypeIdentifierRestingHeartRate",
        "count/min",
        str(rng.randint(52, 75)),
        t,
        t + timedelta(hours=14),
        WATCH,
    )
    for h in (9, 14, 20):
        at = t.replace(hour=h)
        yield record(
            "HKQuantityTypeIdentifierHeartRateVariabilitySDNN",
            "ms",
            f"{rng.uniform(20, 80):.3f}",
            at,
            at + timedelta(minutes=1),
            WATCH,
        ).replace(
            "/>\n",
            '>\n  <MetadataEntry key="HKAlgorithmVersion" value="2"/>\n </Record>\n',
        )
    start = t - timedelta(hours=8, minutes=rng.randint(0, 60))
    at = start
    stages = ("AsleepCore", "AsleepDeep", "AsleepCore", "AsleepREM", "Awake", "AsleepCore")
    while at < t:
        stage = stages[rng.randrange(len(stages))]
        end = min(t, at + timedelta(minutes=rng.randint(10, 50)))
        yield sleep(f"HKCategoryValueSleepAnalysis{stage}", at, end)
        at = end


def workout(day: date, rng: random.Random, tz: tzinfo) -> str:
    """An evening walk as the Watch records it, with events, statistics and metadata."""
    start = datetime(day.year, day.month, day.day, 18, rng.randint(0, 59), tzinfo=tz)
    minutes = rng.randint(20, 70)
    end = start + timedelta(minutes=minutes)
    stat = '  <WorkoutStatistics type="{0}" startDate="{1}" endDate="{2}" sum="{3}" unit="{4}"/>\n'
    return (
        f' <Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="{minutes}" '
        f'durationUnit="min" {WATCH} creationDate="{fmt(end)}" startDate="{fmt(start)}" '
        f'endDate="{fmt(end)}">\n'
        '  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n'
        f'  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="{fmt(start)}" '
        f'duration="{minutes}" durationUnit="min"/>\n'
        + stat.format(
            "HKQuantityTypeIdentifierStepCount", fmt(start), fmt(end), minutes * 95, "count"
        )
        + stat.format(
            "HKQuantityTypeIdentifierActiveEnergyBurned",
            fmt(start),
            fmt(end),
            f"{minutes * 4.1:.2f}",
            "kcal",
        )
        + '  <WorkoutRoute sourceName="Sam’s Apple Watch">\n'
        f'   <FileReference path="/workout-routes/route_{day.isoformat()}.gpx"/>\n'
        "  </WorkoutRoute>\n"
        " </Workout>\n"
    )


def activity_summary(day: date, rng: random.Random) -> str:
    return (
        f' <ActivitySummary dateComponents="{day.isoformat()}" '
        f'activeEnergyBurned="{rng.uniform(150, 600):.3f}" activeEnergyBurnedGoal="400" '
        'activeEnergyBurnedUnit="Cal" appleMoveTime="0" appleMoveTimeGoal="0" '
        f'appleExerciseTime="{rng.randint(0, 60)}" appleExerciseTimeGoal="30" '
        f'appleStandHours="{rng.randint(4, 14)}" appleStandHoursGoal="12"/>\n'
    )


BERLIN = ZoneInfo("Europe/Berlin")


def write_health_xml(
    out: IO[bytes], days: int, seed: int = 1, first: date | None = None, tz: tzinfo = BERLIN
) -> int:
    """Write a synthetic export.xml of `days` days to `out`; returns the Record count.

    The Records come day by day, dated in `tz` (the phone's zone: +0100 in winter, +0200 in
    summer for Berlin); a Workout every other day and an ActivitySummary a day follow them,
    as in a real export."""
    rng = random.Random(seed)
    first = first or date(2020, 1, 1)
    out.write(HEAD.encode())
    n = 0
    for i in range(days):
        block = list(day_records(first + timedelta(days=i), rng, tz))
        n += len(block)
        out.write("".join(block).encode())
    for i in range(0, days, 2):
        out.write(workout(first + timedelta(days=i), rng, tz).encode())
    for i in range(days):
        out.write(activity_summary(first + timedelta(days=i), rng).encode())
    out.write(TAIL.encode())
    return n


def fitbit_sleep(
    day: date, minutes: int, efficiency: int, wakes: int, main: bool = True
) -> dict[str, Any]:
    end = datetime(day.year, day.month, day.day, 7, 0)
    start = end - timedelta(minutes=minutes + 40)
    return {
        "logId": 26000000000 + day.toordinal(),
        "dateOfSleep": day.isoformat(),
        "startTime": start.strftime("%Y-%m-%dT%H:%M:%S.000"),
        "endTime": end.strftime("%Y-%m-%dT%H:%M:%S.000"),
        "duration": (minutes + 40) * 60000,
        "minutesToFallAsleep": 0,
        "minutesAsleep": minutes,
        "minutesAwake": 40,
        "minutesAfterWakeup": 0,
        "timeInBed": minutes + 40,
        "efficiency": efficiency,
        "type": "stages",
        "infoCode": 0,
        "logType": "auto_detected",
        "levels": {
            "summary": {
                "deep": {"count": 4, "minutes": 80, "thirtyDayAvgMinutes": 75},
                "wake": {"count": wakes, "minutes": 40, "thirtyDayAvgMinutes": 45},
                "light": {"count": 20, "minutes": minutes - 160, "thirtyDayAvgMinutes": 200},
                "rem": {"count": 5, "minutes": 80, "thirtyDayAvgMinutes": 85},
            },
            "data": [{"dateTime": start.isoformat(), "level": "wake", "seconds": 600}],
            "shortData": [],
        },
        "mainSleep": main,
    }


def fitbit_steps(at: datetime, value: int) -> dict[str, Any]:
    return {
        "dateTime": at.astimezone(UTC).strftime("%m/%d/%y %H:%M:%S"),
        "value": str(value),
    }


def fitbit_zip(files: dict[str, list[dict[str, Any]]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, json.dumps(data))
        z.writestr("Takeout/Fitbit/Global Export Data/weight-2024-01-01.json", "[]")
    return buf.getvalue()
