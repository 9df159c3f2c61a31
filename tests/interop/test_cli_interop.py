from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spasmtrack.cli import app
from spasmtrack.diary.entries import RESOURCES
from spasmtrack.diary.models import MuscleEvent, SymptomRating
from spasmtrack.questionnaires.models import QuestionnaireResponse

runner = CliRunner()

pytestmark = pytest.mark.django_db(transaction=True)


def _demo() -> int:
    r = runner.invoke(app, ["demo", "--days", "5", "--seed", "2"])
    assert r.exit_code == 0, r.output
    return MuscleEvent.objects.count()


def _content(path: Path) -> dict:
    doc = json.loads(path.read_text())
    for key in ("id", "timestamp", "meta"):
        doc.pop(key)
    return doc


def test_it_exports_fhir_and_imports_it_back_into_an_empty_diary(tmp_path: Path) -> None:
    n = _demo()
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert runner.invoke(app, ["export", "--format", "fhir", "-o", str(first)]).exit_code == 0
    # Same entries still in the diary: refused with the entry index, nothing written.
    r = runner.invoke(app, ["import", str(first), "--format", "fhir"])
    assert r.exit_code == 1 and "entry 1: " in r.output and "nothing was imported" in r.output
    assert MuscleEvent.objects.count() == n
    for res in RESOURCES.values():
        res.model.objects.all().delete()
    QuestionnaireResponse.objects.all().delete()  # the demo answers questionnaires too
    r = runner.invoke(app, ["import", str(first), "--format", "fhir"])
    assert r.exit_code == 0, r.output
    assert MuscleEvent.objects.count() == n
    assert runner.invoke(app, ["export", "--format", "fhir", "-o", str(second)]).exit_code == 0
    assert _content(second) == _content(first)


def test_it_imports_flaredown_and_names_the_line_of_a_bad_row(tmp_path: Path) -> None:
    runner.invoke(app, ["user", "add", "alice", "--password-stdin"], input="a-long-pass-1\n")
    csv = tmp_path / "fd.csv"
    header = "user_id,checkin_date,trackable_type,trackable_name,trackable_value\n"
    csv.write_text(header + "u1,2020-01-02,Symptom,cramps,3\nu1,2020-01-02,Food,rice,\n")
    r = runner.invoke(app, ["import", str(csv), "--format", "flaredown"])
    assert r.exit_code == 0, r.output
    assert "1 food rows not imported yet" in r.output
    assert SymptomRating.objects.get().name == "cramps"
    csv.write_text(header + "u1,2020-01-03,Symptom,cramps,3\nu2,2020-01-03,Symptom,cramps,9\n")
    r = runner.invoke(app, ["import", str(csv), "--format", "flaredown", "--source-user", "u2"])
    assert r.exit_code == 1 and f"{csv} line 3: rating must be" in r.output
    assert SymptomRating.objects.count() == 1


def test_it_backs_up_and_restores_with_a_passphrase(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    n = _demo()
    out = tmp_path / "diary.backup"
    r = runner.invoke(app, ["backup", "-o", str(out)], input="pass phrase\npass phrase\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["restore", str(out)], input="wrong\n")
    assert r.exit_code == 1 and "wrong passphrase" in r.output
    monkeypatch.setenv("SPASMTRACK_PASSPHRASE", "pass phrase")
    r = runner.invoke(app, ["restore", str(out)])
    assert r.exit_code == 1 and "not empty" in r.output
    r = runner.invoke(app, ["restore", str(out), "--replace"], input="someone\n")
    assert r.exit_code == 1 and "nothing was changed" in r.output
    r = runner.invoke(app, ["restore", str(out), "--replace"], input="demo\n")
    assert r.exit_code == 0, r.output
    assert MuscleEvent.objects.count() == n
