from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine
from django.core.cache import cache

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.test import BaseTestCase

NOW = datetime(2025, 11, 10, 12, 0, tzinfo=UTC)
ITEM_KEYS = {"factor", "outcome", "lag_days", "effect", "ci95", "q_value", "n_with", "n_without"}


def fill(person: object, first: date, days: int, heat_lowers: bool, habit: bool = True) -> None:
    """Spasms every day, heat every other day; with `heat_lowers` heat days hurt less. With
    `habit`, hours slept are logged every day, so every day counts as fully logged."""
    for i in range(days):
        day = first + timedelta(days=i)
        heat = i % 2 == 0
        intensity = 5 + i % 3 - 1
        if heat_lowers:
            intensity += -2 if heat else 2
        create_entry(
            person,
            RESOURCES["muscle-events"],
            {
                "kind": "spasm",
                "started_at": f"{day}T10:00:00Z",
                "intensity": intensity,
                "regions": ["calf_left"],
            },
        )
        if habit:
            create_entry(
                person,
                RESOURCES["habit-logs"],
                {"habit": "hours_slept", "local_date": day, "value": 6.0 + (i * 7) % 5 / 2},
            )
        if heat:
            create_entry(
                person,
                RESOURCES["treatment-logs"],
                {
                    "treatment": "heat",
                    "at": f"{day}T18:00:00Z",
                    "pain_before": 6,
                    "pain_after": 3 + i % 2,
                },
            )


@time_machine.travel(NOW)
class ApiTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        fill(self.alice, date(2025, 9, 1), 40, heat_lowers=True)

    def test_it_needs_authentication(self) -> None:
        assert self.client.get("/api/insights").status_code == 401

    def test_it_returns_the_four_groups_with_numbers(self) -> None:
        r = self.client.get("/api/insights", **self.bearer(self.alice_token))
        assert r.status_code == 200
        data = r.json()
        for key in ("helps", "aggravates", "no_clear_effect", "not_enough_data"):
            assert isinstance(data[key], list)
        assert {"same_session", "changes", "first_day", "last_day"} <= set(data)
        found = [
            i
            for i in data["helps"]
            if i["factor"] == "heat" and "max spasm intensity" in i["outcomes"]
        ]
        assert found and found[0]["lag_days"] == 0 and found[0]["lags_reported"] == [0]
        # Heat on every other day: lag 2 equals lag 0, so only the same day is compared.
        assert found[0]["lags_considered"] == [0]
        assert "likely helps" in found[0]["sentence"]
        assert set(found[0]) >= ITEM_KEYS
        low, high = found[0]["ci95"]
        assert low < found[0]["effect"] < high < 0
        assert data["same_session"][0]["treatment"] == "heat"
        assert data["same_session"][0]["n"] == 20

    def test_it_does_not_count_days_without_any_factor_log_as_no(self) -> None:
        cache.clear()
        fill(self.charlie, date(2025, 9, 1), 40, heat_lowers=True, habit=False)
        data = self.client.get("/api/insights", **self.bearer(self.charlie_token)).json()
        assert not data["helps"] and not data["aggravates"]
        heat = [i for i in data["not_enough_data"] if i["factor"] == "heat"]
        assert heat and all(i["more_days_without"] == 10 for i in heat)
        assert "“no”" in data["complete_days_rule"]

    def test_it_limits_the_range(self) -> None:
        r = self.client.get(
            "/api/insights?since=2025-09-05&until=2025-09-10", **self.bearer(self.alice_token)
        )
        assert r.status_code == 200
        data = r.json()
        assert (data["first_day"], data["last_day"]) == ("2025-09-05", "2025-09-10")
        assert data["days_tracked"] == 6
        assert data["helps"] == []  # 6 days are not enough for anything

    def test_it_refuses_bad_dates_with_422(self) -> None:
        auth = self.bearer(self.alice_token)
        assert self.client.get("/api/insights?since=yesterday", **auth).status_code == 422
        r = self.client.get("/api/insights?since=2025-10-01&until=2025-09-01", **auth)
        assert r.status_code == 422
        assert "since must be on or before until" in r.content.decode()

    def test_it_never_lets_charlies_diary_change_alices_insights(self) -> None:
        alice_before = self.client.get("/api/insights", **self.bearer(self.alice_token)).json()
        # Charlie's heat days are his worst days: the opposite pattern, twice as long.
        fill(self.charlie, date(2025, 8, 1), 80, heat_lowers=False)
        for i in range(80):
            create_entry(
                self.charlie,
                RESOURCES["checkins"],
                {"local_date": str(date(2025, 8, 1) + timedelta(days=i)), "overall_pain": 9},
            )
        alice_after = self.client.get("/api/insights", **self.bearer(self.alice_token)).json()
        assert alice_after == alice_before
        charlie = self.client.get("/api/insights", **self.bearer(self.charlie_token)).json()
        assert charlie["days_tracked"] == 80 and alice_after["days_tracked"] == 40
