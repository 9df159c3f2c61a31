"""Backups taken while another thread writes (shared by the test and bench/backup_under_writes).

The writer does what broke backups before they read one snapshot: it creates a custom treatment
and then logs it, over and over. A backup that caught the log but not the treatment cannot be
restored ("unknown treatment").
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass, field
from typing import Any

PASS = "under writes passphrase"


@dataclass
class Outcome:
    backups: int = 0
    writes: int = 0
    restored: int = 0
    identical: int = 0
    problems: list[str] = field(default_factory=list)
    backup_seconds: list[float] = field(default_factory=list)
    quiet_backup_seconds: list[float] = field(default_factory=list)
    write_seconds: float = 0.0


def _strip(doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    doc.pop("exported_at", None)
    doc.pop("username", None)  # (the backup names the account; an export does not)
    return doc


def run(username: str, n_backups: int, seed_rows: int = 50) -> Outcome:
    """Take `n_backups` backups while a thread writes; then restore each and compare exports."""
    from django.contrib.auth.models import User
    from django.db import connection

    from spasmtrack.accounts.models import Person
    from spasmtrack.diary.entries import RESOURCES, create_entry
    from spasmtrack.diary.models import Treatment
    from spasmtrack.interop import backup as bk
    from spasmtrack.interop.native import ImportRefused, export_document

    user = User.objects.create_user(username, password="under-writes-password")
    person = Person.objects.create(user=user, tz="Europe/Berlin")
    logs = RESOURCES["treatment-logs"]

    def write_pair(i: int) -> None:
        t = Treatment.add_custom(person, name=f"Custom {i}", category="home", unit="min")
        create_entry(person, logs, {"treatment": t.key, "amount": 1})

    for i in range(seed_rows):  # enough rows that one export spans several thread switches
        write_pair(i)
    out = Outcome()
    for _ in range(3):  # the same backup with nobody writing: the ceiling to compare with
        t0 = time.perf_counter()
        bk.backup_bytes(person, PASS)
        out.quiet_backup_seconds.append(time.perf_counter() - t0)
    stop, started = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        i = seed_rows
        try:
            while not stop.is_set():
                write_pair(i)
                out.writes += 1
                i += 1
                started.set()
        except BaseException as e:  # reported by the caller, not lost in the thread
            errors.append(e)
            started.set()
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    started.wait(30)
    files = []
    t_start, w_start = time.perf_counter(), out.writes
    try:
        for _ in range(n_backups):
            t0 = time.perf_counter()
            files.append(bk.backup_bytes(person, PASS))
            out.backup_seconds.append(time.perf_counter() - t0)
    finally:
        stop.set()
        thread.join()
    out.write_seconds = time.perf_counter() - t_start
    out.writes -= w_start  # the writes made while backups were being taken
    out.backups = len(files)
    out.problems += [f"writer failed: {e!r}" for e in errors]
    for k, data in enumerate(files, start=1):
        doc = bk.read_backup(data, PASS)
        try:
            bk.restore(person, doc, replace=True, where=f"backup {k}")
        except (bk.BackupError, ImportRefused) as e:
            out.problems.append(f"backup {k} does not restore: {e}")
            continue
        out.restored += 1
        if _strip(export_document(person)) == _strip(doc):
            out.identical += 1
        else:
            out.problems.append(f"backup {k}: the export after restoring differs from it")
    return out


def main() -> None:
    """Run in a fresh process on the configured database (SQLite file in the data dir)."""
    import json
    import sys

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    o = run("writer", int(sys.argv[1]))
    print(json.dumps(o.__dict__))


if __name__ == "__main__":
    main()
