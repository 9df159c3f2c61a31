"""Durability settings that are actually checked, not just written down.

kill -9 cannot tell synchronous=FULL from OFF (the operating system still has the data), so
these tests look at what the app's connections really do: the PRAGMAs every new connection
ends up with, an fsync of the write-ahead log for every acknowledged write (counted with
strace), and a copy of the files taken mid-write that recovers every acknowledged write.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.fresh_process import run_module


def _probe(*args: str, data_dir: str, wrap: list[str] | None = None) -> dict:
    return run_module("tests.durability_probe", *args, data_dir=data_dir, wrap=wrap or ())


def test_it_sets_wal_full_sync_and_busy_timeout_on_every_new_connection() -> None:
    with tempfile.TemporaryDirectory() as d:
        out = _probe("pragmas", data_dir=d)
    assert out["connections"] == [["wal", 2, 5000, 1, "IMMEDIATE"]] * 3


def _strace_works() -> bool:
    if not shutil.which("strace"):
        return False
    done = subprocess.run(["strace", "-qq", "-e", "trace=none", "true"], capture_output=True)
    return done.returncode == 0


@pytest.mark.skipif(not _strace_works(), reason="needs strace (apt-get install strace)")
def test_it_fsyncs_the_write_ahead_log_for_every_acknowledged_write() -> None:
    """synchronous=FULL: each commit syncs the WAL before create_entry returns. NORMAL would
    sync only at checkpoints, OFF never; both fail here."""
    n = 40
    with tempfile.TemporaryDirectory() as d:
        trace = Path(d) / "trace.txt"
        wrap = ["strace", "-f", "-qq", "-y", "-e", "signal=none", "-e", "trace=fsync,fdatasync"]
        out = _probe("writes", str(n), data_dir=d, wrap=[*wrap, "-o", str(trace)])
        syncs = trace.read_text()
    assert out["acked"] == n
    wal_syncs = re.findall(r"f(?:data)?sync\(\d+<[^>]*spasmtrack\.sqlite3-wal>\)", syncs)
    assert len(wal_syncs) >= n, syncs[-2000:]


def test_it_recovers_every_acknowledged_write_from_files_copied_mid_write() -> None:
    with tempfile.TemporaryDirectory() as d:
        out = _probe("snapshot", d, data_dir=d)
    assert out["writes"] > 0 and len(out["rounds"]) == 8
    for r in out["rounds"]:
        assert r["lost"] == 0 and r["integrity"] == "ok", out
        assert r["recovered"] >= r["acked"]
    assert out["rounds"][-1]["acked"] > out["rounds"][0]["acked"]  # it was writing throughout
