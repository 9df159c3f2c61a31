"""/api/trp/summary with tenderness that never changes: strict JSON (no NaN p-value)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import time_machine

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.test import BaseTestCase

NOW = datetime(2026, 5, 6, 10, 0, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
class FiniteJsonTestCase(BaseTestCase):
    def test_it_reports_an_unchanging_trigger_point_without_nan(self) -> None:
        for i in range(6):
            create_entry(
                self.alice,
                RESOURCES["trigger-points"],
                {
                    "muscle": "upper_trapezius",
                    "side": "left",
                    "tenderness": 6,
                    "at": (NOW - timedelta(days=7 * i)).isoformat(),
                },
            )
        r = self.client.get("/api/trp/summary", **self.bearer(self.alice_token))
        self.assertEqual(r.status_code, 200)
        body = json.loads(r.content, parse_constant=lambda c: self.fail(f"{c} in JSON"))
        self.assertNotIn(b"NaN", r.content)
        self.assertTrue(body)

    def test_it_writes_null_for_a_number_that_is_not_finite(self) -> None:
        from spasmtrack.api import FiniteJSONRenderer

        out = FiniteJSONRenderer().render(
            None,  # type: ignore[arg-type]
            {"a": float("nan"), "b": [float("inf"), 1.5], "c": {"d": float("-inf")}},
            response_status=200,
        )
        self.assertEqual(json.loads(out), {"a": None, "b": [None, 1.5], "c": {"d": None}})
