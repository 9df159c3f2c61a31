"""API input is taken as written: no boolean for a number, ISO dates only, a JSON object as
the body, single-line names. Each refusal is a 422 naming the field and writes nothing."""

from __future__ import annotations

import json
from typing import Any

from spasmtrack.diary.models import DailyCheckin, HabitLog, SymptomRating, Treatment
from spasmtrack.nutrition.models import ChangeEvent, NutritionProfile
from spasmtrack.test import BaseTestCase


class StrictInputTestCase(BaseTestCase):
    def send(self, method: str, path: str, body: Any) -> Any:
        return self.client.generic(
            method, path, json.dumps(body), "application/json", **self.bearer(self.alice_token)
        )

    def assert_422(self, r: Any, field: str, msg: str) -> None:
        self.assertEqual(r.status_code, 422, r.content)
        detail = r.json()["detail"]
        self.assertTrue(any(e["loc"][-1] == field and msg in e["msg"] for e in detail), detail)

    def test_it_refuses_a_list_as_the_body_of_every_write(self) -> None:
        doc = self.client.get("/api/openapi.json").json()
        problems = []
        for path, ops in doc["paths"].items():
            if "{" in path:
                continue
            for method, op in ops.items():
                if method not in ("post", "put", "patch") or "requestBody" not in op:
                    continue
                r = self.send(method.upper(), path, [1, 2, 3])
                if r.status_code != 422:
                    problems.append(f"{method.upper()} {path}: {r.status_code}")
        self.assertEqual(problems, [], "\n".join(problems))

    def test_it_keeps_the_profile_when_the_body_is_not_an_object(self) -> None:
        self.assertEqual(self.send("PUT", "/api/nutrition/profile", {"age": 40}).status_code, 200)
        r = self.send("PUT", "/api/nutrition/profile", [1, 2, 3])
        self.assertEqual(r.status_code, 422)
        self.assertIn("JSON object", r.content.decode())
        self.assertEqual(NutritionProfile.objects.get(person=self.alice).age, 40)

    def test_it_refuses_a_boolean_for_a_number(self) -> None:
        r = self.send("POST", "/api/checkins", {"local_date": "2024-01-02", "mood": True})
        self.assert_422(r, "mood", "not true/false")
        r = self.send(
            "POST",
            "/api/habit-logs",
            {"habit": "hours_sitting", "local_date": "2024-01-02", "value": True},
        )
        self.assert_422(r, "value", "not true/false")
        r = self.send("PUT", "/api/nutrition/profile", {"age": True})
        self.assert_422(r, "age", "not true/false")
        self.assertFalse(DailyCheckin.objects.exists() or HabitLog.objects.exists())
        saved = self.send("POST", "/api/checkins", {"local_date": "2024-01-02", "mood": 3}).json()
        r = self.send("PATCH", f"/api/checkins/{saved['id']}", {"mood": False})
        self.assert_422(r, "mood", "not true/false")
        self.assertEqual(DailyCheckin.objects.get().mood, 3)

    def test_it_reads_dates_as_iso_dates_only(self) -> None:
        for query in ("until=0", "since=1700000000", "until=2024-01-02T00:00:00"):
            r = self.client.get(f"/api/checkins?{query}", **self.bearer(self.alice_token))
            self.assertEqual(r.status_code, 422, query)
            self.assertIn("ISO date", r.content.decode())
        ok = self.client.get("/api/checkins?until=2024-01-02", **self.bearer(self.alice_token))
        self.assertEqual(ok.status_code, 200)
        for bad in (0, 1700000000, "0", True):
            r = self.send("POST", "/api/checkins", {"local_date": bad})
            self.assert_422(r, "local_date", "ISO date" if bad is not True else "")
        self.assertFalse(DailyCheckin.objects.exists())

    def test_it_refuses_line_breaks_in_names(self) -> None:
        cases = [
            ("/api/treatments", {"name": "Warm\nbath", "category": "home"}, "name"),
            (
                "/api/treatments",
                {"name": "Warm bath", "category": "home", "unit": "m\rin"},
                "unit",
            ),
            ("/api/habits", {"name": "Garden\r\ning"}, "name"),
            (
                "/api/symptom-ratings",
                {"name": "fog\n", "local_date": "2024-01-02", "value": 3},
                "name",
            ),
            ("/api/changes", {"title": "new\npillow", "local_date": "2024-01-02"}, "title"),
        ]
        for path, body, field in cases:
            r = self.send("POST", path, body)
            self.assert_422(r, field, "single line")
        self.assertFalse(Treatment.objects.filter(owner=self.alice).exists())
        self.assertFalse(SymptomRating.objects.exists() or ChangeEvent.objects.exists())


def test_a_field_of_several_checked_types_gets_each_check() -> None:
    from datetime import UTC, date, datetime

    import pytest
    from pydantic import ValidationError

    from spasmtrack.strict import StrictIn

    class Either(StrictIn):
        day_or_when: date | datetime | None = None

    at = datetime(2024, 1, 2, 9, tzinfo=UTC)
    assert Either(day_or_when="2024-01-02").day_or_when == date(2024, 1, 2)
    assert Either(day_or_when=at).day_or_when == at
    for bad, message in (
        (5, "ISO 8601 date-time string"),  # a number would be seconds since 1970
        ("2024-01-02T10:00:00+01:00", "ISO date"),  # as written: a text is a day
    ):
        with pytest.raises(ValidationError, match=message):
            Either.model_validate({"day_or_when": bad})
