from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from typer.testing import CliRunner

from spasmtrack.cli import app
from spasmtrack.trials.models import Trial
from tests.trials.helpers import NOW, TODAY, plant_checkins

runner = CliRunner()

GOOD_CSV = "date,condition,outcome\n" + "\n".join(
    f"2026-01-{day:02d},{cond},{value}"
    for day, cond, value in [
        (1, "A", 6), (2, "A", 7), (3, "A", 6), (4, "B", 4), (5, "B", 3), (6, "B", 4),
        (7, "B", 4), (8, "B", 3), (9, "B", 4), (10, "A", 6), (11, "A", 7), (12, "A", 6),
    ]
)  # fmt: skip

BAD_CSVS = [
    ("date,condition\n2026-01-01,A\n", "Row 1", "missing column(s): outcome"),
    ("date,condition,outcome\n2026-01-01,A,5\n2026-01-02,A,6\n", "", "only condition A"),
    ("date,condition,outcome\n2026-01-01,A,5\n2026-01-02,B,lots\n", "Row 3", "not a number"),
    ("date,condition,outcome\n2026-01-01,A,5\n2026-01-02,C,4\n", "Row 3", "condition 'C'"),
    ("date,condition,outcome\n2026-13-01,A,5\n", "Row 2", "not a valid date"),
    ("date,condition,outcome\n2026-01-01,A,5\n2026-01-01,B,4\n", "Row 3", "already appears"),
    ("date,condition,outcome\n", "", "no data rows"),
    ("date,condition,outcome\n2026-01-01,A,5\n2026-01-02,B,4\n", "", "at least two days"),
]


def test_it_analyses_a_csv_from_elsewhere_as_json(tmp_path: Path) -> None:
    f = tmp_path / "trial.csv"
    f.write_text(GOOD_CSV)
    r = runner.invoke(app, ["trial", "analyze", "--data", str(f), "--json"])
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout)
    assert {"effect", "ci95", "p_b_better", "p_mcid", "n_days", "model"} <= set(body)
    assert body["effect"] < -1.5 and body["p_b_better"] > 0.95 and body["n_days"] == 12
    assert r.stderr == ""


def test_it_flips_the_direction_with_higher_is_better(tmp_path: Path) -> None:
    f = tmp_path / "trial.csv"
    f.write_text(GOOD_CSV)
    r = runner.invoke(
        app, ["trial", "analyze", "--data", str(f), "--json", "--higher-is-better", "--mcid", "2"]
    )
    body = json.loads(r.stdout)
    assert body["p_b_better"] < 0.05 and body["mcid"] == 2 and body["lower_is_better"] is False


def test_it_prints_a_plain_summary_without_json(tmp_path: Path) -> None:
    f = tmp_path / "trial.csv"
    f.write_text(GOOD_CSV)
    r = runner.invoke(app, ["trial", "analyze", "--data", str(f)])
    assert r.exit_code == 0
    assert "P(B better)" in r.stdout and "not medical advice" in r.stdout


@pytest.mark.parametrize(("text", "row", "reason"), BAD_CSVS)
def test_it_exits_2_with_row_and_reason_for_a_bad_csv(
    tmp_path: Path, text: str, row: str, reason: str
) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(text)
    r = runner.invoke(app, ["trial", "analyze", "--data", str(f), "--json"])
    assert r.exit_code == 2
    assert r.stdout == ""
    assert f"bad.csv: {row}" in r.stderr and reason.lower() in r.stderr.lower()
    assert "Traceback" not in r.stderr


def test_it_exits_2_for_a_missing_file(tmp_path: Path) -> None:
    r = runner.invoke(app, ["trial", "analyze", "--data", str(tmp_path / "nope.csv")])
    assert r.exit_code == 2 and r.stdout == "" and "nope.csv: no such file" in r.stderr


def test_it_needs_either_an_id_or_data() -> None:
    r = runner.invoke(app, ["trial", "analyze"])
    assert r.exit_code == 2 and "--data" in r.stderr


def _add_user(name: str = "alice") -> None:
    r = runner.invoke(app, ["user", "add", name, "--password-stdin"], input="a-long-pass-1\n")
    assert r.exit_code == 0, r.output


@pytest.mark.django_db(transaction=True)
@time_machine.travel(NOW)
def test_it_creates_lists_and_analyses_an_experiment_by_short_id() -> None:
    _add_user()
    r = runner.invoke(app, ["trial", "create", "--b", "heat", "--blocks", "3", "--mcid", "1"])
    assert r.exit_code == 0, r.output
    trial = Trial.objects.get()
    assert str(trial.code) in r.stdout and "3 block(s)" in r.stdout
    assert "Warning: We need at least 7 days" in r.stdout
    r = runner.invoke(app, ["trial", "list"])
    assert trial.code.hex[:8] in r.stdout and "running" in r.stdout
    # Pretend six weeks have been lived: move the start back and plant scores.
    Trial.objects.filter(pk=trial.pk).update(start=TODAY - timedelta(days=41))
    trial = Trial.objects.get()
    plant_checkins(trial, effect=-2.0)
    r = runner.invoke(app, ["trial", "analyze", trial.code.hex[:6], "--json"])
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout)
    assert {"effect", "ci95", "p_b_better", "p_mcid", "n_days", "model"} <= set(body)
    assert body["effect"] < 0 and body["per_protocol"]["n_days"] == 42
    assert body["trial"] == str(trial.code)


@pytest.mark.django_db(transaction=True)
@time_machine.travel(NOW)
def test_it_refuses_a_bad_design_and_an_unknown_id() -> None:
    _add_user()
    r = runner.invoke(app, ["trial", "create", "--b", "heat", "--washout-days", "7"])
    assert r.exit_code == 2 and "--washout-days" in r.stderr and not Trial.objects.exists()
    r = runner.invoke(app, ["trial", "create", "--a", "heat", "--b", "heat"])
    assert r.exit_code == 2 and "A and B must differ" in r.stderr
    r = runner.invoke(app, ["trial", "analyze", "abcdef12"])
    assert r.exit_code == 1 and "no experiment" in r.stderr
    r = runner.invoke(app, ["trial", "list", "--user", "nobody"])
    assert r.exit_code == 1 and "no account named" in r.stderr
