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
from typing import Annotated

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
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 2,
    https: Annotated[
        bool,
        typer.Option(
            "--https", help="TLS with a local CA made in the data dir (phones on the home network)"
        ),
    ] = False,
    reminders: Annotated[
        bool, typer.Option(help="Send due reminders from a thread in each worker.")
    ] = True,
) -> None:
    """Apply migrations and serve the app (gunicorn)."""
    setup_django()
    ensure_migrated()
    from django.conf import settings

    tls: tuple[str, str] | None = None
    scheme = "http"
    if https:
        from spasmtrack.reminders import tls as local_tls

        names = local_tls.local_addresses()
        if host not in ("0.0.0.0", "::", *names):
            names.append(host)
        cert, key = local_tls.ensure_server_cert(names)
        tls, scheme = (str(cert), str(key)), "https"
        ca = local_tls.existing_ca()
        assert ca is not None
        # A phone uses the LAN address: let Django answer it unless hosts were configured.
        os.environ.setdefault("ALLOWED_HOSTS", ",".join(names))
        typer.echo(f"HTTPS with the local CA (SHA-256 {local_tls.fingerprint(ca)}).")
        typer.echo(f"On a phone: open {scheme}://{names[-1]}:{port}/https/ to trust it once.")
    os.environ["SPASMTRACK_SERVE_REMINDERS"] = "1" if reminders else "0"
    database = settings.DATABASES["default"]["NAME"]
    typer.echo(f"Spasmtrack on {scheme}://{host}:{port}/  (database: {database})")
    os.execv(sys.executable, gunicorn_args(host, port, workers, tls=tls))


def gunicorn_args(
    host: str,
    port: int,
    workers: int,
    app: str = "spasmtrack.wsgi:application",
    tls: tuple[str, str] | None = None,
) -> list[str]:
    """The gunicorn command line of `serve`: access log to stdout, errors (gunicorn's own and
    every unhandled exception the app logs) to stderr; the reminder thread's hooks; with
    `tls` (certificate chain, key), HTTPS."""
    args = [
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
        "--config",
        "python:spasmtrack.reminders.gunicorn_hooks",
    ]
    if tls is not None:
        args += ["--certfile", tls[0], "--keyfile", tls[1]]
    return args


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
