from __future__ import annotations

import json
import tempfile

from django.db import OperationalError
from django.test import override_settings

from spasmtrack.diary.models import MuscleEvent
from spasmtrack.test import BaseTestCase
from tests.fresh_process import run_module


def _run_beside_import(rows: int) -> dict:
    """tests/concurrent_import.py in a fresh process, on a real SQLite file (WAL)."""
    with tempfile.TemporaryDirectory() as data_dir:
        return run_module("tests.concurrent_import", str(rows), data_dir=data_dir)  # type: ignore[no-any-return]


class DatabaseBusyTestCase(BaseTestCase):
    def test_it_answers_503_with_retry_after_while_an_import_holds_the_lock(self) -> None:
        out = _run_beside_import(400)
        status, retry, body = out["api_write"]
        assert (status, retry) == (503, "5"), out
        assert "busy" in json.loads(body)["detail"]
        status, retry, html = out["page_write"]
        assert (status, retry) == (503, "5") and "Busy: try again" in html, out
        assert out["api_read"] == 200  # readers are never held up (WAL)
        # The import went on and stayed whole; afterwards writes are taken again.
        assert out["import"] == {"imported": {**out["import"]["imported"], "muscle-events": 400}}
        assert out["rows_after_import"] == 400
        assert out["api_write_after"] == 201

    def test_it_turns_a_locked_database_in_any_view_into_a_503(self) -> None:
        def locked(*args: object, **kwargs: object) -> None:
            raise OperationalError("database is locked")

        from unittest import mock

        self.client.force_login(self.alice_user)
        with mock.patch("spasmtrack.diary.api.create_entry", side_effect=locked):
            r = self.client.post(
                "/api/muscle-events",
                {"kind": "spasm", "intensity": 3, "regions": ["shin_left"]},
                content_type="application/json",
                **self.bearer(self.alice_token),
            )
        assert r.status_code == 503 and r["Retry-After"] == "5"
        assert MuscleEvent.objects.count() == 0

    @override_settings(DEBUG=False)
    def test_it_leaves_other_database_errors_a_500(self) -> None:
        from unittest import mock

        def broken(*args: object, **kwargs: object) -> None:
            raise OperationalError("no such table: diary_muscleevent")

        self.client.raise_request_exception = False
        with mock.patch("spasmtrack.diary.api.create_entry", side_effect=broken):
            r = self.client.post(
                "/api/muscle-events",
                {"kind": "spasm", "intensity": 3, "regions": ["shin_left"]},
                content_type="application/json",
                **self.bearer(self.alice_token),
            )
        assert r.status_code == 500
