"""The weekly pacing line on Today: only for a person with steps, counting their own days."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from spasmtrack.measures.models import DailyMetric, Source
from spasmtrack.test import BaseTestCase
from tests.measures.synthetic import datetime, timezone

NOW = datetime(2024, 3, 1, 12, tzinfo=timezone.utc)


@time_machine.travel(NOW)
class PacingLineTestCase(BaseTestCase):
    def test_it_counts_this_weeks_days_above_the_usual_range(self) -> None:
        today = NOW.date()
        for i in range(40):
            day = today - timedelta(days=39 - i)
            steps = 9000 if i in (35, 38) else 4000 + i
            DailyMetric.objects.create(
                person=self.alice,
                local_date=day,
                metric="steps",
                value=steps,
                source=Source.APPLE_HEALTH,
            )
        self.client.force_login(self.alice_user)
        self.assertContains(self.client.get("/"), "2 days above your usual activity this week")
        self.client.force_login(self.charlie_user)
        self.assertNotContains(self.client.get("/"), "usual activity")
