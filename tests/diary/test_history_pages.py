"""History: whole days a page, "Older entries" to the rest, who recorded an entry."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from unittest import mock

import time_machine

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.diary.models import MuscleEvent
from spasmtrack.test import BaseTestCase

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


@time_machine.travel(NOW)
class HistoryPagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice_user)

    def spasm(self, day: int, hour: int, region: str = "calf_left") -> MuscleEvent:
        data = {
            "kind": "spasm",
            "intensity": 6,
            "regions": [region],
            "started_at": f"2026-04-{day:02d}T{hour:02d}:00:00Z",
        }
        return create_entry(self.alice, RESOURCES["muscle-events"], data)

    def test_it_pages_by_whole_days(self) -> None:
        # Three spasms on the 28th, two on the 27th, one on the 26th; pages of about 4 rows.
        for day, hours in ((28, (8, 9, 10)), (27, (8, 9)), (26, (8,))):
            for h in hours:
                self.spasm(day, h)
        with mock.patch("spasmtrack.diary.views.HISTORY_PAGE_ROWS", 4):
            r = self.client.get("/history/")
            body = r.content.decode()
            assert body.count('class="entry"') == 3  # the 28th whole; the 27th would not fit
            self.assertContains(r, "Tuesday 28 April 2026")
            self.assertNotContains(r, "Monday 27 April 2026")
            self.assertContains(r, "Older entries")
            assert r.context["older"] == "?until=2026-04-27&since=2026-04-01"
            r = self.client.get("/history/" + r.context["older"])
            assert r.content.decode().count('class="entry"') == 3
            self.assertContains(r, "Monday 27 April 2026")
            self.assertContains(r, "Sunday 26 April 2026")
            self.assertNotContains(r, "Older entries")

    def test_it_shows_a_day_whole_even_beyond_a_page(self) -> None:
        for h in range(8, 14):
            self.spasm(28, h)
        self.spasm(27, 8)
        with mock.patch("spasmtrack.diary.views.HISTORY_PAGE_ROWS", 4):
            r = self.client.get("/history/")
        # The 28th alone has more spasms than a page: it is shown whole, then the 27th.
        assert r.content.decode().count('class="entry"') == 6
        assert r.context["older"] == "?until=2026-04-27&since=2026-04-01"

    def test_it_names_who_recorded_an_entry_in_one_extra_query(self) -> None:
        create_entry(
            self.alice,
            RESOURCES["treatment-logs"],
            {"treatment": "heat", "at": "2026-04-28T09:00:00Z"},
            recorded_by=self.charlie,
        )
        self.spasm(28, 8)
        self.client.get("/history/")
        # session, user, person, one query per kind of entry (7), the recorders' names
        with self.assertNumQueries(11):
            r = self.client.get("/history/")
        self.assertContains(r, "recorded by charlie")

    def test_it_reads_columns_and_builds_no_model_instances(self) -> None:
        for res in RESOURCES.values():
            create_entry(self.alice, res, res.sample)
        refuse = mock.Mock(side_effect=AssertionError("History built a model instance"))
        with contextlib.ExitStack() as stack:
            for res in RESOURCES.values():
                stack.enter_context(mock.patch.object(res.model, "from_db", refuse))
            r = self.client.get("/history/", {"since": "2000-01-01"})
        assert r.content.decode().count('class="entry"') == len(RESOURCES)
        for res in RESOURCES.values():  # each row says what the entry's own summary says
            self.assertContains(r, res.model.objects.get(person=self.alice).summary(), html=False)

    def test_it_checks_ownership(self) -> None:
        self.spasm(28, 8, region="jaw_left")
        self.client.force_login(self.charlie_user)
        r = self.client.get("/history/?since=2026-04-01")
        self.assertNotContains(r, "jaw and jaw joint (left)")
        # Another person's entry cannot be edited from a history link either.
        e = MuscleEvent.objects.get()
        assert self.client.get(f"/entries/muscle-events/{e.code}/edit/").status_code == 404
