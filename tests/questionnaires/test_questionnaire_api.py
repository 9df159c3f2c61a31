from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import time_machine

from spasmtrack.questionnaires.models import QuestionnaireResponse
from spasmtrack.test import BaseTestCase

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
PEG = {"pain": 5, "enjoyment": 6, "activity": 7}
FIQR = {"function": [5] * 9, "overall": [6, 7], "symptoms": [6] * 10}


@time_machine.travel(NOW)
class QuestionnaireApiTestCase(BaseTestCase):
    def post(self, body: Any, token: str | None = None) -> Any:
        return self.client.post(
            "/api/questionnaires",
            json.dumps(body),
            content_type="application/json",
            **self.bearer(token or self.alice_token),
        )

    def test_it_requires_authentication(self) -> None:
        assert self.client.get("/api/questionnaires").status_code == 401
        r = self.client.post(
            "/api/questionnaires", json.dumps({"kind": "peg", "answers": PEG}),
            content_type="application/json",
        )  # fmt: skip
        assert r.status_code == 401
        mine = QuestionnaireResponse.record(self.alice, "peg", PEG)
        assert self.client.get(f"/api/questionnaires/{mine.code}").status_code == 401

    def test_it_creates_and_recomputes_the_scores(self) -> None:
        r = self.post({"kind": "fiqr", "answers": FIQR})
        assert r.status_code == 201
        body = r.json()
        assert body["scores"] == {
            "function": 15.0,
            "overall": 13.0,
            "symptoms": 30.0,
            "total": 58.0,
        }
        assert body["answers"] == FIQR and body["local_date"] == "2026-05-01"
        assert "Your FIQR total is 58.0 of 100" in body["interpretation"]
        saved = QuestionnaireResponse.objects.get()
        # Only the answers are stored; the scores come from core on every read.
        assert saved.answers == FIQR
        assert not hasattr(saved, "total")

    def test_it_refuses_a_bad_answer_with_422_naming_the_item(self) -> None:
        r = self.post({"kind": "peg", "answers": {**PEG, "activity": 11}})
        assert r.status_code == 422
        assert r.json()["detail"] == [
            {"loc": ["body", "answers", "activity"], "msg": "must be an integer 0-10, got 11",
             "type": "value_error"}
        ]  # fmt: skip
        r = self.post({"kind": "fiqr", "answers": {**FIQR, "symptoms": [6] * 9 + [None]}})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "symptoms[10]"
        assert QuestionnaireResponse.objects.count() == 0

    def test_it_refuses_an_unknown_kind_or_shape(self) -> None:
        assert self.post({"kind": "sf36", "answers": PEG}).status_code == 422
        assert self.post({"kind": "peg", "answers": [1, 2, 3]}).status_code == 422
        assert self.post({"kind": "peg"}).status_code == 422
        assert QuestionnaireResponse.objects.count() == 0

    def test_it_lists_newest_first_filtered_by_kind(self) -> None:
        self.post({"kind": "peg", "answers": PEG, "answered_at": "2026-04-01T08:00:00Z"})
        self.post({"kind": "peg", "answers": {**PEG, "pain": 8}})
        self.post({"kind": "fiqr", "answers": FIQR})
        r = self.client.get("/api/questionnaires?kind=peg", **self.bearer(self.alice_token))
        body = r.json()
        assert body["count"] == 2
        assert [i["scores"]["score"] for i in body["items"]] == [7.0, 6.0]
        r = self.client.get(
            "/api/questionnaires?until=2026-04-30&limit=1", **self.bearer(self.alice_token)
        )
        assert [i["local_date"] for i in r.json()["items"]] == ["2026-04-01"]

    def test_it_reads_one(self) -> None:
        code = self.post({"kind": "peg", "answers": PEG}).json()["id"]
        r = self.client.get(f"/api/questionnaires/{code}", **self.bearer(self.alice_token))
        assert r.status_code == 200 and r.json()["scores"] == {"score": 6.0}

    def test_it_checks_ownership(self) -> None:
        code = self.post({"kind": "peg", "answers": PEG}).json()["id"]
        r = self.client.get(f"/api/questionnaires/{code}", **self.bearer(self.charlie_token))
        assert r.status_code == 404
        r = self.client.get("/api/questionnaires", **self.bearer(self.charlie_token))
        assert r.json()["count"] == 0
