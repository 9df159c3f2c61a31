"""Insights never fail on odd data stored before the plausible-date rule, nor on odd ranges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine

from spasmtrack.diary.models import DailyCheckin, TreatmentLog
from spasmtrack.test import BaseTestCase

NOW = datetime(2026, 5, 6, 10, 0, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
class InsightsOddDataTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        for i in range(30):
            day = date(2026, 4, 1) + timedelta(days=i)
            DailyCheckin.objects.create(person=self.alice, local_date=day, overall_pain=i % 7)
        # Written straight to the table, as older versions could: the far past and future.
        for day in (date(1, 1, 1), date(9999, 12, 31), date(2999, 1, 1)):
            DailyCheckin.objects.create(person=self.alice, local_date=day, overall_pain=5)
        TreatmentLog.objects.create(
            person=self.alice,
            treatment=self.heat,
            at=datetime(9999, 12, 31, 12, tzinfo=UTC),
            local_date=date(9999, 12, 31),
        )

    def test_it_answers_the_api_ignoring_implausible_days(self) -> None:
        for query in ("", "?since=0001-01-01&until=9999-12-31", "?since=9999-01-01"):
            r = self.client.get(f"/api/insights{query}", **self.bearer(self.alice_token))
            self.assertEqual(r.status_code, 200, query)
        body = self.client.get("/api/insights", **self.bearer(self.alice_token)).json()
        self.assertEqual(body["last_day"], "2026-04-30")
        self.assertEqual(body["first_day"], "2026-04-01")

    def test_it_shows_the_page(self) -> None:
        self.client.force_login(self.alice_user)
        for query in ("", "?since=0001-01-01&until=9999-12-31"):
            self.assertEqual(self.client.get(f"/insights/{query}").status_code, 200, query)
