from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from spasmtrack.cli import app
from tests.reports.pdftools import pdf_pages

runner = CliRunner()

pytestmark = pytest.mark.django_db(transaction=True)


def _add(name: str = "alice") -> None:
    r = runner.invoke(app, ["user", "add", name, "--password-stdin"], input="a-long-pass-1\n")
    assert r.exit_code == 0, r.output


def test_it_writes_the_report_for_a_period(tmp_path: Path) -> None:
    _add()
    out = tmp_path / "visit.pdf"
    r = runner.invoke(app, ["report", "--from", "2026-01-01", "--to", "2026-03-31", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert f"Wrote {out}" in r.stdout
    one = " ".join(pdf_pages(out.read_bytes())[0].split())
    assert "Period: 1 Jan 2026 – 31 Mar 2026 (90 days)" in one and "Person: alice" in one


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--from", "2026-04-01", "--to", "2026-03-01"], 2, "the period starts (2026-04-01)"),
        (["--from", "2024-01-01", "--to", "2026-03-01"], 2, "longer than 366 days"),
        (["--from", "1 March"], 2, "Invalid value for '--from'"),
        (["--user", "nobody"], 1, "no account named 'nobody'"),
    ],
)
def test_it_exits_non_zero_with_one_clear_line(
    tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    _add()
    out = tmp_path / "r.pdf"
    r = runner.invoke(app, ["report", *args, "-o", str(out)])
    assert r.exit_code == code
    assert message in r.stderr and "Traceback" not in r.output
    assert not out.exists()


def test_it_wants_a_pdf_file_name_in_an_existing_directory(tmp_path: Path) -> None:
    r = runner.invoke(app, ["report", "-o", str(tmp_path / "r.txt")])
    assert r.exit_code == 2 and "name the file *.pdf" in r.stderr
    r = runner.invoke(app, ["report", "-o", str(tmp_path / "missing" / "r.pdf")])
    assert r.exit_code == 1 and "no such directory" in r.stderr
    r = runner.invoke(app, ["report"])
    assert r.exit_code == 2 and "-o" in r.stderr


def test_it_needs_user_when_there_are_several_accounts(tmp_path: Path) -> None:
    _add("alice")
    _add("bob")
    r = runner.invoke(app, ["report", "-o", str(tmp_path / "r.pdf")])
    assert r.exit_code == 1 and "--user" in r.stderr
