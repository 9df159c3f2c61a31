"""Run part of the project in a fresh Python process with its own data directory, so that it
works on a real SQLite file (WAL, fsync, locks) instead of the test run's in-memory database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def fresh_env(
    data_dir: str,
    settings: str = "spasmtrack.settings",
    database_url: str | None = None,
    drop: Sequence[str] = ("DATABASE_URL",),
) -> dict[str, str]:
    """This process's environment for a child on `data_dir` (SQLite unless `database_url`)."""
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        SPASMTRACK_DATA_DIR=data_dir,
        DJANGO_SETTINGS_MODULE=settings,
        SPASMTRACK_NO_LOCAL_SETTINGS="1",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run_module(
    module: str,
    *args: str,
    data_dir: str,
    database_url: str | None = None,
    wrap: Sequence[str] = (),
    timeout: float | None = 300,
) -> Any:
    """`python -m module args` in a fresh process; the JSON of its last line of output.
    A failing child is an AssertionError carrying the end of its stderr."""
    done = subprocess.run(
        [*wrap, sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=fresh_env(data_dir, database_url=database_url),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
