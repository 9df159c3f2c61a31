from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spasmtrack.cli import app
from spasmtrack.diary.models import MuscleEvent

runner = CliRunner()

pytestmark = pytest.mark.django_db(transaction=True)


def _add(name: str = "alice") -> None:
    r = runner.invoke(app, ["user", "add", name, "--password-stdin"], input="a-long-pass-1\n")
    assert r.exit_code == 0, r.output


def test_it_adds_a_user_and_refuses_a_duplicate() -> None:
    _add()
    r = runner.invoke(app, ["user", "add", "alice", "--password-stdin"], input="x\n")
    assert r.exit_code == 1
    assert "already exists" in r.output


def test_it_refuses_a_weak_password_in_one_line() -> None:
    r = runner.invoke(app, ["user", "add", "bob", "--password-stdin"], input="123\n")
    assert r.exit_code == 1
    assert "Traceback" not in r.output and "too short" in r.output


def test_it_creates_a_token_that_the_api_accepts(client: object) -> None:
    _add()
    r = runner.invoke(app, ["token", "create", "alice"])
    token = r.output.strip()
    assert token.startswith("st_")
    resp = client.get("/api/muscle-events", HTTP_AUTHORIZATION=f"Bearer {token}")  # type: ignore[attr-defined]
    assert resp.status_code == 200


def test_it_needs_user_when_there_are_several_accounts(tmp_path: Path) -> None:
    _add("alice")
    _add("bob")
    r = runner.invoke(app, ["export"])
    assert r.exit_code == 1 and "--user" in r.output
    r = runner.invoke(app, ["export", "--user", "nobody"])
    assert r.exit_code == 1 and "no account named 'nobody'" in r.output


def test_it_exports_and_imports_json_and_csv(tmp_path: Path) -> None:
    r = runner.invoke(app, ["demo", "--days", "20", "--seed", "3"])
    assert r.exit_code == 0, r.output
    n = MuscleEvent.objects.count()
    assert n > 0
    out = tmp_path / "all.json"
    assert runner.invoke(app, ["export", "--user", "demo", "-o", str(out)]).exit_code == 0
    zipped = tmp_path / "all.zip"
    r = runner.invoke(app, ["export", "--user", "demo", "--format", "csv", "-o", str(zipped)])
    assert r.exit_code == 0
    _add("fresh")
    # Same ids already exist in this database: refused, nothing written.
    r = runner.invoke(app, ["import", str(out), "--user", "fresh"])
    assert r.exit_code == 1 and "already exists" in r.output and "nothing was imported" in r.output
    assert MuscleEvent.objects.count() == n


def test_it_names_the_file_row_and_reason_for_a_bad_row(tmp_path: Path) -> None:
    _add()
    doc = {
        "format": "spasmtrack-export",
        "version": 1,
        "tz": "UTC",
        "muscle-events": [
            {"kind": "spasm", "intensity": 5, "regions": ["calf_left"]},
            {"kind": "spasm", "intensity": 5, "regions": ["wing_left"]},
        ],
    }
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(doc))
    r = runner.invoke(app, ["import", str(f)])
    assert r.exit_code == 1
    assert "bad.json: muscle-events row 2: regions" in r.output and "wing_left" in r.output
    assert MuscleEvent.objects.count() == 0


def test_it_says_no_such_file_without_a_traceback(tmp_path: Path) -> None:
    _add()
    r = runner.invoke(app, ["import", str(tmp_path / "missing.json")])
    assert r.exit_code == 1 and "no such file" in r.output and "Traceback" not in r.output


def test_it_builds_a_reproducible_demo() -> None:
    from datetime import date

    from spasmtrack.core.demo import demo_days

    a = demo_days(30, 7, date(2026, 1, 1), "Europe/Berlin")
    b = demo_days(30, 7, date(2026, 1, 1), "Europe/Berlin")
    assert a == b
