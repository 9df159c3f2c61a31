"""`spasmtrack reminders`: one tick from the command line, and the loop stopping on request."""

from __future__ import annotations

import threading

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

        scheduler.run_loop(stop, interval=3600, worker="w", senders={"email": send})
        self.assertEqual(seen, ["checkin:2026-06-01"])
        self.assertEqual(Delivery.objects.get().status, "sent")
