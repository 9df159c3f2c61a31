"""The plausible-date rule holds for every writer besides the diary's own resources:
intakes, recorded changes, the checklist, questionnaires and the importers."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

import time_machine

from spasmtrack.diary.models import SymptomRating
from spasmtrack.interop.flaredown import FlaredownImportRefused, import_flaredown
from spasmtrack.nutrition.models import ChangeEvent, ChecklistStatus, Intake
from spasmtrack.questionnaires.models import QuestionnaireResponse
from spasmtrack.test import BaseTestCase

NOW = datetime(2026, 5, 6, 10, 0, tzinfo=UTC)
BAD_INSTANTS = {
    "0001-01-01T00:00:00+01:00": "before 1900-01-01",
    "9999-12-31T23:59:59-05:00": "in the future",
    "2026-05-06T11:00:00+00:00": "in the future",
}
BAD_DAYS = {
    "0001-01-01": "before 1900-01-01",
    "9999-12-31": "in the future",
    "2026-05-08": "in the future",
}


@time_machine.travel(NOW, tick=False)
class PlausibleWritersTestCase(BaseTestCase):
    def send(self, method: str, path: str, body: Any) -> Any:
        return self.client.generic(
            method, path, json.dumps(body), "application/json", **self.bearer(self.alice_token)
        )

    def assert_refused(self, r: Any, field: str, msg: str) -> None:
        self.assertEqual(r.status_code, 422, r.content)
        detail = r.json()["detail"]
        self.assertTrue(any(e["loc"][-1] == field and msg in e["msg"] for e in detail), detail)

    def test_it_refuses_implausible_intakes(self) -> None:
        for value, msg in BAD_INSTANTS.items():
            body = {"food_id": "banana", "amount": 1, "unit": "serving", "at": value}
            self.assert_refused(self.send("POST", "/api/intakes", body), "at", msg)
        self.assertEqual(Intake.objects.count(), 0)

    def test_it_refuses_implausible_changes_on_create_and_update(self) -> None:
        for value, msg in BAD_DAYS.items():
            body = {"title": "new pillow", "local_date": value}
            self.assert_refused(self.send("POST", "/api/changes", body), "local_date", msg)
        self.assertEqual(ChangeEvent.objects.count(), 0)
        r = self.send("POST", "/api/changes", {"title": "new pillow", "local_date": "2026-05-01"})
        self.assertEqual(r.status_code, 201, r.content)
        code = r.json()["id"]
        for value, msg in BAD_DAYS.items():
            r = self.send("PATCH", f"/api/changes/{code}", {"local_date": value})
            self.assert_refused(r, "local_date", msg)
        self.assertEqual(str(ChangeEvent.objects.get().local_date), "2026-05-01")

    def test_it_refuses_an_implausible_checklist_day(self) -> None:
        item = self.send("GET", "/api/checklist", None).json()[0]["item"]
        for value, msg in BAD_DAYS.items():
            r = self.send("PUT", f"/api/checklist/{item}", {"status": "done", "local_date": value})
            self.assert_refused(r, "local_date", msg)
        self.assertEqual(ChecklistStatus.objects.count(), 0)

    def test_it_refuses_an_implausible_questionnaire_time(self) -> None:
        peg = {"pain": 5, "enjoyment": 6, "activity": 7}
        for value, msg in BAD_INSTANTS.items():
            body = {"kind": "peg", "answers": peg, "answered_at": value}
            r = self.send("POST", "/api/questionnaires", body)
            self.assert_refused(r, "answered_at", msg)
        self.assertEqual(QuestionnaireResponse.objects.count(), 0)

    def test_it_refuses_an_implausible_flaredown_row_and_imports_nothing(self) -> None:
        header = (
            "user_id,age,sex,country,checkin_date,trackable_id,trackable_type,trackable_name,"
            "trackable_value\n"
        )
        for day, msg in {"0001-01-01": "before 1900", "2999-01-01": "in the future"}.items():
            rows = [
                "u1,40,female,DE,2026-05-01,1,Symptom,fatigue,3",
                f"u1,40,female,DE,{day},1,Symptom,fatigue,3",
            ]
            with self.assertRaisesRegex(FlaredownImportRefused, f"line 3: .*{msg}"):
                import_flaredown(self.alice, io.StringIO(header + "\n".join(rows) + "\n"))
        self.assertEqual(SymptomRating.objects.count(), 0)

    def test_it_refuses_an_implausible_native_import(self) -> None:
        from spasmtrack.interop.native import ImportRefused, import_document

        doc = {
            "format": "spasmtrack-export",
            "version": 1,
            "checkins": [{"local_date": "9999-12-31", "overall_pain": 3}],
        }
        with self.assertRaisesRegex(ImportRefused, "in the future"):
            import_document(self.alice, doc)

    def test_it_refuses_nutrition_totals_before_1900(self) -> None:
        for query in ("until=0001-01-01", "since=0001-01-01&until=0001-01-03"):
            r = self.client.get(f"/api/nutrition/totals?{query}", **self.bearer(self.alice_token))
            self.assertEqual(r.status_code, 422, query)
            self.assertIn("before 1900-01-01", r.content.decode())
