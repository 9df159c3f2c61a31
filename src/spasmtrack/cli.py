"""The `spasmtrack` command. This module only assembles it: each app's `cli.py` brings its
commands (`register(app)`), the helpers they share live in `spasmtrack.cli_kit`.

Django and heavy libraries are imported inside the commands that need them, so `--help` and
pure commands start fast. A user mistake prints one clear line and exits non-zero, never a
traceback.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

import typer

from spasmtrack import cli_kit
from spasmtrack.accounts import cli as accounts_cli
from spasmtrack.cli_kit import ensure_migrated, setup_django
from spasmtrack.diary import cli as diary_cli
from spasmtrack.features import FEATURE_APPS
from spasmtrack.interop import cli as interop_cli

cli_kit.install_fast_coercion()

app = typer.Typer(
    help="Spasmtrack: track muscle spasms and find out what helps.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def migrate() -> None:
    """Create or update the database tables."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False)


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 2) -> None:
    """Apply migrations and serve the app (gunicorn)."""
    setup_django()
    ensure_migrated()
    from django.conf import settings

    typer.echo(
        f"Spasmtrack on http://{host}:{port}/  (database: {settings.DATABASES['default']['NAME']})"
    )
    os.execv(sys.executable, gunicorn_args(host, port, workers))


def gunicorn_args(
    host: str, port: int, workers: int, app: str = "spasmtrack.wsgi:application"
) -> list[str]:
    """The gunicorn command line of `serve`: access log to stdout, errors (gunicorn's own and
    every unhandled exception the app logs) to stderr."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
    ]


# The order of `spasmtrack --help`: export, import, log and demo after serve, then the
# feature apps' commands; the groups (user, token, then the features') come last.
interop_cli.register_transfer(app)
diary_cli.register(app)
accounts_cli.register(app)
for _feature in FEATURE_APPS:
    import_module(f"spasmtrack.{_feature}.cli").register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
