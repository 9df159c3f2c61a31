"""What every `spasmtrack` command shares: the one-line error, Django set-up on demand, the
account of `--user`, a faster parameter coercion for Typer, and the group that imports a
command's module only when that command runs.

The ground floor of the command line: the top-level `spasmtrack/cli.py` and each app's
`cli.py` import from here, and this module imports none of them (nor Django, nor any app
module at import time), so no command module reaches back into the one that assembles them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from gettext import gettext
from importlib import import_module
from pathlib import Path
from typing import (
    Annotated,
    Any,
    ClassVar,
    NamedTuple,
    NoReturn,
    get_args,
    get_origin,
)

import typer
from typer._click import Command, Context, HelpFormatter
from typer.core import TyperGroup

USER_HELP = "Account (default: the only one)."
UserOpt = Annotated[str | None, typer.Option("--user", help=USER_HELP)]


def user_option(help: str = USER_HELP) -> Any:
    """`--user NAME` with its own help text (the flag itself is the same on every command)."""
    return typer.Option("--user", help=help)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print `Error: message` on stderr and exit with `code`: a mistake the user can fix."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spasmtrack.settings")
    import django

    django.setup()


def ensure_migrated() -> None:
    """Apply pending migrations; when every migration file on disk is recorded as applied
    (one query and a directory listing per app), skip `migrate`, whose loading and planning
    of the migration graph cost a few hundred milliseconds on every command."""
    from django.core.management import call_command

    if not migrations_pending():
        return
    call_command("migrate", interactive=False, verbosity=0)


def migrations_pending() -> bool:
    """True unless each app's migration files are all in `django_migrations`.

    Errs towards True (then `migrate` decides): no table yet, a file it cannot match, or a
    squashed migration whose replaced ones alone are recorded all run the real command.
    """
    from django.apps import apps
    from django.db import DatabaseError, connection

    on_disk: set[tuple[str, str]] = set()
    for config in apps.get_app_configs():
        folder = Path(config.path) / "migrations"
        if folder.is_dir():
            on_disk.update((config.label, f.stem) for f in folder.glob("[0-9]*.py") if f.is_file())
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            applied = set(cursor.fetchall())
    except DatabaseError:
        return True
    return not on_disk <= applied


# Typer 0.29 coerces every parameter value, defaults included, through a pydantic
# TypeAdapter that it builds on first use: importing pydantic and building the adapters
# costs 70-120 ms of each command's start (more than the rest of `score` or `trp find`).
# For the values whose result is certain without pydantic (a str for a str, a bool for a
# bool, an int in range, or plain decimal digits, for an int, a list of str for list[str])
# the shortcut returns what the adapter would; every other value or type goes to Typer's
# own coercion, built only then. tests/test_cli_kit.py checks that both give the same.

_NO = (False, None)


def _shortcut(annotation: Any, info: Any, value: Any) -> tuple[bool, Any]:
    """(True, the coerced value) when it is certain without pydantic, else (False, None)."""
    if info.parser is not None:
        return _NO
    kind = type(value)
    if annotation is str or annotation is bool:
        return (True, value) if kind is annotation else _NO
    if annotation is int:
        if kind is str and value.isascii() and value.isdigit() and len(value) <= 18:
            if value[0] == "0" and len(value) > 1:
                return _NO
            value, kind = int(value), int
        if kind is not int or info.clamp:
            return _NO
        if (info.min is not None and value < info.min) or (
            info.max is not None and value > info.max
        ):
            return _NO
        return True, value
    if get_origin(annotation) is list and get_args(annotation) == (str,):
        if isinstance(value, list | tuple) and all(type(v) is str for v in value):
            return True, list(value)
    return _NO


def install_fast_coercion() -> bool:
    """Put the shortcut in front of Typer's parameter coercion; False (and nothing changed)
    when this Typer has not the internals it was written for."""
    try:
        from typer import _coercion, core
    except ImportError:  # pragma: no cover - another Typer
        return False
    found: Callable[[Any], Any] | None = getattr(core, "build_runtime_param", None)
    base = getattr(_coercion, "RuntimeParam", None)
    if found is None or base is None:
        return False
    if getattr(found, "_spasmtrack_fast", False):
        return True
    real = found

    @dataclass(frozen=True)
    class ShortcutParam(base):  # type: ignore[valid-type, misc]
        descriptor: Any = None

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            certain, coerced = _shortcut(self.annotation, self.parameter_info, value)
            if certain:
                return coerced
            return real(self.descriptor)._coerce_value(value, param=param, ctx=ctx)

    def build_runtime_param(descriptor: Any) -> Any:
        if descriptor.file_annotation is not None:
            return real(descriptor)
        return ShortcutParam(
            annotation=descriptor.annotation,
            parameter_info=descriptor.parameter_info,
            descriptor=descriptor,
        )

    build_runtime_param._spasmtrack_fast = True  # type: ignore[attr-defined]
    build_runtime_param._spasmtrack_real = real  # type: ignore[attr-defined]
    setattr(core, "build_runtime_param", build_runtime_param)  # noqa: B010 (not exported)
    return True


class LazyCommand(NamedTuple):
    """A command of `spasmtrack` whose module is imported only when the command runs (or its
    own help is asked for): `getattr(import_module(module), register)(app)` adds it, with any
    other commands that function adds. `help` is its line in `spasmtrack --help`, which
    tests/test_cli_lazy.py checks against the real command's (its short help or its
    docstring's first sentence), so the listing cannot drift from the commands."""

    name: str
    module: str
    register: str
    help: str


