from __future__ import annotations

import json
from typing import Any

from spasmtrack.diary.models import DailyCheckin, MuscleEvent, TreatmentLog
from spasmtrack.test import BaseTestCase

SPASM = {
    "kind": "spasm",
    "intensity": 7,
    "regions": ["calf_left"],
    "started_at": "2026-05-01T10:00:00+02:00",
    "duration_s": 1200,
}


class ApiTestCase(BaseTestCase):
    def post(self, path: str, body: Any, token: str | None = None) -> Any:
        return self.client.post(
            path,
            json.dumps(body),
            content_type="application/json",
            **self.bearer(token or self.alice_token),
        )

    def test_it_creates_and_reads_a_spasm(self) -> None:
        r = self.post("/api/muscle-events", SPASM)
        assert r.status_code == 201, r.content
        body = r.json()
        assert body["local_date"] == "2026-05-01"
        assert body["regions"] == ["calf_left"]
        r = self.client.get(f"/api/muscle-events/{body['id']}", **self.bearer(self.alice_token))
        assert r.json()["intensity"] == 7

    def test_it_refuses_bad_input_with_field_errors_and_writes_nothing(self) -> None:
        bad = {
            **SPASM,
            "intensity": 11,
            "regions": ["calf_left", "nose"],
            "started_at": "2026-05-01T10:00:00",
        }
        r = self.post("/api/muscle-events", bad)
        assert r.status_code == 422
        fields = {e["loc"][-1] for e in r.json()["detail"]}
        assert fields == {"intensity", "regions", "started_at"}
        assert "nose" in json.dumps(r.json())
        assert MuscleEvent.objects.count() == 0

    def test_it_requires_authentication(self) -> None:
        assert self.client.get("/api/muscle-events").status_code == 401
        r = self.client.get("/api/muscle-events", HTTP_AUTHORIZATION="Bearer st_wrong")
        assert r.status_code == 401

    def test_it_checks_ownership(self) -> None:
        code = self.post("/api/muscle-events", SPASM).json()["id"]
        other = self.bearer(self.charlie_token)
        assert self.client.get(f"/api/muscle-events/{code}", **other).status_code == 404
        r = self.client.patch(
            f"/api/muscle-events/{code}",
            json.dumps({"intensity": 1}),
            content_type="application/json",
            **other,
        )
        assert r.status_code == 404
        assert self.client.delete(f"/api/muscle-events/{code}", **other).status_code == 404
        assert self.client.get("/api/muscle-events", **other).json()["count"] == 0
        assert MuscleEvent.objects.get().intensity == 7

    def test_it_lists_newest_first_filtered_by_date_and_paginated(self) -> None:
        for day in ("01", "02", "03"):
            self.post("/api/muscle-events", {**SPASM, "started_at": f"2026-05-{day}T10:00:00Z"})
        auth = self.bearer(self.alice_token)
        r = self.client.get("/api/muscle-events?since=2026-05-02&limit=1", **auth).json()
        assert r["count"] == 2
        assert [i["local_date"] for i in r["items"]] == ["2026-05-03"]

    def test_it_updates_partially_and_revalidates(self) -> None:
        code = self.post("/api/muscle-events", SPASM).json()["id"]
        auth = self.bearer(self.alice_token)
        r = self.client.patch(
            f"/api/muscle-events/{code}",
            json.dumps({"intensity": 3}),
            content_type="application/json",
            **auth,
        )
        assert r.status_code == 200 and r.json()["intensity"] == 3
        r = self.client.patch(
            f"/api/muscle-events/{code}",
            json.dumps({"regions": []}),
            content_type="application/json",
            **auth,
        )
        assert r.status_code == 422
        assert MuscleEvent.objects.get().regions == ["calf_left"]

    def test_it_moves_a_deleted_entry_to_the_bin(self) -> None:
        code = self.post("/api/muscle-events", SPASM).json()["id"]
        auth = self.bearer(self.alice_token)
        assert self.client.delete(f"/api/muscle-events/{code}", **auth).status_code == 204
        assert self.client.get(f"/api/muscle-events/{code}", **auth).status_code == 404
        assert MuscleEvent.objects.get().deleted_at is not None

    def test_it_allows_one_checkin_per_day(self) -> None:
        body = {"local_date": "2026-05-01", "overall_pain": 5}
        assert self.post("/api/checkins", body).status_code == 201
        r = self.post("/api/checkins", body)
        assert r.status_code == 422
        assert "already" in r.json()["detail"][0]["msg"]
        assert DailyCheckin.objects.count() == 1
        assert self.post("/api/checkins", body, self.charlie_token).status_code == 201

    def test_it_logs_treatments_from_the_catalogue_only(self) -> None:
        r = self.post(
            "/api/treatment-logs",
            {"treatment": "heat", "duration_s": 1200, "pain_before": 6, "pain_after": 3},
        )
        assert r.status_code == 201 and r.json()["treatment_name"] == "Heat"
        r = self.post("/api/treatment-logs", {"treatment": "unicorn-tears"})
        assert r.status_code == 422 and "unicorn-tears" in r.json()["detail"][0]["msg"]
        assert TreatmentLog.objects.count() == 1

    def test_it_keeps_custom_treatments_private(self) -> None:
        key = self.post(
            "/api/treatments", {"name": "Cherry juice", "category": "nutrition"}
        ).json()["key"]
        assert self.post("/api/treatment-logs", {"treatment": key}).status_code == 201
        r = self.post("/api/treatment-logs", {"treatment": key}, self.charlie_token)
        assert r.status_code == 422
        names = [
            t["name"]
            for t in self.client.get("/api/treatments", **self.bearer(self.charlie_token)).json()
        ]
        assert "Cherry juice" not in names

    def test_it_validates_every_resource(self) -> None:
        cases = {
            "/api/pain-drawings": {"regions": {"calf_left": 12}},
            "/api/habit-logs": {"habit": "hours_sitting", "local_date": "2026-13-01"},
            "/api/symptom-ratings": {
                "name": "headache",
                "local_date": "2026-05-01",
                "value": 5,
                "scale_max": 4,
            },
            "/api/trigger-points": {"muscle": "Upper Trapezius!", "side": "up", "tenderness": 4},
        }
        for path, body in cases.items():
            assert self.post(path, body).status_code == 422, path

    def test_it_accepts_a_browser_session_but_checks_csrf(self) -> None:
        from django.test import Client

        c = Client(enforce_csrf_checks=True)
        c.force_login(self.alice_user)
        assert c.get("/api/muscle-events").status_code == 200
        r = c.post("/api/muscle-events", json.dumps(SPASM), content_type="application/json")
        assert r.status_code == 403
        assert MuscleEvent.objects.count() == 0

    def test_it_stores_tokens_hashed(self) -> None:
        from spasmtrack.accounts.models import ApiToken

        assert not ApiToken.objects.filter(token_hash=self.alice_token).exists()
        assert ApiToken.objects.filter(token_hash=ApiToken.hash(self.alice_token)).exists()

    def test_it_publishes_the_openapi_document(self) -> None:
        doc = self.client.get("/api/openapi.json").json()
        assert "/api/muscle-events" in doc["paths"]
        assert "/api/checkins/{code}" in doc["paths"]

    def test_it_reports_health_after_asking_the_database(self) -> None:
        assert self.client.get("/healthz").json() == {"status": "ok"}

    def test_it_answers_422_when_a_concurrent_checkin_wins_the_race(self) -> None:
        from unittest.mock import patch

        body = {"local_date": "2026-05-01", "overall_pain": 5}
        assert self.post("/api/checkins", body).status_code == 201
        # The other request saved between our check and our INSERT: the database decides.
        with patch("spasmtrack.diary.entries._check_unique_day"):
            r = self.post("/api/checkins", body)
        assert r.status_code == 422
        assert "already" in r.json()["detail"][0]["msg"]
        assert DailyCheckin.objects.count() == 1
