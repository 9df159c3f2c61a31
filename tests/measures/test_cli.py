"""`spasmtrack import FILE --format apple-health|fitbit|metrics-csv|weather-csv`."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spasmtrack.cli import app
from spasmtrack.measures.models import DailyMetric
from tests.measures import synthetic as syn

runner = CliRunner()
pytestmark = pytest.mark.django_db(transaction=True)


def _add() -> None:
    r = runner.invoke(app, ["user", "add", "alice", "--password-stdin"], input="a-long-pass-1\n")
    assert r.exit_code == 0, r.output


def test_it_imports_each_format_and_prints_one_line(tmp_path: Path) -> None:
    _add()
    csv = tmp_path / "m.csv"
    csv.write_text("date,metric,value\n2024-01-02,steps,8000\n")
    r = runner.invoke(app, ["import", str(csv), "--format", "metrics-csv"])
    assert r.exit_code == 0, r.output
    assert "Imported 1 daily values from 2024-01-02 to 2024-01-02" in r.output
    buf = io.BytesIO()
    syn.write_health_xml(buf, 3, first=date(2024, 1, 1))
    xml = tmp_path / "export.zip"
    xml.write_bytes(syn.health_zip(buf.getvalue()))
    r = runner.invoke(app, ["import", str(xml), "--format", "apple-health"])
    assert r.exit_code == 0, r.output
    assert DailyMetric.objects.filter(source="apple-health").count() > 10


def test_it_refuses_a_bad_file_in_one_line_and_writes_nothing(tmp_path: Path) -> None:
    _add()
    bad = tmp_path / "w.csv"
    bad.write_text("date,pressure\n2024-01-02,1010\n2024-01-03,10\n")
    r = runner.invoke(app, ["import", str(bad), "--format", "weather-csv"])
    assert r.exit_code == 1
    assert r.output.strip().splitlines() == [
        f"Error: {bad} row 3: pressure: 10 hPa is outside 500 to 1100 — nothing was imported"
    ]
    assert not DailyMetric.objects.exists()
    r = runner.invoke(app, ["import", str(bad), "--format", "garmin"])
    assert r.exit_code == 2 and "apple-health, fitbit, metrics-csv or weather-csv" in r.output
