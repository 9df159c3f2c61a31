from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import time_machine

from spasmtrack.nutrition.models import Intake, NutritionProfile
from spasmtrack.test import BaseTestCase

NOW = datetime(2026, 5, 6, 10, 0, tzinfo=UTC)  # a Wednesday
BANANAS = {"food_id": "banana", "amount": 2, "unit": "serving", "at": "2026-05-06T08:00:00Z"}
MAGNESIUM = {"nutrient": "magnesium", "amount": 400, "unit": "mg", "at": "2026-05-06T09:00:00Z"}


@time_machine.travel(NOW)
class IntakesApiTestCase(BaseTestCase):
    def post(self, path: str, body: Any, token: str | None = None) -> Any:
        return self.client.post(
            path,
            json.dumps(body),
            content_type="application/json",
            **self.bearer(token or self.alice_token),
        )

    def get(self, path: str, token: str | None = None) -> Any:
        return self.client.get(path, **self.bearer(token or self.alice_token))

    def test_it_logs_a_food_and_computes_its_nutrients(self) -> None:
        r = self.post("/api/intakes", BANANAS)
        assert r.status_code == 201, r.content
        body = r.json()
        assert body["local_date"] == "2026-05-06"
        assert (body["food_name"], body["nutrient"], body["supplemental"]) == (
            "Banana",
            None,
            False,
        )
        # 2 servings of 118 g = 236 g; 358 mg potassium per 100 g.
        assert body["nutrients"]["potassium"] == 844.88
        assert self.get(f"/api/intakes/{body['id']}").json()["amount"] == 2

    def test_it_logs_a_supplement_as_supplemental_by_default(self) -> None:
        r = self.post("/api/intakes", MAGNESIUM)
        assert r.status_code == 201, r.content
        assert r.json()["supplemental"] is True
        assert r.json()["food_id"] is None

    def test_it_accepts_other_spellings_of_units(self) -> None:
        r = self.post("/api/intakes", {"nutrient": "vitamin_d", "amount": 25, "unit": "mcg"})
        assert r.status_code == 201 and r.json()["unit"] == "µg"
        r = self.post("/api/intakes", {"nutrient": "vitamin_d", "amount": 1000, "unit": "IU"})
        assert r.json()["nutrients"]["vitamin_d"] == 25

    def test_it_refuses_bad_intakes_with_field_errors_and_writes_nothing(self) -> None:
        cases = [
            ({"food_id": "unicorn", "amount": 1, "unit": "serving"}, "food_id"),
            ({"food_id": "banana", "amount": 1, "unit": "mg"}, "unit"),
            ({"nutrient": "magnesium", "amount": 1, "unit": "serving"}, "unit"),
            ({"nutrient": "magnesium", "amount": 100, "unit": "IU"}, "unit"),
            ({"nutrient": "iron", "amount": 1, "unit": "mg"}, "nutrient"),
            ({"food_id": "banana", "amount": 0, "unit": "serving"}, "amount"),
            ({"food_id": "banana", "amount": -2, "unit": "g"}, "amount"),
            ({"food_id": "banana", "amount": 20000, "unit": "g"}, "amount"),
            ({"nutrient": "magnesium", "amount": 400000, "unit": "mg"}, "amount"),
            ({"amount": 1, "unit": "g"}, "nutrient"),
            ({"food_id": "banana", "nutrient": "magnesium", "amount": 1, "unit": "g"}, "nutrient"),
            ({**BANANAS, "supplemental": True}, "supplemental"),
            ({**BANANAS, "at": "2026-05-06T08:00:00"}, "at"),
        ]
        for body, field in cases:
            r = self.post("/api/intakes", body)
            assert r.status_code == 422, body
            assert field in {e["loc"][-1] for e in r.json()["detail"]}, (body, r.json())
        assert Intake.objects.count() == 0

    def test_it_requires_authentication(self) -> None:
        assert self.client.get("/api/intakes").status_code == 401
        r = self.client.post("/api/intakes", json.dumps(BANANAS), content_type="application/json")
        assert r.status_code == 401
        assert self.client.get("/api/nutrition/totals").status_code == 401
        assert self.client.get("/api/nutrition/profile").status_code == 401
        assert Intake.objects.count() == 0

    def test_it_checks_ownership(self) -> None:
        code = self.post("/api/intakes", BANANAS).json()["id"]
        assert self.get(f"/api/intakes/{code}", self.charlie_token).status_code == 404
        r = self.client.delete(f"/api/intakes/{code}", **self.bearer(self.charlie_token))
        assert r.status_code == 404
        assert self.get("/api/intakes", self.charlie_token).json()["count"] == 0
        assert self.get("/api/nutrition/totals", self.charlie_token).json()["days"] == []
        assert Intake.objects.get().deleted_at is None

    def test_it_lists_by_date_range_and_bins_on_delete(self) -> None:
        for day in ("04", "05", "06"):
            self.post("/api/intakes", {**BANANAS, "at": f"2026-05-{day}T08:00:00Z"})
        r = self.get("/api/intakes?since=2026-05-05&until=2026-05-05").json()
        assert [i["local_date"] for i in r["items"]] == ["2026-05-05"]
        code = r["items"][0]["id"]
        assert (
            self.client.delete(f"/api/intakes/{code}", **self.bearer(self.alice_token)).status_code
            == 204
        )
        assert self.get(f"/api/intakes/{code}").status_code == 404
        assert self.get("/api/intakes").json()["count"] == 2
        assert Intake.objects.filter(deleted_at__isnull=False).count() == 1

    def test_it_totals_a_day_against_the_reference(self) -> None:
        self.post("/api/intakes", BANANAS)
        self.post("/api/intakes", MAGNESIUM)
        body = self.get("/api/nutrition/totals?since=2026-05-01&until=2026-05-06").json()
        assert (body["age"], body["sex"]) == (None, None)
        [day] = body["days"]
        assert day["date"] == "2026-05-06"
        rows = {r["nutrient"]: r for r in day["nutrients"]}
        # Unknown age and sex: adults 31-50, the higher of the two sexes' values.
        # Potassium: 358 mg/100 g x 236 g = 844.88 mg of the 3400 mg AI = 24.8 %.
        assert (rows["potassium"]["amount"], rows["potassium"]["reference"]) == (844.9, 3400)
        assert rows["potassium"]["percent"] == 24.8
        # Magnesium: 27 mg/100 g x 236 g = 63.72 mg + 400 mg supplement of the 420 mg RDA.
        assert (rows["magnesium"]["amount"], rows["magnesium"]["reference"]) == (463.7, 420)
        assert rows["magnesium"]["percent"] == 110.4
        assert rows["vitamin_d"]["unit"] == "µg"
        assert day["supplemental_magnesium_mg"] == 400
        assert "350 mg/day upper limit" in day["magnesium_warning"]

    def test_it_uses_the_persons_age_and_sex_when_given(self) -> None:
        self.post("/api/intakes", BANANAS)
        r = self.client.put(
            "/api/nutrition/profile",
            json.dumps({"age": 25, "sex": "female"}),
            content_type="application/json",
            **self.bearer(self.alice_token),
        )
        assert r.status_code == 200 and r.json() == {"age": 25, "sex": "female"}
        body = self.get("/api/nutrition/totals").json()
        rows = {r["nutrient"]: r for r in body["days"][0]["nutrients"]}
        assert (rows["magnesium"]["reference"], rows["potassium"]["reference"]) == (310, 2600)
        assert "age 25, female" in body["basis"]

    def test_it_refuses_a_child_age_in_the_profile(self) -> None:
        r = self.client.put(
            "/api/nutrition/profile",
            json.dumps({"age": 12}),
            content_type="application/json",
            **self.bearer(self.alice_token),
        )
        assert r.status_code == 422
        assert not NutritionProfile.objects.exists()

    def test_it_warns_only_about_supplemental_magnesium_above_the_limit(self) -> None:
        # 3 oz pumpkin seeds: about 500 mg of magnesium from food, no warning.
        self.post("/api/intakes", {"food_id": "pumpkin_seeds", "amount": 3, "unit": "serving"})
        self.post("/api/intakes", {**MAGNESIUM, "amount": 350})  # exactly the limit
        day = self.get("/api/nutrition/totals").json()["days"][0]
        assert day["magnesium_warning"] is None
        self.post("/api/intakes", {**MAGNESIUM, "amount": 1})
        day = self.get("/api/nutrition/totals").json()["days"][0]
        assert day["supplemental_magnesium_mg"] == 351
        assert day["magnesium_warning"] is not None

    def test_it_does_not_count_a_non_supplemental_nutrient_toward_the_limit(self) -> None:
        self.post("/api/intakes", {**MAGNESIUM, "amount": 500, "supplemental": False})
        day = self.get("/api/nutrition/totals").json()["days"][0]
        assert day["magnesium_warning"] is None
        assert day["supplemental_magnesium_mg"] == 0

    def test_it_defaults_totals_to_the_last_week_and_refuses_bad_ranges(self) -> None:
        self.post("/api/intakes", {**BANANAS, "at": "2026-04-29T08:00:00Z"})  # 8 days ago
        body = self.get("/api/nutrition/totals").json()
        assert (body["since"], body["until"]) == ("2026-04-30", "2026-05-06")
        assert body["days"] == []
        assert (
            self.get("/api/nutrition/totals?since=2026-05-06&until=2026-05-01").status_code == 422
        )
        assert (
            self.get("/api/nutrition/totals?since=2020-01-01&until=2026-05-01").status_code == 422
        )

    def test_it_files_an_intake_under_the_persons_local_day(self) -> None:
        # 23:30 UTC on 5 May is 01:30 on 6 May in Berlin.
        r = self.post("/api/intakes", {**BANANAS, "at": "2026-05-05T23:30:00Z"})
        assert r.json()["local_date"] == "2026-05-06"
        assert Intake.objects.get().local_date == date(2026, 5, 6)
