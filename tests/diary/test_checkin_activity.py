"""The check-in's optional "how much did you do today" rating (0-10): page, API, export."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import time_machine

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.diary.models import DailyCheckin
from spasmtrack.interop.native import delete_person_data, export_document, import_document
from spasmtrack.test import BaseTestCase


@time_machine.travel(datetime(2026, 5, 1, 10, tzinfo=UTC))
class CheckinActivityTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice_user)

    def test_it_asks_with_big_buttons_and_a_skip_selected(self) -> None:
        r = self.client.get("/checkin/")
        self.assertContains(r, "How much did you do today?")
        self.assertContains(r, 'id="id_activity_10"')
        self.assertContains(r, 'id="id_activity_0" checked')  # "Skip": optional

    def test_it_saves_the_rating_alone_or_with_the_others(self) -> None:
        r = self.client.post("/checkin/", {"local_date": "2026-05-01", "activity": "7"})
        assert r.status_code == 302, r.content
        c = DailyCheckin.objects.get()
        assert c.activity == 7 and c.overall_pain is None
        assert "did 7" in c.summary()

    def test_it_does_not_prefill_yesterdays_rating(self) -> None:
        create_entry(
            self.alice,
            RESOURCES["checkins"],
            {"local_date": "2026-04-30", "overall_pain": 4, "activity": 9},
        )
        r = self.client.get("/checkin/")
        self.assertContains(r, 'id="id_overall_pain_4" checked')
        self.assertNotContains(r, 'id="id_activity_10" checked')  # value 9 is index 10
        self.assertContains(r, 'id="id_activity_0" checked')

    def test_it_keeps_the_rating_when_editing(self) -> None:
        c = create_entry(
            self.alice, RESOURCES["checkins"], {"local_date": "2026-05-01", "activity": 4}
        )
        r = self.client.get(f"/entries/checkins/{c.code}/edit/")
        self.assertContains(r, 'id="id_activity_5" checked')  # Skip, 0, 1, 2, 3, 4

    def test_it_refuses_a_rating_out_of_range(self) -> None:
        r = self.client.post("/checkin/", {"local_date": "2026-05-01", "activity": "11"})
        assert r.status_code == 200 and not DailyCheckin.objects.exists()
        for bad in (11, -1, "lots"):
            r = self.client.post(
                "/api/checkins",
                json.dumps({"local_date": "2026-05-01", "activity": bad}),
                "application/json",
                **self.bearer(self.alice_token),
            )
            assert r.status_code == 422, bad
        assert not DailyCheckin.objects.exists()

    def test_it_goes_through_the_api_and_the_export(self) -> None:
        r = self.client.post(
            "/api/checkins",
            json.dumps({"local_date": "2026-05-01", "activity": 3}),
            "application/json",
            **self.bearer(self.alice_token),
        )
        assert r.status_code == 201 and r.json()["activity"] == 3
        doc = export_document(self.alice)
        assert doc["checkins"][0]["activity"] == 3
        delete_person_data(self.alice)
        import_document(self.alice, doc)
        assert DailyCheckin.objects.get(person=self.alice).activity == 3
        assert DailyCheckin.objects.get().local_date == date(2026, 5, 1)
