"""`spasmtrack` imports an app's cli.py only when one of its commands runs, and its listing
(`spasmtrack --help`, written in spasmtrack.cli.COMMANDS) says what the real commands say.

The reference is the eager assembly `spasmtrack.cli` did before it was lazy: every app's
`register(app)` on one Typer, in the order of the help.
"""

from __future__ import annotations

from importlib import import_module

import pytest
import typer
import typer.main
from typer._click import Context
from typer.core import TyperGroup
from typer.testing import CliRunner

from spasmtrack import cli
from spasmtrack.cli_kit import WHOLE_LINE, LazyGroup
from spasmtrack.features import FEATURE_APPS

runner = CliRunner()


def _reference() -> TyperGroup:
    """Every command, imported and registered up front (export, import, log and demo after
    migrate and serve, then accounts' and each feature app's)."""
    eager = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False)
    eager.registered_commands = list(cli.app.registered_commands)
    import_module("spasmtrack.interop.cli").register_transfer(eager)
    import_module("spasmtrack.diary.cli").register(eager)
    import_module("spasmtrack.accounts.cli").register(eager)
    for feature in FEATURE_APPS:
        import_module(f"spasmtrack.{feature}.cli").register(eager)
    return typer.main.get_group(eager)


def _lazy() -> LazyGroup:
    group = typer.main.get_command(cli.app)
    assert isinstance(group, LazyGroup)
    return group


def test_it_lists_every_real_command_in_the_real_order() -> None:
    group = _lazy()
    assert group.list_commands(Context(group)) == list(_reference().commands)


def test_it_lists_each_command_with_its_real_help_line() -> None:
    real = _reference().commands
    lines = {c.name: c.help for c in cli.COMMANDS}
    want = {name: real[name].get_short_help_str(WHOLE_LINE) for name in lines}
    assert lines == want


@pytest.mark.parametrize("entry", cli.COMMANDS, ids=lambda e: e.name)
def test_it_imports_the_module_that_registers_each_command(entry: cli.LazyCommand) -> None:
    group = _lazy()
    command = group.get_command(Context(group), entry.name)
    assert command is not None
    assert command.get_short_help_str(WHOLE_LINE) == entry.help
    real = _reference().commands[entry.name]
    assert command.get_help(Context(command)) == real.get_help(Context(real))


def test_its_help_before_importing_any_command_is_the_help_after_importing_all() -> None:
    group = _lazy()
    ctx = Context(group, info_name="spasmtrack")
    before = group.get_help(ctx)
    assert set(group.commands) == {"migrate", "serve"}
    group.load_all()
    assert set(group.commands) == {c.name for c in cli.COMMANDS} | {"migrate", "serve"}
    assert group.get_help(ctx) == before
    assert 'log        Log in your own words, e.g. "left calf cramp 7/10 for 20 min' in before


def test_it_suggests_a_command_it_has_not_imported() -> None:
    r = runner.invoke(cli.app, ["lgo"])
    assert r.exit_code == 2
    assert "No such command 'lgo'. Did you mean 'log'?" in r.output


def test_it_runs_a_lazy_group_command_and_its_help() -> None:
    r = runner.invoke(cli.app, ["trp", "--help"])
    assert r.exit_code == 0, r.output
    assert "find     Rank the muscles whose trigger points could be referring pain" in r.output
    r = runner.invoke(cli.app, ["trp", "regions"])
    assert r.exit_code == 0 and "calf_left" in r.output
