from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.db import connection
from django.test import TransactionTestCase

from tests.interop import under_writes

ROOT = Path(__file__).resolve().parents[2]


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
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            env.update(
                SPASMTRACK_DATA_DIR=data_dir,
                DJANGO_SETTINGS_MODULE="spasmtrack.settings",
                SPASMTRACK_NO_LOCAL_SETTINGS="1",
                PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            )
            done = subprocess.run(
                [sys.executable, "-m", "tests.interop.under_writes", "8"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
        assert done.returncode == 0, done.stderr[-3000:]
        self._check(json.loads(done.stdout.strip().splitlines()[-1]))
