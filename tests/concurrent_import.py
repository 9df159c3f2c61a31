"""A long CLI-style import holding SQLite's write lock while the API and pages take writes.

Run in its own process (`python -m tests.concurrent_import N`) on a real SQLite file in WAL
mode, as `spasmtrack serve` uses it; prints one JSON line of what each request got.
"""

from __future__ import annotations

import json
import sys
import threading
from datetime import UTC, datetime, timedelta
from typing import Any


def main(rows: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from spasmtrack.accounts.models import ApiToken, Person
    from spasmtrack.diary import exports as diary_exports
    from spasmtrack.diary.models import MuscleEvent
    from spasmtrack.interop import native

    call_command("migrate", interactive=False, verbosity=0)
    user = User.objects.create_user("importer", password="import-password-1")
    person = Person.objects.create(user=user, tz="Europe/Berlin")
    _, token = ApiToken.issue(person, "test")
    page = Client(HTTP_HOST="localhost")
    page.force_login(user)  # (the session is written before the import takes the lock)
    start = datetime(2024, 1, 1, 8, tzinfo=UTC)
    doc = native.export_document(person)
    doc["muscle-events"] = [
        {"kind": "spasm", "intensity": 5, "regions": ["calf_left"],
         "started_at": (start + timedelta(hours=i)).isoformat()}
        for i in range(rows)
    ]  # fmt: skip

    importing, release = threading.Event(), threading.Event()
    real_create = diary_exports.create_entry
    written = 0

    def create_and_hold(*args: Any, **kwargs: Any) -> Any:
        nonlocal written
        entry = real_create(*args, **kwargs)
        written += 1
        if written == rows // 2:  # half-way through, inside the import's one transaction
            importing.set()
            release.wait(60)
        return entry

    diary_exports.create_entry = create_and_hold  # type: ignore[assignment]
    result: dict[str, Any] = {}

    def run_import() -> None:
        try:
            result["imported"] = native.import_document(person, doc, where="big.json")
        except Exception as e:  # reported, not lost in the thread
            result["import_error"] = repr(e)
        finally:
            importing.set()
            connection.close()

    thread = threading.Thread(target=run_import)
    thread.start()
    importing.wait(120)
    with connection.cursor() as c:  # this thread's connection: wait 0.3 s, not 5 s
        c.execute("PRAGMA busy_timeout = 300")
    api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {"kind": "spasm", "intensity": 3, "regions": ["shin_left"]}
    out: dict[str, Any] = {}
    r = api.post("/api/muscle-events", body, content_type="application/json")
    out["api_write"] = [r.status_code, r.get("Retry-After"), r.content.decode()[:300]]
    r = api.get("/api/muscle-events?limit=5")
    out["api_read"] = r.status_code
    r = page.post("/log/spasm/", {"kind": "spasm", "regions": '{"calf_left": 7}',
                                  "bodymap_intensity": "7"})  # fmt: skip
    out["page_write"] = [r.status_code, r.get("Retry-After"), r.content.decode()[:2000]]
    release.set()
    thread.join()
    diary_exports.create_entry = real_create  # type: ignore[assignment]
    out["import"] = result
    out["rows_after_import"] = MuscleEvent.objects.count()
    r = api.post("/api/muscle-events", body, content_type="application/json")
    out["api_write_after"] = r.status_code
    return out


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
