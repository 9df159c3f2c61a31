from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from spasmtrack.diary.models import DailyCheckin, HabitLog, SymptomRating, Treatment, TreatmentLog
from spasmtrack.insights.services import insights_for
from spasmtrack.interop import flaredown_user as fdu
from spasmtrack.interop.flaredown import import_flaredown
from spasmtrack.interop.flaredown_user import (
    FlaredownUserRefused,
    import_flaredown_user,
    import_flaredown_user_files,
)
from spasmtrack.interop.native import export_document
from spasmtrack.nutrition.models import Intake
from spasmtrack.test import BaseTestCase
from tests.interop import flaredown_synth

HEADER = "Date,Fibromyalgia,Muscle spasms,Mystery,Lyrica,Ibuprofen,Heat,Tags,Foods\n"
ROWS = (
    '2024-01-01,3,4,,75 mg,"200 mg, twice",20,stress; bad sleep,"Bananas, raw; Pizza, cheese"\n'
    "\n"
    "2024-01-02,2,,,75 mg,,15,,\n"
    ",,,,,,,,\n"
    "2024-01-03,1,0,,,400 mg,,walked,\n"
)
NOTES = (
    "2024-01-03,Felt better, went for a walk, then rested\n\n2024-01-01,Bad night, lots of spasms\n"
)


def _opener(text: str) -> fdu.Opener:
    def open_it() -> AbstractContextManager[Any]:
        return io.StringIO(text, newline="")

    return open_it


def _import(person: Any, text: str = HEADER + ROWS, notes: str | None = NOTES, **kw: Any) -> Any:
    return import_flaredown_user(
        person,
        _opener(text),
        "fd.csv",
        notes_opener=_opener(notes) if notes is not None else None,
        **kw,
    )[1]


def _diary(person: Any) -> dict[str, Any]:
    """The person's export without ids and export time: what re-importing must not change."""
    doc = export_document(person)
    doc.pop("exported_at")
    for rows in doc.values():
        if isinstance(rows, list):
            for row in rows:
                row.pop("id", None)
                row.pop("key", None)
                if str(row.get("treatment", "")).startswith("custom-"):
                    row.pop("treatment")
                if str(row.get("habit", "")).startswith("custom-"):
                    row.pop("habit")
    return doc


