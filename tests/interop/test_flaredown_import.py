from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from spasmtrack.diary.models import Habit, HabitLog, SymptomRating, Treatment, TreatmentLog
from spasmtrack.interop.flaredown import (
    FlaredownImportRefused,
    import_flaredown,
    parse_dose,
)
from spasmtrack.test import BaseTestCase

HEADER = (
    "user_id,age,sex,country,checkin_date,trackable_id,trackable_type,trackable_name,"
    "trackable_value\n"
)


def _csv(*rows: str) -> io.StringIO:
    return io.StringIO(HEADER + "".join(r + "\n" for r in rows))


def _row(day: str, kind: str, name: str, value: str = "", user: str = "u1") -> str:
    return f"{user},40,female,DE,{day},1,{kind},{name},{value}"


def _synthetic(n: int) -> Iterator[str]:
    """n rows for one user: 4 symptoms, 1 treatment, 1 tag, 1 food, 1 weather per day."""
    yield HEADER
    start = date(2015, 1, 1)
    kinds = [
        ("Symptom", "muscle spasms", "{r}"),
        ("Symptom", "fatigue", "{r}"),
        ("Condition", "Fibromyalgia", "{r}"),
        ("Symptom", "headache", "{r}"),
        ("Treatment", "Magnesium", "200 mg"),
        ("Tag", "stressful day", ""),
        ("Food", "banana", ""),
        ("Weather", "humidity", "0.8"),
    ]
    for i in range(n):
        day = start + timedelta(days=i // len(kinds))
        kind, name, value = kinds[i % len(kinds)]
        yield f"u1,40,female,DE,{day},1,{kind},{name},{value.format(r=i % 5)}\n"


class FlaredownImportTestCase(BaseTestCase):
    def test_it_maps_every_kind_and_says_what_it_skipped(self) -> None:
        summary = import_flaredown(
            self.alice,
            _csv(
                _row("2020-01-02", "Condition", "Fibromyalgia", "3"),
                _row("2020-01-02", "Symptom", "muscle spasms", "2"),
                _row("2020-01-02", "Symptom", "fatigue", ""),  # not rated: skipped
                _row("2020-01-02", "Treatment", "heating pad", "20 min"),
                _row("2020-01-02", "Treatment", "Lyrica", "twice"),
                _row("2020-01-02", "Tag", "rainy", ""),
                _row("2020-01-03", "Tag", "rainy", ""),
                _row("2020-01-02", "Food", "banana", ""),
                _row("2020-01-02", "Weather", "humidity", "0.8"),
                _row("2020-01-02", "HBI", "hbi", "5"),
            ),
            where="fd.csv",
        )
        ratings = {
            (r.name, r.value, r.scale_max) for r in SymptomRating.objects.filter(person=self.alice)
        }
        assert ratings == {("Fibromyalgia", 3, 4), ("muscle spasms", 2, 4)}
        logs = {t.treatment.key: t for t in TreatmentLog.objects.filter(person=self.alice)}
        heat = logs.pop("heat")  # "heating pad" is a synonym of the catalogue's Heat
        assert (heat.amount, heat.unit, heat.local_date) == (20, "min", date(2020, 1, 2))
        (lyrica,) = logs.values()
        assert lyrica.treatment.owner == self.alice and lyrica.notes == "Dose: twice"
        rainy = Habit.objects.get(owner=self.alice, name="rainy")
        assert HabitLog.objects.filter(habit=rainy, value=1).count() == 2
        text = "\n".join(summary.lines())
        assert "1 food rows not imported yet" in text
        assert "1 weather rows read: 1 daily weather values imported" in text
        assert "0 weather rows and 1 HBI rows skipped" in text
        assert "New treatments of your own: Lyrica" in text

    def test_it_keeps_the_last_rating_of_a_repeated_symptom_day(self) -> None:
        summary = import_flaredown(
            self.alice,
            _csv(
                _row("2020-01-02", "Symptom", "headache", "1"),
                _row("2020-01-03", "Symptom", "headache", "2"),
                _row("2020-01-02", "Symptom", "headache", "4"),
            ),
            batch_size=1,  # the repeat lands in a later batch: updated, not duplicated
        )
        values = dict(SymptomRating.objects.values_list("local_date", "value"))
        assert values == {date(2020, 1, 2): 4, date(2020, 1, 3): 2}
        assert summary.ratings == 2 and summary.duplicate_ratings == 1

    def test_it_refuses_several_users_without_source_user(self) -> None:
        rows = (
            _row("2020-01-02", "Symptom", "pain", "1"),
            _row("2020-01-02", "Symptom", "pain", "2", user="u2"),
        )
        with pytest.raises(FlaredownImportRefused, match="fd.csv line 3: several user_ids"):
            import_flaredown(self.alice, _csv(*rows), where="fd.csv")
        assert not SymptomRating.objects.exists()
        import_flaredown(self.alice, _csv(*rows), source_user="u2")
        assert list(SymptomRating.objects.values_list("value", flat=True)) == [2]

    def test_it_writes_nothing_when_the_last_row_is_bad(self) -> None:
        rows = [_row("2020-01-02", "Symptom", f"s{i}", "1") for i in range(30)]
        rows += [
            _row("2020-01-02", "Treatment", "Brand new pill", ""),
            _row("2020-01-02", "Tag", "new tag"),
        ]
        rows.append(_row("2020-01-03", "Symptom", "pain", "7"))
        with pytest.raises(
            FlaredownImportRefused, match="line 34: rating must be a whole number 0-4"
        ):
            import_flaredown(self.alice, _csv(*rows), batch_size=10)
        assert not SymptomRating.objects.exists() and not TreatmentLog.objects.exists()
        assert not Treatment.objects.filter(owner=self.alice).exists()
        assert not Habit.objects.filter(owner=self.alice).exists()

    def test_a_bad_row_in_a_batch_refuses_the_whole_import_naming_its_line(self) -> None:
        # Rows are validated a batch at a time: a refused row in the middle of the second
        # batch names its own line, and the first batch (already written) is rolled back.
        rows = [_row(f"2020-01-{d:02}", "Symptom", "pain", "1") for d in range(1, 13)]
        rows[9] = _row("2020-01-10", "Symptom", '"two\nlines"', "2")  # lines 11-12
        rows.append(_row("2020-01-13", "Treatment", "Brand new pill", "20 mg"))
        with pytest.raises(
            FlaredownImportRefused,
            match=r"fd.csv line 12: name: Value error, must be a single line",
        ):
            import_flaredown(self.alice, _csv(*rows), where="fd.csv", batch_size=5)
        assert not SymptomRating.objects.exists() and not TreatmentLog.objects.exists()
        assert not Treatment.objects.filter(owner=self.alice).exists()

    def test_it_names_the_first_bad_line_when_a_later_row_fails_first(self) -> None:
        # The row ending on line 3 waits in the batch when line 5 fails at once (an
        # over-long tag): the refusal still names line 3, the file's first bad row.
        rows = (
            _row("2020-01-02", "Symptom", '"two\nlines"', "2"),
            _row("2020-01-02", "Symptom", "pain", "1"),
            _row("2020-01-02", "Tag", "x" * 200),
        )
        with pytest.raises(FlaredownImportRefused, match=r"line 3: name: Value error"):
            import_flaredown(self.alice, _csv(*rows))
        assert not SymptomRating.objects.exists()
        assert not Habit.objects.filter(owner=self.alice).exists()

    def test_it_never_overwrites_a_rating_already_in_the_diary(self) -> None:
        SymptomRating.objects.create(
            person=self.alice, name="headache", value=3, scale_max=10, local_date=date(2020, 1, 2)
        )
        with pytest.raises(FlaredownImportRefused, match="line 3: your diary already has a rating"):
            import_flaredown(
                self.alice,
                _csv(
                    _row("2020-01-01", "Symptom", "headache", "1"),
                    _row("2020-01-02", "Symptom", "headache", "1"),
                ),
            )
        assert SymptomRating.objects.count() == 1

    def _peak(self, rows: int) -> int:
        tracemalloc.start()
        summary = import_flaredown(self.alice, _synthetic(rows), batch_size=400)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert summary.ratings == rows // 2 and summary.foods == rows // 8
        return peak

    @pytest.mark.slow  # ~7 s: tracemalloc slows Python down several times
    def test_it_streams_a_large_file_in_constant_memory(self) -> None:
        self._peak(400)  # warm caches (catalogue, query compilation) outside the comparison
        SymptomRating.objects.all().delete()
        HabitLog.objects.all().delete()
        TreatmentLog.objects.all().delete()
        small = self._peak(2_000)
        SymptomRating.objects.all().delete()
        HabitLog.objects.all().delete()
        TreatmentLog.objects.all().delete()
        large = self._peak(10_000)
        assert SymptomRating.objects.count() == 5_000
        # Five times the rows, about the same peak: only one batch is ever held (holding the
        # file would make it about five times larger).
        assert large < 2 * small


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20 mg", (20.0, "mg", "")),
        ("1.5", (1.5, "", "")),
        ("2,5 ml", (2.5, "ml", "")),
        ("twice a day", (None, "", "Dose: twice a day")),
        (None, (None, "", "")),
    ],
)
def test_it_reads_a_dose(text: str | None, expected: tuple[float | None, str, str]) -> None:
    assert parse_dose(text) == expected
