from __future__ import annotations

import copy

import pytest

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.diary.models import MuscleEvent, Treatment
from spasmtrack.interop.native import (
    ImportRefused,
    export_csv_zip,
    export_document,
    import_document,
    read_csv_zip,
)
from spasmtrack.test import BaseTestCase


def _strip(doc: dict) -> dict:
    doc = dict(doc)
    doc.pop("exported_at")
    return doc


class NativeFormatTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        own = Treatment.add_custom(self.alice, name="Cherry juice", category="nutrition")
        for kind, res in [
            (
                "muscle-events",
                {
                    "kind": "spasm",
                    "intensity": 6,
                    "regions": ["calf_left", "shin_left"],
                    "started_at": "2026-03-29T00:30:00Z",
                    "duration_s": 600,
                    "notes": 'said "ow", then,',
                },
            ),
            ("pain-drawings", {"regions": {"neck_back_left": 4, "vertex": 6}}),
            ("checkins", {"local_date": "2026-03-29", "overall_pain": 5}),
            (
                "treatment-logs",
                {
                    "treatment": own.key,
                    "amount": 250,
                    "unit": "ml",
                    "pain_before": 6,
                    "pain_after": 4,
                },
            ),
            ("habit-logs", {"habit": "hours_sitting", "local_date": "2026-03-29", "value": 5.5}),
            (
                "symptom-ratings",
                {"name": "headache", "local_date": "2026-03-29", "value": 3, "scale_max": 4},
            ),
            ("trigger-points", {"muscle": "upper_trapezius", "side": "left", "tenderness": 7}),
        ]:
            create_entry(self.alice, RESOURCES[kind], res)
        create_entry(
            self.charlie,
            RESOURCES["muscle-events"],
            {"kind": "twitch", "intensity": 1, "regions": ["eye_left"]},
        )

    def fresh_person(self) -> object:
        from django.contrib.auth.models import User

        from spasmtrack.accounts.models import Person

        u = User.objects.create_user("bob")
        # The same calendar as alice: import keeps each entry's day, not the settings.
        return Person.objects.create(user=u, tz="Europe/Berlin", day_start=self.alice.day_start)

    def test_it_exports_only_the_persons_own_data(self) -> None:
        doc = export_document(self.alice)
        assert len(doc["muscle-events"]) == 1
        assert doc["muscle-events"][0]["kind"] == "spasm"
        assert [t["name"] for t in doc["custom-treatments"]] == ["Cherry juice"]

    def test_it_round_trips_json(self) -> None:
        doc = export_document(self.alice)
        # Move everything to another account: ids stay, so delete the originals first.
        for res in RESOURCES.values():
            res.model.objects.filter(person=self.alice).delete()
        bob = self.fresh_person()
        Treatment.objects.filter(owner=self.alice).update(owner=bob)
        import_document(bob, copy.deepcopy(doc))
        again = export_document(bob)
        assert _strip(again) == _strip(doc)

    def test_it_round_trips_a_csv_zip(self) -> None:
        doc = export_document(self.alice)
        data = export_csv_zip(self.alice)
        for res in RESOURCES.values():
            res.model.objects.filter(person=self.alice).delete()
        import_document(self.alice, read_csv_zip(data))
        assert _strip(export_document(self.alice)) == _strip(doc)

    def test_it_refuses_a_bad_row_and_writes_nothing(self) -> None:
        doc = export_document(self.alice)
        for res in RESOURCES.values():
            res.model.objects.filter(person=self.alice).delete()
        doc["trigger-points"][0]["tenderness"] = 42
        with pytest.raises(ImportRefused, match=r"trigger-points row 1: tenderness: .*less than"):
            import_document(self.alice, doc, where="x.json")
        assert MuscleEvent.objects.filter(person=self.alice).count() == 0

    def test_it_refuses_entries_that_already_exist(self) -> None:
        with pytest.raises(ImportRefused, match="already exists"):
            import_document(self.alice, export_document(self.alice))

    def test_it_refuses_something_that_is_not_an_export(self) -> None:
        with pytest.raises(ImportRefused, match="not a Spasmtrack export"):
            import_document(self.alice, {"hello": 1})
        with pytest.raises(ImportRefused, match="not a zip"):
            read_csv_zip(b"nope", "x.zip")
