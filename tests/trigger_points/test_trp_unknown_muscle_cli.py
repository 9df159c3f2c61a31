"""`spasmtrack import` refuses a trigger point with an unknown muscle id, clearly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spasmtrack.cli import app
from spasmtrack.diary.models import TriggerPoint

runner = CliRunner()

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_cli_import_names_the_unknown_muscle_and_imports_nothing(tmp_path: Path) -> None:
    assert runner.invoke(app, ["demo", "--days", "3", "--seed", "2"]).exit_code == 0
    doc = tmp_path / "doc.json"
    assert runner.invoke(app, ["export", "-o", str(doc)]).exit_code == 0
    data = json.loads(doc.read_text())
    before = TriggerPoint.objects.count()
    TriggerPoint.objects.all().delete()
    for key, value in data.items():
        if isinstance(value, list):
            data[key] = []  # only the bad row: the rest of the diary is still there
    data["trigger-points"] = [{"muscle": "nonexistent", "side": "left", "tenderness": 5}]
    doc.write_text(json.dumps(data))
    r = runner.invoke(app, ["import", str(doc)])
    assert r.exit_code == 1
    assert "trigger-points row 1: muscle" in r.output
    assert "unknown muscle id 'nonexistent'" in r.output and "Traceback" not in r.output
    assert TriggerPoint.objects.count() == 0 <= before
