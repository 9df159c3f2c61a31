from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.diary.models import TriggerPoint
from spasmtrack.test import BaseTestCase

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
CALF = ["calf_left", "heel_left", "knee_back_left"]


def record(
    person: object, muscle: str, side: str, tenderness: int, days_ago: int, **kw: Any
) -> Any:
    at = (NOW - timedelta(days=days_ago)).isoformat()
    data = {"muscle": muscle, "side": side, "tenderness": tenderness, "at": at, **kw}
    return create_entry(person, RESOURCES["trigger-points"], data)


@time_machine.travel(NOW)
class TrpApiTestCase(BaseTestCase):
    def find(self, body: Any, token: str | None = None) -> Any:
        return self.client.post(
            "/api/trp/find",
            json.dumps(body),
            content_type="application/json",
            **self.bearer(token or self.alice_token),
        )

    def ranking(self, token: str | None = None) -> list[str]:
        r = self.find({"regions": CALF, "limit": 10}, token)
        assert r.status_code == 200, r.content
        return [c["muscle"] for c in r.json()["candidates"]]

    def test_it_requires_authentication(self) -> None:
        r = self.client.post("/api/trp/find", {"regions": CALF}, content_type="application/json")
        assert r.status_code == 401
        assert self.client.get("/api/trp/muscles").status_code == 401
        assert self.client.get("/api/trp/summary").status_code == 401
        bad = {"HTTP_AUTHORIZATION": "Bearer st_wrong"}
        assert self.client.get("/api/trp/summary", **bad).status_code == 401

    def test_it_finds_candidates_from_a_list_or_intensities(self) -> None:
        r = self.find({"regions": ["neck_side_left", "temple_left", "shoulder_top_left"]})
        body = r.json()
        assert r.status_code == 200
        top = body["candidates"][0]
        assert (top["muscle"], top["side"]) == ("upper_trapezius", "left")
        assert {"score", "explains", "explains_essential", "unexplained"} <= set(top)
        assert body["combination"] is None  # one muscle explains it all
        r = self.find({"regions": {"calf_left": 8, "heel_left": 0}})
        assert r.status_code == 200
        assert all(c["explains"] == ["calf_left"] for c in r.json()["candidates"])

    def test_it_reports_a_combination_when_several_muscles_explain_better(self) -> None:
        regions = ["neck_side_left", "temple_left", "shoulder_top_left", "buttock_left"]
        combo = self.find({"regions": [*regions, "thigh_outer_left"]}).json()["combination"]
        assert [m["muscle"] for m in combo["muscles"]] == ["upper_trapezius", "gluteus_medius"]
        assert combo["coverage"] > combo["single_coverage"]

    def test_it_refuses_unknown_regions_with_422_and_their_ids(self) -> None:
        r = self.find({"regions": ["calf_left", "nose", "wing_left"]})
        assert r.status_code == 422
        detail = r.json()["detail"][0]
        assert detail["ids"] == ["nose", "wing_left"]
        assert detail["loc"] == ["body", "regions"]
        r = self.find({"regions": {"nose": 3}})
        assert r.status_code == 422 and r.json()["detail"][0]["ids"] == ["nose"]

    def test_it_refuses_bad_intensities_and_empty_drawings(self) -> None:
        assert self.find({"regions": {"calf_left": 11}}).status_code == 422
        assert self.find({"regions": []}).status_code == 422
        assert self.find({"regions": CALF, "limit": 0}).status_code == 422

    def test_it_raises_a_recorded_muscle_with_the_persons_prior(self) -> None:
        before = self.ranking()
        record(self.alice, "gastrocnemius", "left", 6, days_ago=3)
        after = self.ranking()
        assert after.index("gastrocnemius") < before.index("gastrocnemius")
        assert after[0] == "gastrocnemius"
        # Charlie's ranking does not see alice's trigger points.
        assert self.ranking(self.charlie_token) == before

    def score_of(self, muscle: str) -> float:
        r = self.find({"regions": CALF, "limit": 50})
        return next(c["score"] for c in r.json()["candidates"] if c["muscle"] == muscle)

    def test_it_uses_the_latest_status_of_each_muscle_side(self) -> None:
        before = self.score_of("gastrocnemius")
        record(self.alice, "gastrocnemius", "left", 6, days_ago=20)
        active = self.score_of("gastrocnemius")
        # Now latent: a weaker boost than active, still stronger than none.
        record(self.alice, "gastrocnemius", "left", 2, days_ago=1, status="latent")
        latent = self.score_of("gastrocnemius")
        assert before < latent < active
        # A binned entry no longer counts.
        TriggerPoint.objects.get(tenderness=2).move_to_bin()
        assert self.score_of("gastrocnemius") == active

    def test_it_lists_muscles_with_sources(self) -> None:
        r = self.client.get("/api/trp/muscles", **self.bearer(self.alice_token))
        assert r.status_code == 200
        m = r.json()[0]
        assert {"id", "name", "essential", "spillover", "trp_regions", "sources"} <= set(m)
        assert m["sources"][0]["citation"]

    def test_it_summarises_trends_and_the_pattern_flag(self) -> None:
        for week, tenderness in enumerate((8, 6, 4, 2)):
            record(self.alice, "upper_trapezius", "left", tenderness, days_ago=21 - 7 * week)
            for muscle in ("levator_scapulae", "infraspinatus"):
                record(self.alice, muscle, "right", 5, days_ago=21 - 7 * week)
        record(self.charlie, "soleus", "left", 9, days_ago=1)
        r = self.client.get("/api/trp/summary", **self.bearer(self.alice_token))
        assert r.status_code == 200
        body = r.json()
        sides = {(ms["muscle"], ms["side"]): ms for ms in body["muscle_sides"]}
        assert set(sides) == {
            ("upper_trapezius", "left"),
            ("levator_scapulae", "right"),
            ("infraspinatus", "right"),
        }
        trap = sides[("upper_trapezius", "left")]
        assert trap["trend"]["direction"] == "falling"
        assert [e["tenderness"] for e in trap["entries"]] == [8, 6, 4, 2]
        assert trap["latest_tenderness"] == 2
        assert sides[("infraspinatus", "right")]["trend"]["direction"] == "flat"
        assert body["pattern"]["flagged"] is True
        assert "only a clinician can assess this" in body["pattern"]["message"]

    def test_it_checks_ownership(self) -> None:
        record(self.alice, "upper_trapezius", "left", 7, days_ago=1)
        r = self.client.get("/api/trp/summary", **self.bearer(self.charlie_token))
        assert r.status_code == 200
        assert r.json()["muscle_sides"] == []
        assert all(w["active"] == 0 for w in r.json()["pattern"]["weeks"])
