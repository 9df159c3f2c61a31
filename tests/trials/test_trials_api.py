from __future__ import annotations

import json
from typing import Any

import time_machine

from spasmtrack.test import BaseTestCase
from spasmtrack.trials.models import Trial, TrialEvent
from tests.trials.helpers import NOW, ice, past_trial, plant_checkins

GOOD = {"treatment_b": "heat", "blocks": 2, "period_days": 5}


@time_machine.travel(NOW)
class TrialsApiTestCase(BaseTestCase):
    def post(self, path: str, body: Any, token: str | None = None) -> Any:
        return self.client.post(
            path,
            json.dumps(body),
            content_type="application/json",
            **self.bearer(token or self.alice_token),
        )

    def get(self, path: str, token: str | None = None) -> Any:
        return self.client.get(path, **self.bearer(token or self.alice_token))

    def test_it_creates_an_experiment_with_the_power_check(self) -> None:
        r = self.post("/api/trials", {**GOOD, "treatment_a": ice().key, "mcid": 1.5})
        assert r.status_code == 201, r.content
        body = r.json()
        assert body["treatment_a"] == "ice" and body["treatment_b"] == "heat"
        assert (body["total_days"], body["start"], body["status"]) == (20, "2026-05-01", "running")
        assert body["lower_is_better"] is True and len(body["orders"]) == 2
        assert body["power_check"]["power"] is None
        assert "at least 7 days" in body["power_check"]["warning"]
        trial = Trial.objects.get()
        assert body["seed"] == trial.seed and body["id"] == str(trial.code)

    def test_it_refuses_bad_designs_with_422_and_writes_nothing(self) -> None:
        cases = [
            ({"treatment_b": "unknown-key"}, "treatment_b"),
            ({"treatment_a": "heat", "treatment_b": "heat"}, "treatment_b"),
            ({**GOOD, "blocks": 0}, "blocks"),
            ({**GOOD, "period_days": 1}, "period_days"),
            ({**GOOD, "washout_days": 5}, "washout_days"),
            ({**GOOD, "outcome": "joy"}, "outcome"),
            ({**GOOD, "start": "2026-04-01"}, "start"),
            ({**GOOD, "blocks": "many"}, "blocks"),
            ({"blocks": 3}, "treatment_b"),
        ]
        for body, field in cases:
            r = self.post("/api/trials", body)
            assert r.status_code == 422, (body, r.content)
            assert r.json()["detail"][0]["loc"][-1] == field, (body, r.json())
        assert not Trial.objects.exists()

    def test_it_requires_authentication(self) -> None:
        trial = past_trial(self.alice, self.heat, days_ago=3)
        base = f"/api/trials/{trial.code}"
        for path in ["/api/trials", base, base + "/today", base + "/analysis"]:
            assert self.client.get(path).status_code == 401, path
            r = self.client.get(path, HTTP_AUTHORIZATION="Bearer st_wrong")
            assert r.status_code == 401
        for path in ["/api/trials", base + "/events", base + "/adherence"]:
            r = self.client.post(path, "{}", content_type="application/json")
            assert r.status_code == 401, path
        assert Trial.objects.count() == 1 and trial.events.count() == 1

    def test_it_checks_ownership(self) -> None:
        trial = past_trial(self.alice, self.heat, days_ago=3)
        base = f"/api/trials/{trial.code}"
        for path in [base, base + "/today", base + "/analysis"]:
            assert self.get(path, self.charlie_token).status_code == 404, path
        r = self.post(base + "/events", {"kind": "stop", "reason": "x"}, self.charlie_token)
        assert r.status_code == 404
        r = self.post(base + "/adherence", {"day": "2026-05-01", "used": True}, self.charlie_token)
        assert r.status_code == 404
        assert self.get("/api/trials", self.charlie_token).json() == []
        assert trial.events.count() == 1 and Trial.objects.get().status == "running"

    def test_it_lists_reads_and_tells_today(self) -> None:
        trial = past_trial(self.alice, self.heat, days_ago=4)
        assert [t["id"] for t in self.get("/api/trials").json()] == [str(trial.code)]
        body = self.get(f"/api/trials/{trial.code}").json()
        assert body["treatment_a"] == "usual" and body["treatment_a_name"] == "Usual routine"
        today = self.get(f"/api/trials/{trial.code}/today").json()
        assert today["day_number"] == 5 and today["ask_adherence"] is True
        assert today["question"] == "Did you use heat today?"
        r = self.post(f"/api/trials/{trial.code}/adherence", {"day": "2026-05-01", "used": True})
        assert r.status_code == 201 and r.json()["ask_adherence"] is False
        assert r.json()["actual"] == "B"

    def test_it_analyses_itt_and_per_protocol(self) -> None:
        trial = past_trial(self.alice, self.heat, days_ago=41)
        plant_checkins(trial, effect=-2.0)
        body = self.get(f"/api/trials/{trial.code}/analysis").json()
        assert body["ready"] is True
        for key in ("itt", "per_protocol"):
            result = body[key]
            assert {"effect", "ci95", "p_b_better", "p_mcid", "n_days", "model"} <= set(result)
            assert result["effect"] < 0 and result["p_b_better"] > 0.95
        assert body["adherence"]["counted"] == 42

    def test_it_says_why_there_is_no_analysis_yet(self) -> None:
        trial = past_trial(self.alice, self.heat, days_ago=1)
        body = self.get(f"/api/trials/{trial.code}/analysis").json()
        assert body["ready"] is False and body["itt"] is None and "Not enough" in body["reason"]

    def test_it_records_events_and_refuses_bad_transitions(self) -> None:
        trial = past_trial(self.alice, self.heat, days_ago=3)
        path = f"/api/trials/{trial.code}/events"
        r = self.post(path, {"kind": "pause", "reason": "holiday"})
        assert r.status_code == 201 and r.json()["kind"] == "paused"
        assert self.post(path, {"kind": "pause"}).status_code == 422
        r = self.post(path, {"kind": "stop"})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "reason"
        assert self.post(path, {"kind": "explode"}).status_code == 422
        assert self.post(path, {"kind": "stop", "reason": "flare"}).status_code == 201
        assert self.get(f"/api/trials/{trial.code}").json()["status"] == "stopped"
        kinds = list(TrialEvent.objects.order_by("id").values_list("kind", flat=True))
        assert kinds == ["created", "paused", "stopped"]

    def test_it_documents_the_operations_in_openapi(self) -> None:
        paths = self.client.get("/api/openapi.json").json()["paths"]
        for path in ["/api/trials", "/api/trials/{code}", "/api/trials/{code}/today",
                     "/api/trials/{code}/analysis", "/api/trials/{code}/events"]:  # fmt: skip
            assert path in paths, path
