"""gunicorn configuration of `spasmtrack serve`: each worker runs the reminder loop on a
daemon thread (no extra service on a laptop). Several workers are safe: deliveries are
claimed in the database (see `scheduler`). `serve --no-reminders` leaves it out.
"""

from __future__ import annotations

import os
import threading
from typing import Any

_stop = threading.Event()


def post_worker_init(worker: Any) -> None:
    if os.environ.get("SPASMTRACK_SERVE_REMINDERS") != "1":
        return
    from spasmtrack.reminders.scheduler import run_loop

    interval = float(os.environ.get("SPASMTRACK_REMINDER_INTERVAL", "30"))
    threading.Thread(target=run_loop, args=(_stop, interval), name="reminders", daemon=True).start()


def worker_exit(server: Any, worker: Any) -> None:
    _stop.set()
