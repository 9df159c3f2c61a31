"""Migration 0004: people who existed before "my day starts at" keep calendar days (00:00);
people created afterwards start their day at 04:00. Run in a fresh process on its own
SQLite file, so migrating back and forth leaves the test database alone."""

from __future__ import annotations

from pathlib import Path

from tests.fresh_process import run_module


def test_it_keeps_existing_people_on_calendar_days(tmp_path: Path) -> None:
    out = run_module("tests.day_start_migration_probe", data_dir=str(tmp_path))
    assert out == {"early": "00:00:00", "later": "04:00:00"}
