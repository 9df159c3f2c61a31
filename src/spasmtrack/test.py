"""Shared test base: alice owns the data, charlie must never see any of it."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import TestCase

from spasmtrack.accounts.models import ApiToken, Person
from spasmtrack.diary.models import Habit, Treatment


class BaseTestCase(TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.alice_user = User.objects.create_user("alice", password="password")
        self.alice = Person.objects.create(user=self.alice_user, tz="Europe/Berlin")
        self.charlie_user = User.objects.create_user("charlie", password="password")
        self.charlie = Person.objects.create(user=self.charlie_user, tz="America/New_York")
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
