"""Importing daily measurements: all or nothing, idempotent, one clear line when refused."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

import time_machine

from spasmtrack.accounts.models import Person
from spasmtrack.exchange.limits import ImportRefused
from spasmtrack.interop.flaredown import import_flaredown
from spasmtrack.measures.imports import (
    import_apple_health,
    import_fitbit,
    import_metrics_csv,
    import_weather_csv,
)
from spasmtrack.measures.models import DailyMetric
from spasmtrack.test import BaseTestCase
from tests.measures import synthetic as syn

FLAREDOWN_HEADER = (
    "user_id,age,sex,country,checkin_date,trackable_id,trackable_type,trackable_name,"
    "trackable_value\n"
)
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


@time_machine.travel(NOW)
class MeasureImportTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self._dir = TemporaryDirectory()
        self.dir = Path(self._dir.name)

    def tearDown(self) -> None:
        self._dir.cleanup()
        super().tearDown()

    def file(self, name: str, data: str | bytes) -> Path:
        path = self.dir / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path

    def values(self) -> dict[tuple[date, str], float]:
        qs = DailyMetric.objects.filter(person=self.alice)
        return {(m.local_date, m.metric): m.value for m in qs}

    def test_it_imports_a_csv_once_however_often_it_is_imported(self) -> None:
        path = self.file("m.csv", "date,metric,value\n2024-01-02,steps,8000\n2024-01-02,hrv,40\n")
        first = import_metrics_csv(self.alice, path)
        again = import_metrics_csv(self.alice, path)
        assert (first.new, again.new, again.unchanged) == (2, 0, 2)
        assert self.values() == {
            (date(2024, 1, 2), "steps"): 8000,
            (date(2024, 1, 2), "hrv_sdnn"): 40,
        }
        assert DailyMetric.objects.filter(person=self.charlie).count() == 0
        assert "Imported 2 daily values from 2024-01-02 to 2024-01-02" in again.line()

    def test_it_updates_a_value_a_newer_file_changes(self) -> None:
        import_metrics_csv(
            self.alice, self.file("a.csv", "date,metric,value\n2024-01-02,steps,8000\n")
        )
        s = import_metrics_csv(
            self.alice, self.file("b.csv", "date,metric,value\n2024-01-02,steps,9000\n")
        )
        assert s.updated == 1 and self.values() == {(date(2024, 1, 2), "steps"): 9000}

    def test_it_writes_nothing_when_the_last_line_is_bad(self) -> None:
        rows = "".join(f"2024-01-{d:02d},steps,{d * 100}\n" for d in range(1, 29))
        path = self.file("m.csv", "date,metric,value\n" + rows + "2024-01-29,steps,-1\n")
        with self.assertRaisesRegex(ImportRefused, r"m.csv row 30: steps: -1 is outside"):
            import_metrics_csv(self.alice, path)
        assert not DailyMetric.objects.exists()

    def test_it_refuses_two_values_for_one_day_and_a_future_day(self) -> None:
        clash = self.file("c.csv", "date,metric,value\n2024-01-02,steps,1\n2024-01-02,steps,2\n")
        with self.assertRaisesRegex(
            ImportRefused, r"row 3: a second, different steps .*\(line 2\)"
        ):
            import_metrics_csv(self.alice, clash)
        future = self.file("f.csv", "date,metric,value\n2024-06-03,steps,1\n")
        with self.assertRaisesRegex(ImportRefused, "row 2: date 2024-06-03: this is in the future"):
            import_metrics_csv(self.alice, future)
        assert not DailyMetric.objects.exists()

    def test_it_names_the_encoding_of_a_utf16_file(self) -> None:
        path = self.file("u.csv", "date,metric,value\n".encode("utf-16"))
        with self.assertRaisesRegex(ImportRefused, "UTF-16"):
            import_metrics_csv(self.alice, path)

    def test_it_imports_a_weather_csv(self) -> None:
        path = self.file(
            "w.csv", "date,temperature_min,temperature_max,pressure\n2024-01-02,-3,4,1009\n"
        )
        assert import_weather_csv(self.alice, path).new == 3
        assert self.values()[(date(2024, 1, 2), "pressure")] == 1009

    def test_it_imports_an_apple_health_zip_and_xml_alike(self) -> None:
        buf = io.BytesIO()
        syn.write_health_xml(buf, 10, first=date(2024, 1, 1))
        from_zip = import_apple_health(
            self.alice, self.file("export.zip", syn.health_zip(buf.getvalue()))
        )
        stored = self.values()
        assert from_zip.new == len(stored)
        for metric in ("steps", "resting_heart_rate", "hrv_sdnn", "sleep_hours"):
            assert sum(m == metric for _, m in stored) == 10, metric
        again = import_apple_health(self.alice, self.file("export.xml", buf.getvalue()))
        assert again.unchanged == from_zip.new and self.values() == stored
        assert {m.source for m in DailyMetric.objects.all()} == {"apple-health"}

    def test_it_refuses_a_truncated_zip_and_a_zip_without_an_export(self) -> None:
        buf = io.BytesIO()
        syn.write_health_xml(buf, 30)
        data = syn.health_zip(buf.getvalue())
        with self.assertRaisesRegex(ImportRefused, "export.zip: .*(truncated|damaged)"):
            import_apple_health(self.alice, self.file("export.zip", data[: len(data) // 2]))
        other = io.BytesIO()
        with zipfile.ZipFile(other, "w") as z:
            z.writestr("notes.txt", "hello")
        with self.assertRaisesRegex(ImportRefused, "no export.xml inside"):
            import_apple_health(self.alice, self.file("other.zip", other.getvalue()))
        with self.assertRaisesRegex(ImportRefused, "not an Apple Health export"):
            import_apple_health(self.alice, self.file("cda.xml", "<ClinicalDocument/>"))
        assert not DailyMetric.objects.exists()

    def test_it_refuses_an_export_with_a_day_in_the_future(self) -> None:
        buf = io.BytesIO()
        syn.write_health_xml(buf, 3, first=date(2024, 5, 31))
        with self.assertRaisesRegex(ImportRefused, "date 2024-06-02: this is in the future"):
            import_apple_health(self.alice, self.file("export.xml", buf.getvalue()))
        assert not DailyMetric.objects.exists()

    def test_it_imports_a_takeout_zip_of_fitbit_files(self) -> None:
        d = date(2024, 1, 2)
        at = datetime(2024, 1, 2, 10, 0, tzinfo=UTC)
        data = syn.fitbit_zip(
            {
                "Takeout/Fitbit/Global Export Data/sleep-2024-01-01.json": [
                    syn.fitbit_sleep(d, 400, 92, 2)
                ],
                "Takeout/Fitbit/Global Export Data/steps-2024-01-01.json": [
                    syn.fitbit_steps(at, 12),
                    syn.fitbit_steps(at + timedelta(minutes=1), 30),
                ],
            }
        )
        s = import_fitbit(self.alice, self.file("takeout.zip", data))
        assert s.new == 4
        assert self.values()[(d, "steps")] == 42 and self.values()[(d, "sleep_efficiency")] == 92
        with self.assertRaisesRegex(ImportRefused, "not a Fitbit"):
            import_fitbit(self.alice, self.file("x.json", "[]"))

    def test_wearable_imports_use_the_persons_day_start(self) -> None:
        woke = datetime(2024, 1, 2, 3, 30, tzinfo=self.alice.zone)  # before 04:00
        asleep = "HKCategoryValueSleepAnalysisAsleepCore"
        night = syn.health_xml([syn.sleep(asleep, woke - timedelta(hours=6), woke)])
        steps = json.dumps([syn.fitbit_steps(woke, 12)])
        jan1, jan2 = date(2024, 1, 1), date(2024, 1, 2)
        for day_start, day in ((time(4, 0), jan1), (time(0, 0), jan2)):
            DailyMetric.objects.all().delete()
            self.alice.day_start = day_start
            self.alice.save()
            person = Person.objects.get(pk=self.alice.pk)  # the stored setting
            import_apple_health(person, self.file("export.xml", night))
            import_fitbit(person, self.file("steps-2024-01-02.json", steps))
            assert self.values() == {(day, "sleep_hours"): 6, (day, "steps"): 12}, day_start

    def test_it_imports_flaredown_weather_in_the_same_transaction(self) -> None:
        header = FLAREDOWN_HEADER
        rows = [
            ("2020-01-02", "temperature_min", "23"),  # Dark Sky era: °F, humidity a fraction
            ("2020-01-02", "temperature_max", "41"),
            ("2020-01-02", "humidity", "0.8"),
            ("2020-01-02", "pressure", "1012.5"),
            ("2020-01-02", "icon", "rain"),
            ("2020-01-02", "precip_intensity", "0.01"),
            ("2024-01-02", "temperature_max", "4"),  # Tomorrow.io era: °C, humidity in %
            ("2024-01-02", "humidity", "81"),
        ]
        text = header + "".join(f"u1,40,f,DE,{d},1,Weather,{n},{v}\n" for d, n, v in rows)
        summary = import_flaredown(self.alice, io.StringIO(text), where="fd.csv")
        got = self.values()
        assert got[(date(2020, 1, 2), "temperature_min")] == -5
        assert got[(date(2020, 1, 2), "temperature_max")] == 5
        assert got[(date(2020, 1, 2), "humidity")] == 80
        assert got[(date(2020, 1, 2), "precipitation")] == 6.096  # 0.01 in/h x 24 h, in mm
        assert got[(date(2024, 1, 2), "temperature_max")] == 4
        assert got[(date(2024, 1, 2), "humidity")] == 81
        assert summary.weather == 8 and summary.weather_values == 7
        assert "8 weather rows read: 7 daily weather values imported" in "\n".join(summary.lines())

    def test_it_rolls_back_the_flaredown_import_for_implausible_weather(self) -> None:
        header = FLAREDOWN_HEADER
        text = (
            header
            + "u1,40,f,DE,2020-01-02,1,Symptom,fatigue,3\n"
            + "u1,40,f,DE,2020-01-02,1,Weather,pressure,3\n"
        )
        with self.assertRaisesRegex(ImportRefused, "fd.csv row 3: pressure: 3 hPa is outside"):
            import_flaredown(self.alice, io.StringIO(text), where="fd.csv")
        from spasmtrack.diary.models import SymptomRating

        assert not SymptomRating.objects.exists() and not DailyMetric.objects.exists()
