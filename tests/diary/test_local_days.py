from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from spasmtrack.core.days import MIDNIGHT
from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.test import BaseTestCase

# 2026-03-29: Europe/Berlin springs forward (02:00 -> 03:00 local).
# 2026-11-01: America/New_York falls back (02:00 -> 01:00 local), a 25-hour day.


class LocalDaysTestCase(BaseTestCase):
    def log(self, person: object, at: str) -> object:
        return create_entry(
            person,
            RESOURCES["muscle-events"],  # type: ignore[arg-type]
            {"kind": "spasm", "intensity": 5, "regions": ["calf_left"], "started_at": at},
        )

    def test_it_puts_a_late_evening_spasm_on_the_local_day(self) -> None:
        e = self.log(self.alice, "2026-01-15T23:30:00+00:00")  # 00:30 in Berlin
        assert e.local_date == date(2026, 1, 16)

    def test_it_handles_the_berlin_spring_forward_day(self) -> None:
        # 00:30 UTC = 01:30 CET (before the change); 23:30 UTC = 01:30 CEST next day
        assert self.log(self.alice, "2026-03-29T00:30:00+00:00").local_date == date(2026, 3, 29)
        assert self.log(self.alice, "2026-03-28T23:30:00+00:00").local_date == date(2026, 3, 29)
        assert self.log(self.alice, "2026-03-29T21:59:00+00:00").local_date == date(2026, 3, 29)
        assert self.log(self.alice, "2026-03-29T22:00:00+00:00").local_date == date(2026, 3, 30)

    def test_it_handles_the_new_york_fall_back_hour(self) -> None:
        # Both 01:30 EDT (05:30 UTC) and 01:30 EST (06:30 UTC) are on Nov 1.
        assert self.log(self.charlie, "2026-11-01T05:30:00+00:00").local_date == date(2026, 11, 1)
        assert self.log(self.charlie, "2026-11-01T06:30:00+00:00").local_date == date(2026, 11, 1)
        assert self.log(self.charlie, "2026-11-02T04:59:00+00:00").local_date == date(2026, 11, 1)
        assert self.log(self.charlie, "2026-11-02T05:00:00+00:00").local_date == date(2026, 11, 2)

    @time_machine.travel(datetime(2026, 3, 29, 21, 30, tzinfo=UTC))
    def test_it_takes_a_checkin_on_the_day_clocks_change_in_berlin(self) -> None:
        assert self.alice.today() == date(2026, 3, 29)  # 23:30 CEST
        self.client.force_login(self.alice_user)
        r = self.client.post(
            "/checkin/", {"local_date": "2026-03-29", "overall_pain": "4", "notes": ""}
        )
        assert r.status_code == 302
        assert self.alice.dailycheckin_set.get().local_date == date(2026, 3, 29)

    @time_machine.travel(datetime(2026, 11, 2, 4, 30, tzinfo=UTC))
    def test_it_takes_a_checkin_on_the_day_clocks_change_in_new_york(self) -> None:
        assert self.charlie.today() == date(2026, 11, 1)  # 23:30 EST on the 25-hour day
        self.client.force_login(self.charlie_user)
        self.client.post("/checkin/", {"local_date": "2026-11-01", "mood": "6", "notes": ""})
        assert self.charlie.dailycheckin_set.get().local_date == date(2026, 11, 1)

    def test_it_keeps_the_day_when_the_time_zone_changes_later(self) -> None:
        e = self.log(self.alice, "2026-01-15T23:30:00+00:00")
        self.alice.tz = "America/New_York"
        self.alice.save()
        e.refresh_from_db()
        assert e.local_date == date(2026, 1, 16)


@pytest.mark.parametrize("tz", ["Europe/Berlin", "America/New_York", "UTC"])
def test_local_date_is_the_calendar_day_in_that_zone(tz: str) -> None:
    from spasmtrack.accounts.models import Person

    p = Person(tz=tz, day_start=MIDNIGHT)
    at = datetime(2026, 6, 1, 23, 0, tzinfo=UTC)
    expected = {
        "Europe/Berlin": date(2026, 6, 2),
        "America/New_York": date(2026, 6, 1),
        "UTC": date(2026, 6, 1),
    }[tz]
    assert p.local_date(at) == expected
