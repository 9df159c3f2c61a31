"""`spasmtrack period log|undo|status|on|off`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from typer.testing import CliRunner

from spasmtrack.cli import app
from spasmtrack.cycle.models import CycleSettings, PeriodDay

runner = CliRunner()
pytestmark = pytest.mark.django_db(transaction=True)


def _add() -> None:
    r = runner.invoke(app, ["user", "add", "alice", "--password-stdin"], input="a-long-pass-1\n")
    assert r.exit_code == 0, r.output


def test_it_refuses_to_log_while_tracking_is_off() -> None:
    _add()
    r = runner.invoke(app, ["period", "log"])
    assert r.exit_code == 1 and "cycle tracking is off" in r.output
    assert not PeriodDay.objects.exists()


def test_it_logs_a_day_and_prints_the_cycle() -> None:
    _add()
    assert runner.invoke(app, ["period", "on"]).exit_code == 0
    assert CycleSettings.objects.get().enabled
    for day in ("2024-01-01", "2024-01-29", "2024-02-27"):
        r = runner.invoke(app, ["period", "log", "--date", day])
        assert r.exit_code == 0, r.output
        assert f"{day} logged as a period day." in r.output
    r = runner.invoke(app, ["period", "log", "--date", "2024-02-27"])
    assert "was already logged" in r.output and PeriodDay.objects.count() == 3
    r = runner.invoke(app, ["period", "status"])
    assert r.exit_code == 0
    assert "Average cycle 28.5 days over 2 cycles (28-29 days)." in r.output
    expected = date(2024, 2, 27) + timedelta(days=29)
    assert f"Next period expected {expected.isoformat()}" in r.output


def test_it_refuses_bad_dates_and_writes_nothing() -> None:
    _add()
    runner.invoke(app, ["period", "on"])
    r = runner.invoke(app, ["period", "log", "--date", "31/01/2024"])
    assert r.exit_code == 2 and "a date YYYY-MM-DD is needed" in r.output
    r = runner.invoke(app, ["period", "log", "--date", "2999-01-01"])
    assert r.exit_code == 2 and "2999-01-01" in r.output
    assert not PeriodDay.objects.exists()


def test_it_undoes_a_day() -> None:
    _add()
    runner.invoke(app, ["period", "on"])
    runner.invoke(app, ["period", "log", "--date", "2024-01-01"])
    r = runner.invoke(app, ["period", "undo", "--date", "2024-01-01"])
    assert r.exit_code == 0 and not PeriodDay.objects.exists()
    r = runner.invoke(app, ["period", "undo", "--date", "2024-01-01"])
    assert r.exit_code == 1 and "not a period day" in r.output
    assert runner.invoke(app, ["period", "off"]).exit_code == 0
    assert not CycleSettings.objects.get().enabled
