"""interop.bulk: validated values as tuples, written with COPY / executemany, all or nothing."""

from __future__ import annotations

import gc
import uuid
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from pydantic import ValidationError as PydanticValidationError

from spasmtrack.diary import entries
from spasmtrack.diary import schemas as s
from spasmtrack.diary.entries import (
    RESOURCES,
    RowError,
    create_entry,
    validate_entries,
    validate_entry,
)
from spasmtrack.diary.models import MuscleEvent, SymptomRating, TreatmentLog
from spasmtrack.interop.bulk import BulkWriter, EntryRows, new_objects_collected_only
from spasmtrack.test import BaseTestCase

STAMP = datetime(2024, 3, 1, 8, 30, tzinfo=UTC)


class BulkTestCase(BaseTestCase):
    def _rating(self, day: int, value: float = 2) -> dict[str, object]:
        data = {"name": "Fatigue", "local_date": date(2024, 2, day), "value": value}
        return validate_entry(self.alice, RESOURCES["symptom-ratings"], {**data, "scale_max": 4})

    def test_it_writes_rows_that_read_back_like_single_writes(self) -> None:
        treatment = {"treatment": "heat", "at": "2024-02-03T11:00:00+01:00", "amount": 20}
        one = create_entry(self.alice, RESOURCES["treatment-logs"], {**treatment, "unit": "min"})
        rows = EntryRows(TreatmentLog, self.alice, STAMP)
        values = validate_entry(
            self.alice, RESOURCES["treatment-logs"], {**treatment, "unit": "min"}
        )
        values["local_date"] = date(2024, 2, 3)
        with transaction.atomic():
            rows.add(values)
            assert rows.flush() == 1
        bulk = TreatmentLog.objects.exclude(pk=one.pk).get()
        for field in ("person", "treatment", "at", "local_date", "amount", "unit", "notes"):
            assert getattr(bulk, field) == getattr(one, field), field
        assert bulk.created == STAMP and bulk.deleted_at is None and bulk.recorded_by is None
        assert isinstance(bulk.code, uuid.UUID) and bulk.code.version == 4
        assert bulk.code != one.code

    def test_it_flushes_a_batch_at_a_time(self) -> None:
        rows = EntryRows(SymptomRating, self.alice, STAMP, batch_size=3)
        with transaction.atomic():
            for day in range(1, 8):
                rows.add(self._rating(day))
            assert rows.written == 6 and SymptomRating.objects.count() == 6
            rows.flush()
        assert rows.written == 7
        got = SymptomRating.objects.order_by("local_date")
        assert [r.local_date.day for r in got] == list(range(1, 8))
        assert {(r.value, r.scale_max, r.person_id) for r in got} == {(2, 4, self.alice.pk)}
        assert not SymptomRating.objects.filter(person=self.charlie).exists()

    def test_it_leaves_nothing_when_the_import_fails_after_a_flush(self) -> None:
        rows = EntryRows(SymptomRating, self.alice, STAMP, batch_size=2)
        with pytest.raises(RuntimeError, match="row 5"), transaction.atomic():
            for day in range(1, 5):
                rows.add(self._rating(day))
            assert SymptomRating.objects.count() == 4
            raise RuntimeError("row 5 is bad")
        assert SymptomRating.objects.count() == 0

    def test_it_refuses_to_write_outside_a_transaction(self) -> None:
        writer = BulkWriter(SymptomRating, ["person", "name"])
        writer.add((self.alice.pk, "x"))
        # The test case's own transaction would count as the import's: hide it for this check.
        conn = transaction.get_connection()
        atomic = conn.in_atomic_block
        conn.in_atomic_block = False
        try:
            with pytest.raises(RuntimeError, match="inside the import's transaction"):
                writer.flush()
        finally:
            conn.in_atomic_block = atomic
        assert not SymptomRating.objects.exists()

    def test_it_converts_each_column_type_for_the_driver(self) -> None:
        rows = EntryRows(MuscleEvent, self.alice, STAMP)
        values = validate_entry(
            self.alice,
            RESOURCES["muscle-events"],
            {"kind": "spasm", "intensity": 6, "regions": ["calf_left"], "trigger_habit": None},
        )
        values.update(
            started_at=datetime(2024, 2, 3, 23, 30, tzinfo=UTC), local_date=date(2024, 2, 4)
        )
        with transaction.atomic():
            rows.add(values)
            rows.flush()
        event = MuscleEvent.objects.get()
        assert event.regions == ["calf_left"]  # JSON through the field's own preparation
        assert event.started_at == datetime(2024, 2, 3, 23, 30, tzinfo=UTC)
        assert event.local_date == date(2024, 2, 4) and event.duration_s is None

    def test_postgres_copies_in_binary_unless_a_column_needs_text(self) -> None:
        rating, event = (
            EntryRows(SymptomRating, self.alice, STAMP),
            EntryRows(MuscleEvent, self.alice, STAMP),
        )
        if transaction.get_connection().vendor != "postgresql":
            assert rating.writer.copy_types is None and "COPY" not in rating.writer.sql
            return
        assert rating.writer.copy_types and rating.writer.sql.endswith("(FORMAT BINARY)")
        # (a JSON column is written as its text form)
        assert event.writer.copy_types is None and "BINARY" not in event.writer.sql
        codes = rating.writer.codes(3)
        assert all(uuid.UUID(bytes=c).version == 4 for c in codes) and len(set(codes)) == 3

    def test_the_cycle_collector_is_left_as_it_was(self) -> None:
        assert gc.get_freeze_count() == 0 and gc.isenabled()
        with new_objects_collected_only():
            assert gc.get_freeze_count() > 0  # the objects held before are left alone
            assert gc.isenabled()  # the import's own are collected
        assert gc.get_freeze_count() == 0
        gc.freeze()  # frozen by someone else: stays so
        try:
            frozen = gc.get_freeze_count()
            with pytest.raises(RuntimeError), new_objects_collected_only():
                raise RuntimeError
            assert gc.get_freeze_count() == frozen
        finally:
            gc.unfreeze()


