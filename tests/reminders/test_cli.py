"""`spasmtrack reminders`: one tick from the command line, and the loop stopping on request."""

from __future__ import annotations

import threading
from unittest import mock

import time_machine
from django.core import mail
from typer.testing import CliRunner

from spasmtrack.cli import app
from spasmtrack.reminders import scheduler
from spasmtrack.reminders.models import Delivery
from spasmtrack.test import BaseTestCase
from tests.reminders.helpers import NOW, settings_for

runner = CliRunner()


@time_machine.travel(NOW, tick=False)
class RemindersCommandTestCase(BaseTestCase):
    def test_it_sends_what_is_due_in_one_tick(self) -> None:
        settings_for(self.alice, email="alice@example.invalid")
        r = runner.invoke(app, ["reminders"])
        self.assertEqual(r.exit_code, 0, r.output)
        self.assertIn("Queued 1 reminder deliveries, handled 1.", r.output)
        self.assertEqual([m.to for m in mail.outbox], [["alice@example.invalid"]])
        r = runner.invoke(app, ["reminders"])
        self.assertIn("Queued 0 reminder deliveries, handled 0.", r.output)
        self.assertEqual(len(mail.outbox), 1)

    def test_it_refuses_a_bad_interval(self) -> None:
        r = runner.invoke(app, ["reminders", "--loop", "--interval", "0"])
        self.assertEqual(r.exit_code, 2)
        self.assertIn("--interval must be more than 0", r.output)

    def test_it_stops_the_loop_between_batches(self) -> None:
        settings_for(self.alice)
        stop = threading.Event()
        seen: list[str] = []

        def send(d: Delivery) -> None:
            seen.append(d.key)
            stop.set()  # SIGTERM arrives during the first send

        # (The loop drops stale connections between ticks; inside this test's transaction
        # that would close the test's own connection, so it is left out here.) A timer stops
        # the loop after 20 s should the send never happen, so a failure cannot hang.
        guard = threading.Timer(20, stop.set)
        guard.start()
        try:
            with mock.patch("django.db.close_old_connections"):
                scheduler.run_loop(stop, 3600, "w", {"email": send})
        finally:
            guard.cancel()
        self.assertEqual(seen, ["checkin:2026-06-01"])
        self.assertEqual(Delivery.objects.get().status, "sent")
