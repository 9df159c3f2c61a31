"""Queueing and claiming: each reminder once per channel, leases that expire, stale ones dropped."""

from __future__ import annotations

from datetime import timedelta

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.reminders import scheduler
from spasmtrack.reminders.models import Delivery
from spasmtrack.test import BaseTestCase
from tests.reminders.helpers import NOW, delivery, settings_for


class Recorder:
    def __init__(self, fail: Exception | None = None) -> None:
        self.sent: list[str] = []
        self.fail = fail

    def __call__(self, d: Delivery) -> None:
        if self.fail is not None:
            raise self.fail
        self.sent.append(d.key)


class SchedulerTestCase(BaseTestCase):
    def test_it_queues_each_due_reminder_once_per_channel(self) -> None:
        settings_for(self.alice, by_push=True)  # Berlin: 20:30, check-in due at 20:00
        settings_for(self.charlie)  # New York: 14:30, not yet
        self.assertEqual(scheduler.queue_due(NOW), 2)
        self.assertEqual(scheduler.queue_due(NOW), 0)
        self.assertEqual(scheduler.queue_due(NOW + timedelta(minutes=5)), 0)
        rows = Delivery.objects.order_by("channel")
        self.assertEqual(
            [(r.person, r.key, r.channel) for r in rows],
            [
                (self.alice, "checkin:2026-06-01", "email"),
                (self.alice, "checkin:2026-06-01", "push"),
            ],
        )
        self.assertEqual(rows[0].url, "/checkin/")

    def test_it_queues_nothing_without_push_or_email(self) -> None:
        settings_for(self.alice, by_email=False)
        self.assertEqual(scheduler.queue_due(NOW), 0)

    def test_it_sends_once_and_marks_sent(self) -> None:
        settings_for(self.alice)
        scheduler.queue_due(NOW)
        rec = Recorder()
        self.assertEqual(scheduler.handle_one_batch("w1", {"email": rec}, NOW), 1)
        self.assertEqual(scheduler.handle_one_batch("w2", {"email": rec}, NOW), 0)
        self.assertEqual(rec.sent, ["checkin:2026-06-01"])
        d = Delivery.objects.get()
        self.assertEqual((d.status, d.attempts, d.claimed_by), ("sent", 1, "w1"))

    def test_it_lets_another_worker_take_over_an_expired_claim(self) -> None:
        settings_for(self.alice)
        scheduler.queue_due(NOW)
        # Worker 1 claims and dies before sending (nothing marks the row).
        (claimed,) = scheduler.claim("w1", NOW)
        self.assertEqual(scheduler.claim("w2", NOW + timedelta(seconds=30)), [])
        later = NOW + scheduler.LEASE + timedelta(seconds=1)
        rec = Recorder()
        self.assertEqual(scheduler.handle_one_batch("w2", {"email": rec}, later), 1)
        self.assertEqual(rec.sent, [claimed.key])
        d = Delivery.objects.get()
        self.assertEqual((d.status, d.claimed_by, d.attempts), ("sent", "w2", 2))

    def test_it_does_not_let_a_late_worker_overwrite_the_new_claim(self) -> None:
        settings_for(self.alice)
        scheduler.queue_due(NOW)
        (old,) = scheduler.claim("w1", NOW)
        later = NOW + scheduler.LEASE + timedelta(seconds=1)
        (new,) = scheduler.claim("w2", later)
        self.assertFalse(scheduler._finish(old, "w1", status="sent"))
        self.assertTrue(scheduler._finish(new, "w2", status="sent"))

    def test_it_drops_a_reminder_whose_task_was_done_meanwhile(self) -> None:
        settings_for(self.alice)
        scheduler.queue_due(NOW)
        create_entry(self.alice, RESOURCES["checkins"], {"local_date": NOW.date(), "mood": 5})
        rec = Recorder()
        scheduler.handle_one_batch("w1", {"email": rec}, NOW)
        self.assertEqual(rec.sent, [])
        self.assertEqual(Delivery.objects.get().status, "stale")

    def test_it_retries_a_failed_send_after_the_lease_then_gives_up(self) -> None:
        settings_for(self.alice)
        scheduler.queue_due(NOW)
        boom = Recorder(fail=OSError("connection refused"))
        t = NOW
        for _ in range(scheduler.MAX_ATTEMPTS):
            self.assertEqual(scheduler.handle_one_batch("w", {"email": boom}, t), 1)
            self.assertEqual(scheduler.handle_one_batch("w", {"email": boom}, t), 0)
            t += scheduler.LEASE + timedelta(seconds=1)
        d = Delivery.objects.get()
        self.assertEqual((d.status, d.attempts), ("failed", scheduler.MAX_ATTEMPTS))
        self.assertIn("connection refused", d.last_error)

    def test_it_sends_a_test_reminder_whatever_is_due(self) -> None:
        delivery(self.alice, "test:1", kind="test")
        rec = Recorder()
        scheduler.handle_one_batch("w", {"email": rec}, NOW)
        self.assertEqual((rec.sent, Delivery.objects.get().status), (["test:1"], "sent"))

    def test_it_drops_a_stale_delivery_unsent(self) -> None:
        settings_for(self.alice)
        scheduler.queue_due(NOW)
        rec = Recorder()
        # The server was off until the next morning: yesterday's check-in reminder is stale.
        scheduler.handle_one_batch("w", {"email": rec}, NOW + timedelta(hours=14))
        self.assertEqual((rec.sent, Delivery.objects.get().status), ([], "stale"))

    def test_it_marks_a_permanent_failure(self) -> None:
        settings_for(self.alice)
        scheduler.queue_due(NOW)
        rec = Recorder(fail=scheduler.PermanentFailure("no e-mail address"))
        scheduler.handle_one_batch("w", {"email": rec}, NOW)
        d = Delivery.objects.get()
        self.assertEqual((d.status, d.last_error), ("failed", "no e-mail address"))

    def test_it_asks_about_pain_after_a_treatment_with_pain_before(self) -> None:
        settings_for(self.alice, checkin_at=None, pain_after_minutes=30)
        t = create_entry(
            self.alice,
            RESOURCES["treatment-logs"],
            {"treatment": "heat", "at": NOW - timedelta(minutes=40), "pain_before": 7},
        )
        create_entry(
            self.alice,
            RESOURCES["treatment-logs"],
            {"treatment": "heat", "at": NOW - timedelta(minutes=45)},  # no pain before
        )
        self.assertEqual(scheduler.queue_due(NOW), 1)
        d = Delivery.objects.get()
        self.assertEqual(
            (d.key, d.url), (f"pain_after:{t.code}", f"/reminders/pain-after/{t.code}/")
        )