class ValidateEntryTestCase(BaseTestCase):
    def test_it_applies_the_model_field_rules_without_an_instance(self) -> None:
        # A schema instance built without pydantic's checks: the model's rules still apply.
        data = s.SymptomRatingIn.model_construct(
            name="x" * 101, local_date=date(2024, 1, 1), value=1.0, scale_max=4.0, notes=""
        )
        with pytest.raises(ValidationError) as e:
            validate_entry(self.alice, RESOURCES["symptom-ratings"], data)
        assert list(e.value.message_dict) == ["name"]

    def test_it_gives_the_same_answer_with_a_cache(self) -> None:
        res = RESOURCES["symptom-ratings"]
        cache: dict[object, object] = {}
        data = {"name": "Fatigue", "local_date": date(2024, 2, 1), "value": 3, "scale_max": 4}
        first = validate_entry(self.alice, res, data, cache)
        assert (
            validate_entry(self.alice, res, data, cache)
            == first
            == validate_entry(self.alice, res, data)
        )
        with pytest.raises(Exception, match="scale_max"):
            validate_entry(self.alice, res, {**data, "value": 5}, cache)

    def test_it_resolves_a_catalogue_key_once_with_a_cache(self) -> None:
        res = RESOURCES["treatment-logs"]
        cache: dict[object, object] = {}
        with self.assertNumQueries(1):  # the catalogue lookup of "heat"
            for _ in range(3):
                values = validate_entry(self.alice, res, {"treatment": "heat"}, cache)
        assert values["treatment"] == self.heat
        with pytest.raises(Exception, match="unknown treatment"):
            validate_entry(self.alice, res, {"treatment": "nope"}, cache)