# No limit on a command's line in a listing: Click cuts it at about 60 characters with
# "...", which hides what most of these commands do; write_dl wraps it instead.
WHOLE_LINE = 10_000


class Group(TyperGroup):
    """Typer's group, listing each command's whole first sentence (wrapped, not cut short)."""

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        rows = [(name, self._line(name)) for name in self.list_commands(ctx)]
        shown = [(name, line) for name, line in rows if line is not None]
        if shown:
            with formatter.section(gettext("Commands")):
                formatter.write_dl(shown)

    def _line(self, name: str) -> str | None:
        """The command's line in the listing, None for a hidden one."""
        command = self.commands.get(name)
        if command is None or command.hidden:
            return None
        return command.get_short_help_str(WHOLE_LINE)


class LazyGroup(Group):
    """A Typer group that lists `lazy` without importing it: `spasmtrack --help` imports none
    of the feature modules, and a command imports only its own (one `register` function).

    Subclass it with `lazy` set, and pass the subclass as `typer.Typer(cls=...)`. Commands
    registered on that Typer directly are eager and listed first, as Typer would.
    """

    lazy: ClassVar[tuple[LazyCommand, ...]] = ()

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._eager = list(self.commands)

    def _entry(self, name: str) -> LazyCommand | None:
        return next((c for c in self.lazy if c.name == name), None)

    def list_commands(self, ctx: Context) -> list[str]:
        """The eager commands, then `lazy` in its order (imported or not), then any command
        a `register` added that `lazy` does not list."""
        names = [*self._eager, *(c.name for c in self.lazy)]
        return names + [n for n in self.commands if n not in names]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if cmd_name not in self.commands and (entry := self._entry(cmd_name)) is not None:
            self.load(entry)
        return self.commands.get(cmd_name)

    def load(self, entry: LazyCommand) -> None:
        """Import the entry's module and add the commands its `register` adds (Typer builds
        them as it would have on the top-level app)."""
        import typer.main

        sub = typer.Typer(rich_markup_mode=self.rich_markup_mode, pretty_exceptions_enable=False)
        getattr(import_module(entry.module), entry.register)(sub)
        built = typer.main.get_group(sub)
        for name, command in built.commands.items():
            self.commands.setdefault(name, command)

    def load_all(self) -> None:
        for entry in self.lazy:
            if entry.name not in self.commands:
                self.load(entry)

    def _line(self, name: str) -> str | None:
        """A command not imported yet has its line from `help`."""
        if name not in self.commands and (entry := self._entry(name)) is not None:
            return entry.help
        return super()._line(name)

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        """Typer's, suggesting from every command (not only the ones imported so far)."""
        from difflib import get_close_matches

        from typer._click.exceptions import UsageError

        try:
            return self._click_resolve_command(ctx, args)
        except UsageError as e:
            if self.suggest_commands and args:
                matches = get_close_matches(args[0], self.list_commands(ctx))
                if matches:
                    suggestions = ", ".join(f"{m!r}" for m in matches)
                    e.message = f"{e.message.rstrip('.')}. Did you mean {suggestions}?"
            raise
