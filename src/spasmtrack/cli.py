"""The `spasmtrack` command. This module only assembles it: each app's `cli.py` brings its
commands (`register(app)`), the helpers they share live in `spasmtrack.cli_kit`.

An app's `cli.py` is imported only when one of its commands runs (`COMMANDS` below lists
them with their help line, checked against the real commands by tests/test_cli_lazy.py), and
Django and heavy libraries inside the commands that need them, so `--help` and pure commands
start fast. Help is Click's plain text (no Rich: importing it costs 200 ms). A user mistake
prints one clear line and exits non-zero, never a traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from spasmtrack import cli_kit
from spasmtrack.cli_kit import LazyCommand, LazyGroup, ensure_migrated, setup_django

cli_kit.install_fast_coercion()


def _lazy(module: str, register: str, *commands: tuple[str, str]) -> tuple[LazyCommand, ...]:
    return tuple(LazyCommand(name, f"spasmtrack.{module}.cli", register, h) for name, h in commands)


# Every command but migrate and serve, in the order of `spasmtrack --help` (Typer's: the
# commands in the order they are registered, then the groups): export, import, log and demo,
# then the feature apps' (spasmtrack.features) commands, then the groups, user and token
# first. A feature app whose register() adds a command needs its line here (the test says
# which line); the help is the command's docstring's first sentence.
COMMANDS: tuple[LazyCommand, ...] = (
    *_lazy(
        "interop",
        "register_transfer",
        (
            "export",
            "Export everything the person has (JSON document, a zip of CSVs, or a FHIR R4 Bundle).",
        ),
        ("import", "Import a file, all or nothing: a bad row aborts with file, row and reason."),
    ),
    *_lazy(
        "diary",
        "register",
        ("log", 'Log in your own words, e.g. "left calf cramp 7/10 for 20 min after yoga".'),
        ("demo", "Create account `demo` (password `demo-password`) with a synthetic diary."),
    ),
    *_lazy(
        "interop",
        "register",
        (
            "backup",
            "Write an encrypted backup of everything (scrypt + AES-256-GCM, passphrase-protected).",
        ),
        (
            "restore",
            "Restore an encrypted backup into an empty diary (or replace the diary: --replace).",
        ),
    ),
    *_lazy(
        "questionnaires",
        "register",
        ("score", "Score questionnaire answers given as JSON on standard input."),
    ),
    *_lazy(
        "reports",
        "register",
        ("report", "Write the clinician report (two A4 pages) for a period, as PDF."),
    ),
    *_lazy(
        "insights",
        "register",
        (
            "insights",
            "What went with better and worse days in your diary, with honest uncertainty.",
        ),
    ),
    *_lazy(
        "reminders",
        "register",
        ("reminders", "Send the reminders that are due (push, e-mail); one tick unless --loop."),
    ),
    *_lazy(
        "accounts",
        "register",
        ("user", "Local accounts."),
        ("token", "Personal access tokens for the JSON API."),
    ),
    *_lazy(
        "trigger_points",
        "register",
        ("trp", "Trigger points: the muscle knowledge base and the referred-pain finder."),
    ),
    *_lazy("trials", "register", ("trial", "Self-experiments (randomised n-of-1 trials).")),
    *_lazy("clinic", "register", ("clinic", "Clinic server: roles and the audit log.")),
    *_lazy(
        "sharing",
        "register",
        ("share", "Share links: a read-only summary and report for your clinician."),
    ),
    *_lazy(
        "measures", "register", ("weather", "Daily weather from Open-Meteo (when switched on).")
    ),
    *_lazy(
        "cycle",
        "register",
        ("period", "Menstrual cycle (optional, turn it on in Settings): log period days."),
    ),
)


class SpasmtrackGroup(LazyGroup):
    lazy = COMMANDS


app = typer.Typer(
    help="Spasmtrack: track muscle spasms and find out what helps.",
    cls=SpasmtrackGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
