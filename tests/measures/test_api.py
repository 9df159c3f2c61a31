"""The daily-metrics API: list / create / read / update / delete, each person's own only."""

from __future__ import annotations

import json
from typing import Any

from spasmtrack.measures.models import DailyMetric, Source
from spasmtrack.test import BaseTestCase


class DailyMetricApiTestCase(BaseTestCase):
    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        data = json.dumps(body) if body is not None else ""
        return self.client.generic(
            method, path, data, "application/json", **self.bearer(token or self.alice_token)
        )

    def test_it_creates_reads_updates_lists_and_deletes(self) -> None:
        r = self.call(
            "POST",
            "/api/daily-metrics",
            {"local_date": "2024-01-02", "metric": "pressure", "value": 29.9, "unit": "inHg"},
        )
        assert r.status_code == 201, r.content
        made = r.json()
        assert made["metric"] == "pressure" and made["unit"] == "hPa" and made["source"] == "manual"
        assert round(made["value"], 1) == 1012.5
        code = made["id"]
        assert self.call("GET", f"/api/daily-metrics/{code}").json()["id"] == code
        r = self.call("PATCH", f"/api/daily-metrics/{code}", {"value": 1001})
        assert r.status_code == 200 and r.json()["value"] == 1001
        listed = self.call("GET", "/api/daily-metrics?metric=pressure&since=2024-01-01").json()
        assert [i["id"] for i in listed["items"]] == [code]
        assert self.call("DELETE", f"/api/daily-metrics/{code}").status_code == 204
        assert not DailyMetric.objects.exists()

    def test_it_checks_ownership(self) -> None:
        obj = DailyMetric.objects.create(
            person=self.alice,
            local_date="2024-01-02",
            metric="steps",
            value=5,
            source=Source.FITBIT,
        )
        for method, body in (("GET", None), ("PATCH", {"value": 1}), ("DELETE", None)):
            r = self.call(method, f"/api/daily-metrics/{obj.code}", body, self.charlie_token)
            assert r.status_code == 404, method
        assert self.call("GET", "/api/daily-metrics", token=self.charlie_token).json()["count"] == 0
        obj.refresh_from_db()
        assert obj.value == 5

    def test_it_refuses_bad_values_with_a_field_and_writes_nothing(self) -> None:
        cases = [
            ({"local_date": "2024-01-02", "metric": "steps", "value": -1}, "value"),
            ({"local_date": "2999-01-02", "metric": "steps", "value": 1}, "local_date"),
            ({"local_date": "2024-01-02", "metric": "no such!", "value": 1}, "metric"),
            ({"local_date": "2024-01-02", "metric": "steps", "value": True}, "value"),
            ({"local_date": "2024-01-02", "metric": "humidity", "value": 5, "unit": "kg"}, "value"),
        ]
        for body, field in cases:
            r = self.call("POST", "/api/daily-metrics", body)
            assert r.status_code == 422, (body, r.content)
            assert field in json.dumps(r.json()["detail"]), (body, r.json())
        assert not DailyMetric.objects.exists()

    def test_it_refuses_a_second_typed_in_value_for_the_same_day(self) -> None:
        body = {"local_date": "2024-01-02", "metric": "steps", "value": 10}
        assert self.call("POST", "/api/daily-metrics", body).status_code == 201
        r = self.call("POST", "/api/daily-metrics", body)
        assert r.status_code == 422 and "edit that one" in r.content.decode()
