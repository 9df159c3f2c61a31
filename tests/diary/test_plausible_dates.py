"""One date rule for every diary write: 1900-01-01 up to now (+ a few minutes)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import time_machine

from spasmtrack.diary.entries import RESOURCES
from spasmtrack.test import BaseTestCase

CURRENT_TIME = datetime(2024, 3, 10, 22, 0, tzinfo=UTC)  # 23:00 in Berlin (alice)
BASE: dict[str, dict[str, Any]] = {
    "muscle-events": {"kind": "spasm", "intensity": 6, "regions": ["calf_left"]},
    "pain-drawings": {"regions": {"calf_left": 5}},
    "checkins": {"local_date": "2024-03-01", "overall_pain": 5},
    "treatment-logs": {"treatment": "heat"},
    "habit-logs": {"habit": "hours_sitting", "local_date": "2024-03-01", "value": 3},
    "symptom-ratings": {"name": "fog", "local_date": "2024-03-01", "value": 4},
    "trigger-points": {"muscle": "upper_trapezius", "side": "left", "tenderness": 6},
}
WHEN_FIELD = {name: "local_date" for name in ("checkins", "habit-logs", "symptom-ratings")} | {
    "muscle-events": "started_at"
}
BAD_INSTANTS = {
    "0001-01-01T00:00:00+05:00": "before 1900-01-01",
    "1899-12-31T12:00:00+00:00": "before 1900-01-01",
    "9999-12-31T23:59:59-05:00": "in the future",
    "2999-01-01T00:00:00+00:00": "in the future",
    "2024-03-10T22:30:00+00:00": "in the future",  # half an hour ahead
}
BAD_DAYS = {
    "0001-01-01": "before 1900-01-01",
    "9999-12-31": "in the future",
    "2024-03-11T00:00:00": None,  # not an ISO date: pydantic refuses it anyway
    "2024-03-12": "in the future",  # the 11th is already tomorrow only in New York's eyes
}


@time_machine.travel(CURRENT_TIME, tick=False)
class PlausibleDatesTestCase(BaseTestCase):
    def send(self, method: str, path: str, body: Any) -> Any:
        return self.client.generic(
            method, path, json.dumps(body), "application/json", **self.bearer(self.alice_token)
        )

    def _field(self, name: str) -> str:
        return WHEN_FIELD.get(name, "at")

    def _bad_values(self, name: str) -> dict[str, str | None]:
        return BAD_DAYS if self._field(name) == "local_date" else BAD_INSTANTS

    def test_it_refuses_implausible_times_on_create_and_stores_nothing(self) -> None:
        problems = []
        for name, res in RESOURCES.items():
            field = self._field(name)
            for value, msg in self._bad_values(name).items():
                r = self.send("POST", f"/api/{name}", {**BASE[name], field: value})
                detail = r.json().get("detail", []) if r.status_code == 422 else []
                if r.status_code != 422 or (
                    msg and not any(e["loc"][-1] == field and msg in e["msg"] for e in detail)
                ):
                    problems.append(f"POST {name} {field}={value}: {r.status_code} {detail}")
            self.assertEqual(res.model.objects.count(), 0, name)
        self.assertEqual(problems, [], "\n".join(problems))

    def test_it_refuses_implausible_times_on_update_and_changes_nothing(self) -> None:
        problems = []
        for name in RESOURCES:
            field = self._field(name)
            r = self.send("POST", f"/api/{name}", BASE[name])
            self.assertEqual(r.status_code, 201, r.content)
            saved = r.json()
            for value, msg in self._bad_values(name).items():
                r = self.send("PATCH", f"/api/{name}/{saved['id']}", {field: value})
                if r.status_code != 422 or (msg and msg not in r.content.decode()):
                    problems.append(f"PATCH {name} {field}={value}: {r.status_code}")
            now = self.client.get(f"/api/{name}/{saved['id']}", **self.bearer(self.alice_token))
            self.assertEqual(
                now.json()[field if field in saved else "local_date"],
                saved[field if field in saved else "local_date"],
            )
        self.assertEqual(problems, [], "\n".join(problems))

    def test_it_accepts_the_edges(self) -> None:
        # alice is in Berlin: 23:00 on the 10th; a few minutes of clock skew are fine.
        r = self.send("POST", "/api/checkins", {"local_date": "2024-03-10", "mood": 5})
        self.assertEqual(r.status_code, 201, r.content)
        r = self.send("POST", "/api/checkins", {"local_date": "1900-01-01", "mood": 5})
        self.assertEqual(r.status_code, 201, r.content)
        ahead = {**BASE["muscle-events"], "started_at": "2024-03-10T22:04:00+00:00"}
        self.assertEqual(self.send("POST", "/api/muscle-events", ahead).status_code, 201)

    def test_it_uses_the_persons_calendar_for_today(self) -> None:
        # 22:00 UTC: already the 11th nowhere west of +02:00, still the 10th in New York.
        r = self.client.post(
            "/api/checkins",
            json.dumps({"local_date": "2024-03-11", "mood": 5}),
            content_type="application/json",
            **self.bearer(self.charlie_token),
        )
        self.assertEqual(r.status_code, 422)
        self.assertIn("in the future", r.content.decode())

    def test_it_shows_a_field_error_on_the_page(self) -> None:
        self.client.force_login(self.alice_user)
        cases = {
            "9999-12-31T23:59": "this is in the future",
            "0001-01-01T00:00": "this is before 1900-01-01",
            "2024-03-11T09:00": "this is in the future",
        }
        for value, msg in cases.items():
            r = self.client.post(
                "/log/spasm/",
                {
                    "kind": "spasm",
                    "bodymap_intensity": 5,
                    "regions": '{"calf_left": 5}',
                    "started_at": value,
                },
            )
            self.assertEqual(r.status_code, 200, value)
            self.assertIn(msg, r.content.decode(), value)
        self.assertEqual(RESOURCES["muscle-events"].model.objects.count(), 0)
