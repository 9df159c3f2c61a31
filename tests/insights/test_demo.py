"""The demo diary plants effects (core/demo.py); Insights must find them, and only them.

The default seed (1) is used: heat helps the same day, sitting aggravates the next day,
magnesium has no effect. tests/insights/test_demo_seeds.py counts seeds 1-20.
"""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import TestCase

from spasmtrack.accounts.models import Person
from spasmtrack.diary.demo import create_demo
from spasmtrack.insights.services import insights_for

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
class DemoTestCase(TestCase):
    def test_it_finds_the_planted_effects_and_not_magnesium(self) -> None:
        cache.clear()
        create_demo(days=180, seed=1, tz="Europe/Berlin")
        report = insights_for(Person.objects.for_user(User.objects.get(username="demo")))

        def found(group: str, factor: str, outcome: str, lag: int) -> bool:
            return any(
                i["factor"] == factor and outcome in i["outcomes"] and i["lags_reported"] == [lag]
                for i in report[group]
            )

        assert found("helps", "heat", "max spasm intensity", 0)
        assert found("helps", "heat", "mean spasm intensity", 0)
        # Sitting is logged in hours: the finding is a slope per extra hour.
        assert found("aggravates", "hours sitting", "spasm count", 1)
        clear = report["helps"] + report["aggravates"]
        assert not [i for i in clear if i["factor"].startswith("magnesium")]
        heat = next(i for i in report["helps"] if "max spasm intensity" in i["outcomes"])
        assert -2.5 < heat["effect"] < -0.8  # planted: about 1.5 points lower
