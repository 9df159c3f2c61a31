"""The command-line ground floor: Typer's coercion shortcut gives what Typer itself gives."""

from __future__ import annotations

from typing import Any

import pytest
import typer.main
from typer import core
from typer._click import Context

from spasmtrack import cli_kit
from spasmtrack.cli import app

# Values a command line or a default can bring: words, digits (also out of range, signed,
# with a leading zero), lists, booleans and numbers.
SAMPLES: tuple[Any, ...] = (
    "abc", "5", "0", "007", "-3", "+4", " 6", "51", "99999999999999999999", "", "x y",
    ("a", "b"), ["c"], (), True, False, 3, 0, -1, 1.5, None,
)  # fmt: skip


def _params() -> list[tuple[str, Any, Any]]:
    """(command path, Click command, parameter) for every parameter of `spasmtrack`."""
    found: list[tuple[str, Any, Any]] = []

    def walk(cmd: Any, path: str) -> None:
        for p in cmd.params:
            if isinstance(p, core._TyperParameter):
                found.append((f"{path} {p.name}", cmd, p))
        if hasattr(cmd, "list_commands"):  # a group: each command, imported if lazy
            ctx = Context(cmd)
            for name in cmd.list_commands(ctx):
                walk(cmd.get_command(ctx, name), f"{path} {name}")

    walk(typer.main.get_command(app), "spasmtrack")
    return found


def _outcome(fn: Any) -> tuple[str, Any]:
    try:
        value = fn()
    except Exception as e:  # the error a person would see
        return "error", f"{type(e).__name__}: {getattr(e, 'message', e)}"
    return "value", (type(value), value)


def test_it_is_installed() -> None:
    assert cli_kit.install_fast_coercion() is True
    assert getattr(core.build_runtime_param, "_spasmtrack_fast", False)


@pytest.mark.parametrize(("where", "command", "param"), _params(), ids=lambda v: str(v))
def test_it_coerces_like_typer(where: str, command: Any, param: Any) -> None:
    real = core.build_runtime_param._spasmtrack_real  # type: ignore[attr-defined]
    ctx = Context(command)
    fast = core.build_runtime_param(param.type_descriptor)
    exact = real(param.type_descriptor)
    shortcuts = 0
    for value in (param.default, *SAMPLES):
        certain, _ = cli_kit._shortcut(param.type_descriptor.annotation, fast.parameter_info, value)
        shortcuts += certain
        got = _outcome(lambda v=value: fast.coerce(v, param=param, ctx=ctx))
        want = _outcome(lambda v=value: exact.coerce(v, param=param, ctx=ctx))
        assert got == want, (where, value)
    annotation = param.type_descriptor.annotation
    if annotation in (str, int, bool) and param.type_descriptor.parameter_info.parser is None:
        assert shortcuts, f"{where}: the shortcut never applied"


def test_it_keeps_the_command_modules_off_the_top_level_cli() -> None:
    """Each app's cli.py imports its helpers from cli_kit, never from the module that
    assembles them (spasmtrack/cli.py imports every cli.py: that would be a cycle)."""
    import ast
    from pathlib import Path

    root = Path(cli_kit.__file__).parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if path == root / "cli.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if "spasmtrack.cli" in names:
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
