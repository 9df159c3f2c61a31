"""Reminder pages and API: settings, Today, one-tap pain after, calendar alarms, push sign-up."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils.timezone import now

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.reminders.models import Delivery, PushSubscription, ReminderSettings
from spasmtrack.test import BaseTestCase
from tests.reminders.helpers import NOW, settings_for

FORM = {
    "checkin_at": "20:00",
    "pain_after_minutes": "45",
    "experiment_at": "",
    "fiqr_weeks": "4",
    "acr2016_months": "",
    "peg_weeks": "1",
    "questionnaire_at": "18:00",
    "quiet_from": "22:00",
    "quiet_until": "07:30",
    "on_today": "on",
    "by_email": "on",
    "email": "alice@example.invalid",
}


@time_machine.travel(NOW, tick=False)
class ReminderPagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice_user)

    def test_it_saves_the_settings(self) -> None:
        r = self.client.get("/reminders/")
        self.assertContains(r, "Nothing is on until you save")
        r = self.client.post("/reminders/", FORM)
        self.assertRedirects(r, "/reminders/")
        s = ReminderSettings.objects.get(person=self.alice)
        self.assertEqual((s.pain_after_minutes, s.acr2016_months, s.by_email), (45, None, True))
        self.assertEqual(s.since, NOW.date())
        self.assertEqual(str(s.quiet_until), "07:30:00")

    def test_it_refuses_bad_settings_and_saves_nothing(self) -> None:
        for change, message in (
            ({"pain_after_minutes": "1"}, "Choose 5 to 720"),
            ({"quiet_until": ""}, "Give both ends of the quiet hours"),
            ({"email": ""}, "Give an address for e-mail reminders"),
            ({"checkin_at": "25:00"}, "Enter a valid time"),
        ):
            r = self.client.post("/reminders/", {**FORM, **change})
            self.assertContains(r, message, status_code=200)
        self.assertFalse(ReminderSettings.objects.exists())

    def test_it_shows_what_is_due_on_today(self) -> None:
        settings_for(self.alice)  # Berlin 20:30: the 20:00 check-in is due
        r = self.client.get("/")
        self.assertContains(r, "Due now")
        self.assertContains(r, 'href="/checkin/"')
        create_entry(self.alice, RESOURCES["checkins"], {"local_date": NOW.date(), "mood": 5})
        self.assertNotContains(self.client.get("/"), "Due now")

    def test_it_shows_nothing_on_today_when_turned_off(self) -> None:
        settings_for(self.alice, on_today=False)
        self.assertNotContains(self.client.get("/"), "Due now")

    def test_it_fills_pain_after_in_one_tap_from_today(self) -> None:
        settings_for(self.alice, checkin_at=None, pain_after_minutes=30)
        t = create_entry(
            self.alice,
            RESOURCES["treatment-logs"],
            {"treatment": "heat", "at": now() - timedelta(minutes=35), "pain_before": 7},
        )
        url = f"/reminders/pain-after/{t.code}/"
        r = self.client.get("/")
        self.assertContains(r, f'action="{url}"')
        self.assertContains(r, 'name="pain_after" value="3"')
        r = self.client.post(url, {"pain_after": "3"})
        self.assertRedirects(r, "/")
        t.refresh_from_db()
        self.assertEqual((t.pain_before, t.pain_after, t.version), (7, 3, 2))
        self.assertNotContains(self.client.get("/"), "How is your pain now?")

    def test_it_refuses_a_pain_outside_0_to_10(self) -> None:
        t = create_entry(
            self.alice, RESOURCES["treatment-logs"], {"treatment": "heat", "pain_before": 7}
        )
        r = self.client.post(f"/reminders/pain-after/{t.code}/", {"pain_after": "11"})
        self.assertContains(r, "Choose a number from 0 to 10", status_code=422)
        t.refresh_from_db()
        self.assertIsNone(t.pain_after)

    def test_it_checks_ownership(self) -> None:
        t = create_entry(
            self.charlie, RESOURCES["treatment-logs"], {"treatment": "heat", "pain_before": 7}
        )
        url = f"/reminders/pain-after/{t.code}/"
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, {"pain_after": "2"}).status_code, 404)
        t.refresh_from_db()
        self.assertIsNone(t.pain_after)

    def test_it_puts_alarms_in_the_calendar_file(self) -> None:
        settings_for(self.alice, in_calendar=True, fiqr_weeks=4)
        r = self.client.get("/reminders/calendar.ics")
        text = r.content.decode()
        self.assertEqual(r["Content-Type"], "text/calendar; charset=utf-8")
        self.assertIn("RRULE:FREQ=DAILY", text)
        self.assertIn("DTSTART:20260601T200000", text)
        self.assertEqual(text.count("BEGIN:VALARM"), 2)  # check-in and FIQR
        self.assertIn("FIQR is due", text)

    def test_it_has_no_calendar_file_when_alarms_are_off(self) -> None:
        settings_for(self.alice)
        self.assertEqual(self.client.get("/reminders/calendar.ics").status_code, 404)

    def test_it_adds_daily_alarms_to_the_experiment_calendar(self) -> None:
        from tests.trials.helpers import past_trial

        trial = past_trial(self.alice, self.heat)
        url = f"/trials/{trial.code}/schedule.ics"
        self.assertNotIn("VALARM", self.client.get(url).content.decode())
        settings_for(self.alice, in_calendar=True, experiment_at="19:15")
        text = self.client.get(url).content.decode()
        days = trial.period_days * trial.blocks * 2
        self.assertEqual(text.count("BEGIN:VALARM"), days)
        self.assertIn("TRIGGER;RELATED=START:P0DT19H15M", text)

    def test_it_queues_a_test_reminder(self) -> None:
        settings_for(self.alice, by_push=True)
        self.assertRedirects(self.client.post("/reminders/test/"), "/reminders/")
        self.assertEqual(
            sorted(Delivery.objects.filter(kind="test").values_list("channel", flat=True)),
            ["email", "push"],
        )

    def test_it_registers_and_removes_a_push_subscription(self) -> None:
        body = {
            "endpoint": "https://push.example.invalid/send/abc",
            "keys": {"p256dh": "B" + "A" * 86, "auth": "c2VjcmV0c2VjcmV0"},
        }
        h = self.bearer(self.alice_token)
        r = self.client.post(
            "/api/reminders/push-subscriptions", body, content_type="application/json", **h
        )
        self.assertEqual(r.status_code, 201, r.content)
        code = r.json()["code"]
        self.assertEqual(r.json()["endpoint_host"], "push.example.invalid")
        # Charlie cannot remove Alice's device.
        other = self.bearer(self.charlie_token)
        r = self.client.delete(f"/api/reminders/push-subscriptions/{code}", **other)
        self.assertEqual(r.status_code, 404)
        r = self.client.delete(f"/api/reminders/push-subscriptions/{code}", **h)
        self.assertEqual(r.status_code, 204)
        self.assertFalse(PushSubscription.objects.exists())

    def test_it_refuses_a_malformed_subscription(self) -> None:
        r = self.client.post(
            "/api/reminders/push-subscriptions",
            {"endpoint": "javascript:alert(1)", "keys": {"p256dh": "x", "auth": "y"}},
            content_type="application/json",
            **self.bearer(self.alice_token),
        )
        self.assertEqual(r.status_code, 422)
        self.assertFalse(PushSubscription.objects.exists())

    def test_it_lists_what_is_due_in_the_api(self) -> None:
        settings_for(self.alice)
        r = self.client.get("/api/reminders/due", **self.bearer(self.alice_token))
        self.assertEqual([d["key"] for d in r.json()], ["checkin:2026-06-01"])
        r = self.client.get("/api/reminders/due", **self.bearer(self.charlie_token))
        self.assertEqual(r.json(), [])
