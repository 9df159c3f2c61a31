from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from spasmtrack.cli import app
from spasmtrack.diary.models import DailyCheckin, SymptomRating, TreatmentLog

runner = CliRunner()

pytestmark = pytest.mark.django_db(transaction=True)

CSV = (
    "Date,Fatigue,Mystery,Heat,Lyrica,Tags,Foods\n"
    '2024-01-01,2,,1,"75 mg, evening",yoga,\n'
    "\n"
    "2024-01-02,3,,2,,,\n"
)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    runner.invoke(app, ["user", "add", "alice", "--password-stdin"], input="a-long-pass-1\n")
    csv, notes = tmp_path / "export.csv", tmp_path / "notes.txt"
    csv.write_text(CSV, encoding="utf-8-sig")
    notes.write_text("2024-01-02,Tired, but ok\n")
    return csv, notes


def test_it_shows_the_column_kinds_and_writes_nothing_on_a_dry_run(
    files: tuple[Path, Path],
) -> None:
    csv, notes = files
    r = runner.invoke(
        app, ["import", str(csv), "--format", "flaredown-user", "--notes", str(notes), "--dry-run"]
    )
    assert r.exit_code == 0, r.output
    assert "  Fatigue: symptom or condition (0-4 rating)" in r.output
    assert "  Heat: treatment (dose text) (its name is in the treatment catalogue" in r.output
    assert "  Mystery: unknown (no values, so its kind cannot be told" in r.output
    assert "Dry run: nothing was imported." in r.output
    assert not SymptomRating.objects.exists() and not DailyCheckin.objects.exists()


def test_it_imports_with_the_kinds_the_person_sets(files: tuple[Path, Path]) -> None:
    csv, notes = files
    args = ["import", str(csv), "--format", "flaredown-user", "--notes", str(notes)]
    r = runner.invoke(app, [*args, "--kind", "Heat=rating"])
    assert r.exit_code == 0, r.output
    assert "  Heat: symptom or condition (0-4 rating) (set by you" in r.output
    assert "4 symptom ratings (0-4 scale), 1 treatment logs, 1 habit logs" in r.output
    assert set(SymptomRating.objects.values_list("name", flat=True)) == {"Fatigue", "Heat"}
    assert TreatmentLog.objects.get().notes == 'From Flaredown: "Lyrica", dose "75 mg, evening"'
    assert DailyCheckin.objects.get().notes == "Tired, but ok"
    r = runner.invoke(app, [*args, "--kind", "Heat=rating"])
    assert r.exit_code == 0 and "were already in your diary" in r.output
    assert SymptomRating.objects.count() == 4


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--kind", "Heat"], "--kind: expected COLUMN=KIND, got 'Heat'"),
        (["--kind", "Nope=rating"], "no column named 'Nope'"),
        (["--kind", "Lyrica=rating"], "row 2, column 'Lyrica': a rating must be a whole number"),
        (["--notes", "missing.txt"], "missing.txt: no such file"),
    ],
)
def test_it_refuses_bad_options_with_one_line(
    files: tuple[Path, Path], extra: list[str], message: str
) -> None:
    csv, _ = files
    r = runner.invoke(app, ["import", str(csv), "--format", "flaredown-user", *extra])
    assert r.exit_code == 1 and message in r.output and "nothing was imported" in r.output
    assert "Traceback" not in r.output
    assert not SymptomRating.objects.exists()


def test_it_keeps_the_flaredown_user_options_to_that_format(files: tuple[Path, Path]) -> None:
    csv, notes = files
    r = runner.invoke(app, ["import", str(csv), "--format", "flaredown", "--notes", str(notes)])
    assert r.exit_code == 2 and "only apply to --format flaredown-user" in r.output
