from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine
from django.core.cache import cache

from spasmtrack.diary.entries import RESOURCES, create_entry, update_entry
from spasmtrack.insights.services import diary_version, insights_for
from spasmtrack.test import BaseTestCase

NOW = datetime(2025, 11, 10, 12, 0, tzinfo=UTC)
FIRST = date(2025, 9, 1)


@time_machine.travel(NOW)
class CacheTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        # 40 days: heat every other day, with lower spasm intensity on heat days.
        for i in range(40):
            day = FIRST + timedelta(days=i)
            heat = i % 2 == 0
            create_entry(
                self.alice,
                RESOURCES["muscle-events"],
                {
                    "kind": "spasm",
                    "started_at": f"{day}T10:00:00Z",
                    "intensity": (3 if heat else 7) + i % 3 - 1,
                    "regions": ["calf_left"],
                },
            )
            # A habit logged every day: each day counts as fully logged (heat "no" days).
            create_entry(
                self.alice,
                RESOURCES["habit-logs"],
                {"habit": "hours_slept", "local_date": day, "value": 6.0 + (i * 7) % 5 / 2},
            )
            if heat:
                create_entry(
                    self.alice,
                    RESOURCES["treatment-logs"],
                    {"treatment": self.heat.key, "at": f"{day}T18:00:00Z"},
                )

    def test_it_serves_the_second_request_from_the_cache(self) -> None:
        first = insights_for(self.alice)
        # The diary version only (one query): no diary table is read again.
        with self.assertNumQueries(1):
            assert insights_for(self.alice) == first

    def test_it_recomputes_after_a_new_entry(self) -> None:
        before = insights_for(self.alice)
        create_entry(
            self.alice, RESOURCES["checkins"], {"local_date": "2025-10-15", "overall_pain": 5}
        )
        after = insights_for(self.alice)
        assert after["days_tracked"] == before["days_tracked"] + 1
        assert after["last_day"] == "2025-10-15"

    def test_it_recomputes_after_an_edit_and_a_delete(self) -> None:
        res = RESOURCES["muscle-events"]
        # The second day: a spasm and nothing else (no heat that day).
        event = res.model.objects.filter(person=self.alice).order_by("local_date")[1]
        v0 = diary_version(self.alice)
        first = insights_for(self.alice)["helps"][0]
        before = first["effect"]
        update_entry(self.alice, res, event, {"intensity": 10})
        assert diary_version(self.alice) != v0
        edited = insights_for(self.alice)["helps"][0]["effect"]
        assert edited != before
        v1 = diary_version(self.alice)
        event.move_to_bin()
        assert diary_version(self.alice) != v1
        event.delete()  # purged from the bin
        # The day keeps its habit log but has no spasm intensity any more.
        assert insights_for(self.alice)["helps"][0]["n_days"] == first["n_days"] - 1

    def test_it_keeps_each_persons_version_apart(self) -> None:
        v = diary_version(self.alice)
        create_entry(
            self.charlie,
            RESOURCES["muscle-events"],
            {"kind": "spasm", "intensity": 9, "regions": ["calf_left"]},
        )
        assert diary_version(self.alice) == v
        assert insights_for(self.charlie)["days_tracked"] == 1

    def test_it_notices_bulk_inserts_that_send_no_signals(self) -> None:
        v = diary_version(self.alice)
        res = RESOURCES["checkins"]
        res.model.objects.bulk_create(
            [res.model(person=self.alice, local_date=date(2025, 10, 20), overall_pain=3)]
        )
        assert diary_version(self.alice) != v
