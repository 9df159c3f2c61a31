from __future__ import annotations

import tempfile

from django.db import connection
from django.test import TransactionTestCase

from tests.fresh_process import run_module
from tests.interop import under_writes


class BackupUnderWritesTestCase(TransactionTestCase):
    """Backups taken in a loop while another thread creates a custom treatment and then logs
    it: every one restores, and restoring it gives back the very same export."""

    def _check(self, o: dict[str, object]) -> None:
        assert o["problems"] == []
        assert o["writes"] > 0  # the writer really ran beside the backups
        assert o["restored"] == o["identical"] == o["backups"] == 8

    def test_it_takes_backups_that_restore_while_another_thread_writes(self) -> None:
        if connection.vendor != "sqlite":
            self._check(under_writes.run("writer", 8).__dict__)
            return
        # The test database of SQLite lives in memory; the real thing is a WAL file, in its
        # own process with its own data directory.
        with tempfile.TemporaryDirectory() as data_dir:
            self._check(run_module("tests.interop.under_writes", "8", data_dir=data_dir))
