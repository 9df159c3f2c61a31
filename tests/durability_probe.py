"""What the app's own SQLite connections do, in a fresh process on a real file (WAL).

`python -m tests.durability_probe pragmas` : PRAGMAs of connections opened as a gunicorn
    worker opens them (import spasmtrack.wsgi, then Django's connection setup), in three threads.
`python -m tests.durability_probe writes N` : N acknowledged writes (for strace to count fsyncs).
`python -m tests.durability_probe snapshot DIR` : copy the database and its WAL file while a
    thread keeps writing, and check every write acknowledged before the copy is in the copy.
Prints one JSON line.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any


def _setup() -> Any:
    import importlib

    importlib.import_module("spasmtrack.wsgi")  # what a gunicorn worker imports first
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from spasmtrack.accounts.models import Person

    call_command("migrate", interactive=False, verbosity=0)
    user, _ = User.objects.get_or_create(username="probe")
    person, _ = Person.objects.get_or_create(user=user, defaults={"tz": "UTC"})
    return person


def _pragmas() -> list[Any]:
    from django.db import connection

    with connection.cursor() as c:
        out = []
        for name in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys"):
            c.execute(f"PRAGMA {name}")
            out.append(c.fetchone()[0])
    out.append(connection.transaction_mode)
    connection.close()
    return out


def pragmas() -> dict[str, Any]:
    _setup()
    from django.db import connection

    connection.close()
    seen = [_pragmas()]
    threads = [threading.Thread(target=lambda: seen.append(_pragmas())) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"connections": seen}


def _writer(person: Any, acked: list[str], stop: threading.Event, n: int | None) -> None:
    from django.db import connection

    from spasmtrack.diary.entries import RESOURCES, create_entry

    start = datetime(2024, 1, 1, tzinfo=UTC)
    i = 0
    try:
        while (n is None and not stop.is_set()) or (n is not None and i < n):
            at = (start + timedelta(minutes=i)).isoformat()
            e = create_entry(person, RESOURCES["muscle-events"],
                             {"kind": "spasm", "intensity": 4, "regions": ["calf_left"],
                              "started_at": at})  # fmt: skip
            acked.append(str(e.code))  # create_entry returned: the write is acknowledged
            i += 1
    finally:
        connection.close()


def writes(n: int) -> dict[str, Any]:
    person = _setup()
    from django.conf import settings

    acked: list[str] = []
    _writer(person, acked, threading.Event(), n)
    return {"acked": len(acked), "db": str(settings.DATABASES["default"]["NAME"])}


def snapshot(where: str) -> dict[str, Any]:
    person = _setup()
    from django.conf import settings

    db = Path(settings.DATABASES["default"]["NAME"])
    acked: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=_writer, args=(person, acked, stop, None))
    thread.start()
    rounds = []
    try:
        for k in range(8):
            time.sleep(0.1)
            # A read transaction pins the WAL: a checkpoint may copy frames into the main file
            # meanwhile, but cannot restart the WAL, so the two copies always fit together.
            pin = sqlite3.connect(db, isolation_level=None)
            pin.execute("BEGIN")
            pin.execute("SELECT count(*) FROM diary_muscleevent").fetchone()
            before = set(acked)
            copy = Path(where) / f"copy{k}.sqlite3"
            shutil.copyfile(db, copy)  # both copied while the writer goes on writing
            shutil.copyfile(f"{db}-wal", f"{copy}-wal")
            pin.execute("COMMIT")
            pin.close()
            got = sqlite3.connect(copy)  # opening it recovers from the copied WAL
            have = {
                r[0].replace("-", "") for r in got.execute("SELECT code FROM diary_muscleevent")
            }
            ok = got.execute("PRAGMA integrity_check").fetchone()[0]
            got.close()
            lost = [c for c in before if c.replace("-", "") not in have]
            rounds.append({"acked": len(before), "recovered": len(have), "lost": len(lost),
                           "integrity": ok})  # fmt: skip
    finally:
        stop.set()
        thread.join()
    return {"rounds": rounds, "writes": len(acked)}


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "pragmas":
        result = pragmas()
    elif mode == "writes":
        result = writes(int(sys.argv[2]))
    else:
        result = snapshot(sys.argv[2])
    print(json.dumps(result))
