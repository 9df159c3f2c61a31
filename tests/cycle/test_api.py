"""The period-days API: list / create / read / update / delete, each person's own only."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from spasmtrack.cycle.models import PeriodDay
from spasmtrack.test import BaseTestCase


class PeriodDayApiTestCase(BaseTestCase):
    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        data = json.dumps(body) if body is not None else ""
        return self.client.generic(
            method, path, data, "application/json", **self.bearer(token or self.alice_token)
        )

    def test_it_creates_reads_updates_lists_and_deletes(self) -> None:
        r = self.call("POST", "/api/period-days", {"local_date": "2024-01-02"})
        assert r.status_code == 201, r.content
        code = r.json()["id"]
        assert r.json()["local_date"] == "2024-01-02"
        assert self.call("GET", f"/api/period-days/{code}").json()["id"] == code
        r = self.call("PATCH", f"/api/period-days/{code}", {"local_date": "2024-01-03"})
        assert r.status_code == 200 and r.json()["local_date"] == "2024-01-03"
        self.call("POST", "/api/period-days", {"local_date": "2023-12-01"})
        listed = self.call("GET", "/api/period-days?since=2024-01-01").json()
        assert [i["id"] for i in listed["items"]] == [code]
        assert self.call("GET", "/api/period-days").json()["count"] == 2
        assert self.call("DELETE", f"/api/period-days/{code}").status_code == 204
        assert list(PeriodDay.objects.values_list("local_date", flat=True)) == [date(2023, 12, 1)]

    def test_it_checks_ownership(self) -> None:
        obj = PeriodDay.objects.create(person=self.alice, local_date=date(2024, 1, 2))
        for method, body in (
            ("GET", None),
            ("PATCH", {"local_date": "2024-01-05"}),
            ("DELETE", None),
        ):
            r = self.call(method, f"/api/period-days/{obj.code}", body, self.charlie_token)
            assert r.status_code == 404, method
        assert self.call("GET", "/api/period-days", token=self.charlie_token).json()["count"] == 0
        obj.refresh_from_db()
        assert obj.local_date == date(2024, 1, 2)

    def test_it_refuses_bad_days_with_a_field_and_writes_nothing(self) -> None:
        PeriodDay.objects.create(person=self.alice, local_date=date(2024, 1, 2))
        for body, reason in (
            ({"local_date": "2999-01-02"}, "future"),
            ({"local_date": "1800-01-02"}, ""),
            ({"local_date": "2024-01-02"}, "already a period day"),
            ({"local_date": "not a day"}, ""),
            ({}, ""),
        ):
            r = self.call("POST", "/api/period-days", body)
            assert r.status_code == 422, (body, r.content)
            assert reason in r.content.decode(), (body, r.content)
        assert PeriodDay.objects.count() == 1
        other = PeriodDay.objects.create(person=self.alice, local_date=date(2024, 1, 9))
        r = self.call("PATCH", f"/api/period-days/{other.code}", {"local_date": "2024-01-02"})
        assert r.status_code == 422 and "already a period day" in r.content.decode()
        other.refresh_from_db()
        assert other.local_date == date(2024, 1, 9)
        r = self.call("GET", "/api/period-days?since=1800-01-01")
        assert r.status_code == 422

    def test_it_lets_two_people_log_the_same_day(self) -> None:
        for token in (self.alice_token, self.charlie_token):
            r = self.call("POST", "/api/period-days", {"local_date": "2024-01-02"}, token)
            assert r.status_code == 201
        assert PeriodDay.objects.count() == 2