class FlaredownUserImportTestCase(BaseTestCase):
    def test_it_imports_ratings_doses_tags_foods_and_notes(self) -> None:
        summary = _import(self.alice)
        ratings = {
            (r.name, r.local_date.day): (r.value, r.scale_max)
            for r in SymptomRating.objects.filter(person=self.alice)
        }
        assert ratings == {
            ("Fibromyalgia", 1): (3, 4),
            ("Fibromyalgia", 2): (2, 4),
            ("Fibromyalgia", 3): (1, 4),
            ("Muscle spasms", 1): (4, 4),
            ("Muscle spasms", 3): (0, 4),
        }
        logs = TreatmentLog.objects.filter(person=self.alice).select_related("treatment")
        got = {(t.treatment.name, t.local_date.day, t.amount, t.unit, t.notes) for t in logs}
        assert got == {
            ("Lyrica", 1, 75, "mg", 'From Flaredown: "Lyrica", dose "75 mg"'),
            ("Lyrica", 2, 75, "mg", 'From Flaredown: "Lyrica", dose "75 mg"'),
            (
                "Over-the-counter anti-inflammatory (ibuprofen, naproxen)",  # a catalogue synonym
                1,
                None,
                "",
                'From Flaredown: "Ibuprofen", dose "200 mg, twice"',
            ),
            (
                "Over-the-counter anti-inflammatory (ibuprofen, naproxen)",
                3,
                400,
                "mg",
                'From Flaredown: "Ibuprofen", dose "400 mg"',
            ),
            ("Heat", 1, 20, "", 'From Flaredown: "Heat", dose "20"'),
            ("Heat", 2, 15, "", 'From Flaredown: "Heat", dose "15"'),
        }
        lyrica = Treatment.objects.get(owner=self.alice, name="Lyrica")
        assert lyrica.category == "clinical"
        first = logs.filter(local_date=date(2024, 1, 1)).first()
        assert first is not None and first.at.hour == 11  # 12:00 in Berlin is 11:00 UTC
        habits = {
            (h.habit.name, h.habit.owner_id, h.local_date.day, h.value)
            for h in HabitLog.objects.filter(person=self.alice).select_related("habit")
        }
        assert habits == {
            ("stress", self.alice.pk, 1, 1),
            ("Poor sleep", None, 1, 1),  # "bad sleep" is a synonym of a catalogue habit
            ("walked", self.alice.pk, 3, 1),
        }
        intake = Intake.objects.get(person=self.alice)
        assert (intake.food_id, intake.amount, intake.unit) == ("banana", 1, "serving")
        notes = {c.local_date.day: c.notes for c in DailyCheckin.objects.filter(person=self.alice)}
        assert notes == {
            1: "Foods (from Flaredown, not in the foods catalogue): Pizza, cheese\n"
            "Bad night, lots of spasms",
            3: "Felt better, went for a walk, then rested",
        }
        assert (summary.ratings, summary.treatment_logs, summary.habit_logs) == (5, 6, 3)
        assert (summary.intakes, summary.food_notes, summary.notes) == (1, 1, 2)
        assert summary.new_treatments == ["Lyrica"]
        assert summary.empty_columns == ["Mystery"]
        assert not SymptomRating.objects.filter(person=self.charlie).exists()

    def test_it_stores_the_same_files_once(self) -> None:
        _import(self.alice)
        before = _diary(self.alice)
        again = _import(self.alice)
        assert (again.ratings, again.treatment_logs, again.habit_logs, again.notes) == (0, 0, 0, 0)
        assert again.intakes == 0 and again.already == 5 + 6 + 3 + 1 + 3
        assert _diary(self.alice) == before
        assert Treatment.objects.filter(owner=self.alice).count() == 1

    def test_it_exports_every_rating_dose_tag_and_note(self) -> None:
        days = flaredown_synth.diary(n_days=40)
        days[0].foods = ["Bananas, raw", "Pizza, cheese"]
        notes = "".join(f"{d.date},note {i}, with a comma\n" for i, d in enumerate(days))
        _import(self.alice, flaredown_synth.wide_csv(days), notes)
        doc = export_document(self.alice)
        ratings = {(r["name"], r["local_date"]): r["value"] for r in doc["symptom-ratings"]}
        assert ratings == {
            (name, d.date.isoformat()): value for d in days for name, value in d.ratings.items()
        }
        doses = sorted((t["local_date"], t["notes"]) for t in doc["treatment-logs"])
        assert doses == sorted(
            (d.date.isoformat(), f'From Flaredown: "{name}", dose "{dose}"')
            for d in days
            for name, dose in d.doses.items()
        )
        tags = sorted((h["local_date"], h["notes"]) for h in doc["habit-logs"])
        assert tags == sorted(
            (d.date.isoformat(), f'From Flaredown: tag "{t}"') for d in days for t in d.tags
        )
        checkins = {c["local_date"]: c["notes"] for c in doc["checkins"]}
        for i, d in enumerate(days):
            assert f"note {i}, with a comma" in checkins[d.date.isoformat()].split("\n")
        assert "Pizza, cheese" in checkins[days[0].date.isoformat()]
        assert [i["food_id"] for i in doc["intakes"]] == ["banana"]

    def test_it_writes_nothing_when_the_last_row_is_bad(self) -> None:
        text = HEADER + ROWS + "2024-01-04,5,,,,,,,\n"
        with pytest.raises(FlaredownUserRefused) as e:
            _import(self.alice, text, kinds={"Fibromyalgia": "rating"}, batch_days=1)
        assert str(e.value) == (
            "fd.csv: row 7, column 'Fibromyalgia': a rating must be a whole number 0-4, got '5'"
        )
        self._assert_empty()

    def test_it_writes_nothing_when_the_notes_file_is_bad(self) -> None:
        with pytest.raises(
            FlaredownUserRefused, match="notes.txt: row 2: '2024-02-30' is not a real date"
        ):
            _import(self.alice, notes="2024-01-01,ok\n2024-02-30,no such day\n")
        self._assert_empty()

    def test_it_never_overwrites_a_rating_already_in_the_diary(self) -> None:
        SymptomRating.objects.create(
            person=self.alice,
            name="Fibromyalgia",
            value=1,
            scale_max=4,
            local_date=date(2024, 1, 2),
        )
        with pytest.raises(FlaredownUserRefused) as e:
            _import(self.alice)
        assert "row 4, column 'Fibromyalgia': your diary already has 'Fibromyalgia' 1" in str(
            e.value
        )
        assert SymptomRating.objects.filter(person=self.alice).count() == 1

    def test_it_applies_the_kind_the_person_sets(self) -> None:
        summary = _import(self.alice, kinds={"Heat": "skip", "Mystery": "treatment"}, notes=None)
        assert not TreatmentLog.objects.filter(person=self.alice, treatment__key="heat").exists()
        assert summary.skipped_columns == ["Heat"]

    def test_it_reads_files_with_or_without_a_bom(self) -> None:
        days = flaredown_synth.diary(n_days=5)
        for i, (person, bom) in enumerate(((self.alice, True), (self.charlie, False))):
            path = Path(self.tmp) / f"fd{i}.csv"
            path.write_text(flaredown_synth.wide_csv(days, bom=bom), encoding="utf-8")
            _, summary = import_flaredown_user_files(person, path)
            assert summary.ratings == sum(len(d.ratings) for d in days)

    def test_it_refuses_utf16_latin1_and_big_files(self) -> None:
        path = Path(self.tmp) / "fd.csv"
        path.write_text(HEADER + ROWS, encoding="utf-16")
        with pytest.raises(FlaredownUserRefused, match="UTF-16 text; save it as UTF-8"):
            import_flaredown_user_files(self.alice, path)
        path.write_bytes((HEADER + ROWS.replace("walked", "caf\xe9")).encode("latin-1"))
        with pytest.raises(FlaredownUserRefused, match="not UTF-8 text"):
            import_flaredown_user_files(self.alice, path)
        path.write_text(HEADER + ROWS, encoding="utf-8")
        with pytest.raises(FlaredownUserRefused, match="the limit is 10 bytes"):
            fdu.check_file(path, 10)
        self._assert_empty()

    def _both_formats(self, effect: float) -> tuple[Any, dict[Any, float | None]]:
        """Insights of one synthetic diary imported as the long format (alice) and as the
        user export (charlie); asserts they agree and returns charlie's report and findings."""
        cache.clear()  # insights are cached by person and diary version; ids repeat across tests
        days = flaredown_synth.diary(n_days=150, effect=effect)
        import_flaredown(self.alice, io.StringIO(flaredown_synth.long_csv(days)))
        _import(self.charlie, flaredown_synth.wide_csv(days), notes=None)
        long, wide = insights_for(self.alice), insights_for(self.charlie)

        def found(report: Any) -> dict[tuple[str, str, str, int], float | None]:
            return {
                (group, i["factor"], i["outcome"], i["lag_days"]): i["effect"]
                for group in ("helps", "aggravates", "no_clear_effect", "not_enough_data")
                for i in report[group]
            }

        assert found(wide).keys() == found(long).keys()
        for key, value in found(long).items():
            assert found(wide)[key] == pytest.approx(value)
        return wide, found(wide)

    def test_it_finds_what_the_long_format_finds(self) -> None:
        wide, _ = self._both_formats(effect=1.5)
        planted = [
            i
            for i in wide["helps"]
            if i["factor"] == "magnesium supplement" and i["outcome"] == "Muscle spasms (0–4)"
        ]
        assert len(planted) == 1 and planted[0]["lag_days"] == 0
        assert planted[0]["effect"] == pytest.approx(-1.5, abs=0.4)

    def test_it_finds_no_effect_in_either_format_when_none_was_planted(self) -> None:
        _, found = self._both_formats(effect=0.0)
        # The engine reports a null factor at its strongest lag, whichever that is.
        null = [
            value
            for (group, factor, outcome, _lag), value in found.items()
            if (factor, outcome) == ("magnesium supplement", "Muscle spasms (0–4)")
        ]
        groups = {k[0] for k in found if k[1:3] == ("magnesium supplement", "Muscle spasms (0–4)")}
        assert groups == {"no_clear_effect"} and len(null) == 1 and abs(null[0] or 0) < 0.4

    def _peak(self, n_days: int) -> int:
        def lines() -> Iterator[str]:
            yield "Date,Pain,Fatigue,Magnesium,Tags,Foods\r\n"
            start = date(1990, 1, 1)
            for i in range(n_days):
                yield f"{start + timedelta(days=i)},{i % 5},{(i + 2) % 5},400 mg,yoga,\r\n"

        def opener() -> AbstractContextManager[Iterator[str]]:
            return nullcontext(lines())

        tracemalloc.start()
        _, summary = import_flaredown_user(self.alice, opener, batch_days=200)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert summary.ratings == 2 * n_days and summary.habit_logs == n_days
        return peak

    @pytest.mark.slow  # a few seconds: tracemalloc slows Python down several times
    def test_it_streams_a_large_file_in_constant_memory(self) -> None:
        self._peak(100)  # warm caches (catalogue, query compilation) outside the comparison
        self._wipe()
        small = self._peak(400)
        self._wipe()
        large = self._peak(2_000)
        assert SymptomRating.objects.count() == 4_000
        # Five times the rows, about the same peak: only one batch of days is held.
        assert large < 2 * small

    def _wipe(self) -> None:
        for model in (SymptomRating, TreatmentLog, HabitLog):
            model.objects.all().delete()

    def setUp(self) -> None:
        super().setUp()
        import tempfile

        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = self._tmp.name
        self.addCleanup(self._tmp.cleanup)

    def _assert_empty(self) -> None:
        for model in (SymptomRating, TreatmentLog, HabitLog, DailyCheckin, Intake):
            assert not model.objects.filter(person=self.alice).exists(), model
        assert not Treatment.objects.filter(owner=self.alice).exists()
