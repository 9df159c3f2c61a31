"""Migration 0004: people who existed before "my day starts at" keep calendar days (00:00);
people created afterwards start their day at 04:00."""

from __future__ import annotations

from datetime import time

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

BEFORE = [("accounts", "0003_idempotent_requests")]
AFTER = [("accounts", "0004_person_day_start")]


class DayStartMigrationTestCase(TransactionTestCase):
    serialized_rollback = True  # the catalogue rows of data migrations stay for later tests

    def migrate(self, targets: list[tuple[str, str]]) -> MigrationExecutor:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor

    def tearDown(self) -> None:
        self.migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        super().tearDown()

    def test_it_keeps_existing_people_on_calendar_days(self) -> None:
        old = self.migrate(BEFORE).loader.project_state(BEFORE).apps
        user = old.get_model("auth", "User").objects.create(username="early")
        old.get_model("accounts", "Person").objects.create(user=user, tz="Europe/Berlin")
        new = self.migrate(AFTER).loader.project_state(AFTER).apps
        Person = new.get_model("accounts", "Person")
        assert Person.objects.get(user__username="early").day_start == time(0, 0)
        later = new.get_model("auth", "User").objects.create(username="later")
        assert Person.objects.create(user=later).day_start == time(4, 0)
