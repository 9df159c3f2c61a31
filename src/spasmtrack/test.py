"""Shared test base: alice owns the data, charlie must never see any of it."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import TestCase

from spasmtrack.accounts.models import ApiToken, Person
from spasmtrack.core.days import MIDNIGHT
from spasmtrack.diary.models import Habit, Treatment


class BaseTestCase(TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.alice_user = User.objects.create_user("alice", password="password")
        # Calendar days (day start 00:00), as the tests written before the setting expect; the
        # tests of the day start (tests/core/test_days.py, tests/diary/test_day_start.py)
        # set it themselves. New accounts outside tests start their day at 04:00.
        self.alice = Person.objects.create(
            user=self.alice_user, tz="Europe/Berlin", day_start=MIDNIGHT
        )
        self.charlie_user = User.objects.create_user("charlie", password="password")
        self.charlie = Person.objects.create(
            user=self.charlie_user, tz="America/New_York", day_start=MIDNIGHT
        )
        self.heat, _ = Treatment.objects.get_or_create(
            key="heat", defaults={"name": "Heat", "category": "home", "unit": "min"}
        )
        self.sitting, _ = Habit.objects.get_or_create(
            key="hours_sitting", defaults={"name": "Hours sitting", "kind": "number", "unit": "h"}
        )
        _, self.alice_token = ApiToken.issue(self.alice, "test")
        _, self.charlie_token = ApiToken.issue(self.charlie, "test")

    def bearer(self, token: str) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