class ValidateEntriesTestCase(BaseTestCase):
    TREATMENTS: tuple[dict[str, Any], ...] = (
        {"treatment": "heat", "at": "2024-02-03T11:00:00+01:00", "amount": 20, "unit": "min"},
        {"treatment": "heat"},
        {"treatment": "heat", "at": None, "notes": "evening"},
        {"treatment": "heat", "at": "2024-02-03T11:00:00+01:00", "amount": 20, "unit": "min"},
    )

    def test_it_gives_each_row_what_validate_entry_gives_it(self) -> None:
        got: dict[str, list[dict[str, Any]]] = {}
        for name, rows in (
            ("treatment-logs", self.TREATMENTS),
            (
                "symptom-ratings",
                [
                    {"name": n, "local_date": date(2024, 2, d), "value": v, "scale_max": 4}
                    for n, d, v in [("fog", 1, 2), ("fog", 2, 2), ("pain", 1, 0), ("fog", 1, 3)]
                ],
            ),
        ):
            res = RESOURCES[name]
            want = [validate_entry(self.alice, res, row) for row in rows]
            got[name] = validate_entries(self.alice, res, rows, {})
            assert got[name] == want, name
        # (a row without an instant gets it from the model's default, on write)
        treatments = got["treatment-logs"]
        assert "at" not in treatments[1] and treatments[0]["treatment"] == self.heat

    def test_every_kind_validates_alike_one_row_or_a_batch(self) -> None:
        for name, res in RESOURCES.items():
            one = validate_entry(self.alice, res, res.sample)
            assert validate_entries(self.alice, res, [res.sample, dict(res.sample)]) == [
                one,
                one,
            ], name

    def test_it_names_the_first_refused_row_whichever_step_refuses_it(self) -> None:
        res = RESOURCES["treatment-logs"]
        future = {"treatment": "heat", "at": "2999-01-01T00:00:00+00:00"}
        rows = [self.TREATMENTS[0], future, {"treatment": "nope"}]
        # The catalogue step (unknown key, row 2) runs before the date rule (row 1).
        with pytest.raises(RowError) as e:
            validate_entries(self.alice, res, rows)
        assert e.value.index == 1
        assert isinstance(e.value.error, entries.EntryError) and e.value.error.field == "at"
        with pytest.raises(RowError) as e:
            validate_entries(self.alice, res, [*self.TREATMENTS, {"treatment": "nope"}])
        assert e.value.index == 4 and "unknown treatment 'nope'" in str(e.value.error)
        with pytest.raises(RowError) as e:
            validate_entries(
                self.alice, res, [self.TREATMENTS[1], {"treatment": "heat", "amount": -1}]
            )
        assert e.value.index == 1 and isinstance(e.value.error, PydanticValidationError)

    def test_it_applies_the_model_field_rules_to_every_row(self) -> None:
        # Values the schema would refuse, built without it: the model's field rules refuse
        # the first bad row (index 2) with each of its field errors, as validate_entry does.
        res = RESOURCES["symptom-ratings"]

        def row(name: str) -> dict[str, Any]:
            return s.SymptomRatingIn.model_construct(
                name=name, local_date=date(2024, 1, 1), value=1.0, scale_max=4.0, notes=""
            ).model_dump()

        rows = [row("fog"), row("fog"), row("x" * 101), row("y" * 101), row("fog")]
        with pytest.raises(RowError) as e:
            entries._check_values(self.alice, res, rows, None)
        assert e.value.index == 2
        assert isinstance(e.value.error, ValidationError)
        assert list(e.value.error.message_dict) == ["name"]
        with pytest.raises(ValidationError) as single:
            validate_entry(self.alice, res, s.SymptomRatingIn.model_construct(**rows[2]))
        assert single.value.message_dict == e.value.error.message_dict

    def test_it_keeps_two_instants_of_the_repeated_hour_apart(self) -> None:
        # 02:30 comes twice in Berlin on 29 October 2023; the two compare equal as wall
        # times, but are an hour apart: each is stored as its own instant.
        berlin = ZoneInfo("Europe/Berlin")
        first = datetime(2023, 10, 29, 2, 30, tzinfo=berlin)
        second = first.replace(fold=1)
        assert first == second and first.utcoffset() != second.utcoffset()
        rows = EntryRows(TreatmentLog, self.alice, STAMP)
        with transaction.atomic():
            for at in (first, second, first):
                values = validate_entry(self.alice, RESOURCES["treatment-logs"], self.TREATMENTS[1])
                rows.add({**values, "at": at, "local_date": date(2023, 10, 29)})
            rows.flush()
        stored = list(TreatmentLog.objects.order_by("pk").values_list("at", flat=True))
        assert stored == [
            datetime(2023, 10, 29, 0, 30, tzinfo=UTC),
            datetime(2023, 10, 29, 1, 30, tzinfo=UTC),
            datetime(2023, 10, 29, 0, 30, tzinfo=UTC),
        ]
