"""`spasmtrack serve` runs the reminder loop on a thread in each gunicorn worker."""

from __future__ import annotations

import threading
from unittest import mock

from django.test import SimpleTestCase

from spasmtrack.reminders import gunicorn_hooks


class ServeThreadTestCase(SimpleTestCase):
    def test_it_starts_the_loop_in_a_worker_when_serve_asks(self) -> None:
        started = threading.Event()

        def fake_loop(stop: threading.Event, interval: float) -> None:
            self.assertEqual(interval, 5.0)
            started.set()

        env = {"SPASMTRACK_SERVE_REMINDERS": "1", "SPASMTRACK_REMINDER_INTERVAL": "5"}
        with (
            mock.patch.dict("os.environ", env),
            mock.patch("spasmtrack.reminders.scheduler.run_loop", fake_loop),
        ):
            gunicorn_hooks.post_worker_init(object())
            self.assertTrue(started.wait(5))

    def test_it_leaves_the_loop_out_with_no_reminders(self) -> None:
        with (
            mock.patch.dict("os.environ", {"SPASMTRACK_SERVE_REMINDERS": "0"}),
            mock.patch("threading.Thread") as thread,
        ):
            gunicorn_hooks.post_worker_init(object())
        thread.assert_not_called()
