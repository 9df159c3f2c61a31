"""Across demo seeds 1-20 the planted effects are found every time and factors without a
planted effect (magnesium) show a finding in at most 2 seeds (core/demo.py plants them;
the engine is not tuned to these seeds)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import TestCase

from spasmtrack.accounts.models import Person
from spasmtrack.diary.demo import create_demo
from spasmtrack.insights.services import insights_for

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PLANTED = {"heat", "hours sitting"}


def demo_report(seed: int) -> dict:
    cache.clear()
    User.objects.filter(username="demo").delete()
    create_demo(days=180, seed=seed, tz="Europe/Berlin")
    return insights_for(Person.objects.for_user(User.objects.get(username="demo")))  # type: ignore[return-value]


@pytest.mark.slow
@time_machine.travel(NOW, tick=False)
class DemoSeedsTestCase(TestCase):
    def test_it_finds_the_planted_effects_in_every_seed_and_rarely_anything_else(self) -> None:
        missed, spurious = [], []
        for seed in range(1, 21):
            report = demo_report(seed)
            heat = [
                i
                for i in report["helps"]
                if i["factor"] == "heat" and "max spasm intensity" in i["outcomes"]
            ]
            sitting = [
                i
                for i in report["aggravates"]
                if i["factor"] == "hours sitting" and i["outcome"] == "spasm count"
            ]
            if not (heat and heat[0]["lags_reported"] == [0]):
                missed.append((seed, "heat"))
            if not (sitting and 1 in sitting[0]["lags_reported"]):
                missed.append((seed, "sitting"))
            clear = report["helps"] + report["aggravates"]
            if any(i["factor"] not in PLANTED for i in clear):
                spurious.append(seed)
        assert missed == []
        assert len(spurious) <= 2, spurious
