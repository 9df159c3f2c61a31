"""Two workers at once on PostgreSQL: every reminder is queued once and sent exactly once.

Each worker is a thread with its own database connection, as two `spasmtrack reminders --loop`
processes would be. PostgreSQL only (`scripts/test.sh` runs it there; with CI=true that run is
mandatory): SQLite's test database is in memory and not shared between connections.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections
from django.test import TransactionTestCase

from spasmtrack.reminders import scheduler
from spasmtrack.reminders.models import Delivery
from tests.reminders.helpers import NOW, people, settings_for

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"
)

N = 120


class ConcurrentWorkersTestCase(TransactionTestCase):
    def test_it_queues_and_sends_each_reminder_exactly_once_over_two_workers(self) -> None:
        for p in people(N):
            settings_for(p, by_push=True)  # e-mail and push: 2 deliveries each
        sent: list[tuple[str, int, str, str]] = []
        lock = threading.Lock()
        start = threading.Barrier(2)
        errors: list[BaseException] = []

        def sender(worker: str) -> scheduler.Sender:
            def send(d: Delivery) -> None:
                time.sleep(0.001)  # a real channel takes a while: let the workers interleave
                with lock:
                    sent.append((worker, d.person_id, d.key, d.channel))

            return send

        def work(worker: str) -> None:
            try:
                start.wait()
                scheduler.queue_due(NOW)  # both schedule at once
                senders = {"email": sender(worker), "push": sender(worker)}
                while scheduler.handle_one_batch(worker, senders, NOW):
                    pass
            except BaseException as e:  # reported below, not lost in the thread
                errors.append(e)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=work, args=(w,)) for w in ("w1", "w2")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])
        self.assertEqual(Delivery.objects.count(), 2 * N)
        counts = Counter((pid, key, ch) for _, pid, key, ch in sent)
        self.assertEqual(len(counts), 2 * N)
        self.assertEqual(set(counts.values()), {1})
        by_worker = Counter(w for w, *_ in sent)
        self.assertEqual(set(by_worker), {"w1", "w2"}, by_worker)
        self.assertEqual(Delivery.objects.filter(status="sent").count(), 2 * N)
