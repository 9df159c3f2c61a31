"""Settings switches cycle tracking on and off; Today shows it (and asks) only when on."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine

from spasmtrack.cycle.models import CycleSettings, PeriodDay
from spasmtrack.cycle.services import set_enabled
from spasmtrack.test import BaseTestCase

TODAY = date(2024, 5, 20)  # Berlin: alice's time zone


@time_machine.travel(datetime(2024, 5, 20, 10, tzinfo=UTC))
class CyclePagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice_user)

    def plant(self, lengths: list[int]) -> date:
        """Periods of 4 days, cycles of these lengths, the last period starting 10 days
        before today (returned)."""
        last = TODAY - timedelta(days=10)
        starts = [last]
        for n in reversed(lengths):
            starts.insert(0, starts[0] - timedelta(days=n))
        for s in starts:
            for k in range(4):
                PeriodDay.objects.create(person=self.alice, local_date=s + timedelta(days=k))
        return last

    def test_it_shows_and_asks_nothing_while_off(self) -> None:
        self.plant([28, 30])
        r = self.client.get("/")
        self.assertNotContains(r, "Period today")
        self.assertNotContains(r, "Cycle day")
        self.assertNotContains(r, "cycle-today")
        r = self.client.post("/cycle/today/", {"action": "log"})
        assert r.status_code == 302
        assert not PeriodDay.objects.filter(local_date=TODAY).exists()

    def test_it_turns_tracking_on_and_off_in_settings(self) -> None:
        r = self.client.get("/settings/")
        self.assertContains(r, "Track my menstrual cycle")
        self.assertNotContains(r, 'id="id_cycle_enabled" checked')
        r = self.client.post("/cycle/settings/", {"enabled": "on"}, follow=True)
        self.assertContains(r, "Cycle tracking is on")
        self.assertContains(r, 'id="id_cycle_enabled" checked')
        assert CycleSettings.objects.get(person=self.alice).enabled
        assert not CycleSettings.objects.filter(person=self.charlie).exists()
        self.client.post("/cycle/settings/", {})
        assert not CycleSettings.objects.get(person=self.alice).enabled
        assert self.client.get("/cycle/settings/").status_code == 302  # a GET changes nothing
        assert not CycleSettings.objects.get(person=self.alice).enabled

    def test_it_logs_and_undoes_today_in_one_tap(self) -> None:
        set_enabled(self.alice, True)
        r = self.client.get("/")
        self.assertContains(r, "Period today")
        self.assertContains(r, "Tap “Period today” on each day")
        r = self.client.post("/cycle/today/", {"action": "log"}, follow=True)
        self.assertContains(r, "Period logged today.")
        self.assertContains(r, "Cycle day <strong>1</strong> · menstrual phase")
        assert list(PeriodDay.objects.values_list("local_date", flat=True)) == [TODAY]
        r = self.client.post("/cycle/today/", {"action": "undo"}, HTTP_HX_REQUEST="true")
        self.assertContains(r, "Period day taken back.")
        self.assertContains(r, "Period today")
        self.assertNotContains(r, "<html")  # the fragment only
        assert not PeriodDay.objects.exists()
        r = self.client.post("/cycle/today/", {"action": "explode"})
        assert r.status_code == 400 and not PeriodDay.objects.exists()

    def test_it_answers_htmx_with_the_fragment_after_logging(self) -> None:
        set_enabled(self.alice, True)
        r = self.client.post("/cycle/today/", {"action": "log"}, HTTP_HX_REQUEST="true")
        self.assertContains(r, 'id="cycle-today"')
        self.assertContains(r, "Undo")
        self.assertNotContains(r, "<html")

    def test_it_shows_the_cycle_day_and_the_expected_period_with_its_range(self) -> None:
        set_enabled(self.alice, True)
        last = self.plant([27, 31, 29])  # mean 29, range 27-31
        r = self.client.get("/")
        self.assertContains(r, "Cycle day <strong>11</strong> · follicular phase (estimated)")
        expected = last + timedelta(days=29)
        self.assertContains(r, f"around <strong>{expected:%A} {expected.day} {expected:%B}")
        lo, hi = last + timedelta(days=27), last + timedelta(days=31)
        self.assertContains(r, f"between {lo.day} {lo:%B} and {hi.day} {hi:%B}")
        self.assertContains(r, "From your 3 cycles: 27–31 days, average 29.")

    def test_it_says_when_the_period_is_later_than_the_range(self) -> None:
        set_enabled(self.alice, True)
        PeriodDay.objects.all().delete()
        for s in (TODAY - timedelta(days=d) for d in (40 + 56, 40 + 28, 40)):
            PeriodDay.objects.create(person=self.alice, local_date=s)
        r = self.client.get("/")
        self.assertContains(r, "later than your past cycles suggest")
        self.assertNotContains(r, "expected around")

    def test_it_shows_nothing_of_charlies_cycle_to_alice(self) -> None:
        set_enabled(self.charlie, True)
        PeriodDay.objects.create(person=self.charlie, local_date=TODAY)
        self.assertNotContains(self.client.get("/"), "Period today")
        set_enabled(self.alice, True)
        r = self.client.get("/")
        self.assertNotContains(r, "Period logged today")
        self.assertContains(r, "Tap “Period today”")

    def test_a_tap_sent_later_by_the_outbox_counts_for_the_day_it_was_tapped(self) -> None:
        set_enabled(self.alice, True)
        r = self.client.get("/")
        self.assertContains(r, 'data-outbox="period day"')  # the phone's outbox sends it
        self.assertContains(r, 'name="at"')  # the moment of the tap, filled in by the outbox
        # Tapped on Sunday 23:30 in Berlin with no connection, sent on Monday.
        key = "5e2b1c0e-6a8d-4c1e-9f0a-3b7d2c4e5f60"
        headers = {"HTTP_X_OUTBOX": "1", "HTTP_IDEMPOTENCY_KEY": key, "HTTP_HX_REQUEST": "true"}
        body = {"action": "log", "at": "2024-05-19T23:30"}
        for _ in range(2):  # the answer lost on the way back: sent again, stored once
            r = self.client.post("/cycle/today/", body, **headers)
            assert r.status_code == 200 and r.json()["saved"] is True, r.content
            assert "Period day logged for Sunday 19 May." in r.json()["html"]
        assert list(PeriodDay.objects.values_list("local_date", flat=True)) == [
            TODAY - timedelta(days=1)
        ]

    def test_it_refuses_a_tap_time_that_cannot_be_and_logs_nothing(self) -> None:
        set_enabled(self.alice, True)
        for at in ("2024-05-21T09:00", "1850-01-01T09:00", "yesterday"):
            r = self.client.post("/cycle/today/", {"action": "log", "at": at})
            assert r.status_code == 400, at
        assert not PeriodDay.objects.exists()
