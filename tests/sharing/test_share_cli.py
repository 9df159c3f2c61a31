from __future__ import annotations

import pytest
from typer.testing import CliRunner

from spasmtrack.cli import app

runner = CliRunner()

pytestmark = pytest.mark.django_db(transaction=True)


def _add(name: str = "alice") -> None:
    r = runner.invoke(app, ["user", "add", name, "--password-stdin"], input="a-long-pass-1\n")
    assert r.exit_code == 0, r.output


def test_it_creates_lists_and_revokes_a_link() -> None:
    from django.test import Client

    _add()
    r = runner.invoke(app, ["share", "create", "--days", "3", "--label", "Dr R"])
    assert r.exit_code == 0, r.output
    url = next(line for line in r.stdout.splitlines() if "/s/" in line)
    assert url.startswith("http://127.0.0.1:8000/s/")
    assert "█" in r.stdout or "▀" in r.stdout  # the terminal QR code
    short = r.stdout.split("Link ")[1].split()[0]
    path = url.removeprefix("http://127.0.0.1:8000")
    assert Client().get(path).status_code == 200
    listed = runner.invoke(app, ["share", "list"])
    assert listed.stdout.startswith(f"{short}\tlive\t") and "Dr R" in listed.stdout
    r = runner.invoke(app, ["share", "revoke", short])
    assert r.exit_code == 0 and "no longer works" in r.stdout
    assert Client().get(path).status_code == 410
    r = runner.invoke(app, ["share", "revoke", short])
    assert r.exit_code == 1 and "already revoked" in r.output
    assert "\trevoked\t" in runner.invoke(app, ["share", "list"]).stdout


def test_it_reads_the_pin_from_standard_input() -> None:
    from spasmtrack.sharing.models import ShareLink

    _add()
    r = runner.invoke(app, ["share", "create", "--pin"], input="482193\n")
    assert r.exit_code == 0, r.output
    assert "PIN needed" in r.stdout
    assert ShareLink.objects.get().check_pin("482193")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["share", "create", "--days", "0"], None, "days: choose 1 to 90 days"),
        (["share", "create", "--pin"], "12\n", "pin: a PIN is 4 to 12 digits"),
        (["share", "revoke", "nonsense"], None, "no share link 'nonsense'"),
    ],
)
def test_it_exits_non_zero_with_one_clear_line(
    args: list[str], stdin: str | None, message: str
) -> None:
    from spasmtrack.sharing.models import ShareLink

    _add()
    r = runner.invoke(app, args, input=stdin)
    assert r.exit_code != 0
    assert message in r.output
    assert ShareLink.objects.count() == 0
