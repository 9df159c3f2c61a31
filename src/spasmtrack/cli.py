"""The `spasmtrack` command. Thin: parse, call a model method or core function, print.

Django and heavy libraries are imported inside the commands that need them, so `--help` and
pure commands start fast. A user mistake prints one clear line and exits non-zero, never a
traceback.
"""

from __future__ import annotations

import json
import os
import sys
from importlib import import_module
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from spasmtrack.features import FEATURE_APPS

app = typer.Typer(
    help="Spasmtrack: track muscle spasms and find out what helps.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
user_app = typer.Typer(help="Local accounts.", no_args_is_help=True)
token_app = typer.Typer(help="Personal access tokens for the JSON API.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")

UserOpt = Annotated[str | None, typer.Option("--user", help="Account (default: the only one).")]


class CliError(Exception):
    """A problem the user can fix; printed as one line."""


def fail(message: str, code: int = 1) -> NoReturn:
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

    if not _migrations_pending():
        return
    call_command("migrate", interactive=False, verbosity=0)


def _migrations_pending() -> bool:
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


def person_for(username: str | None) -> Any:
    """The person of --user, or of the only account; a clear error otherwise."""
    from django.contrib.auth.models import User

    from spasmtrack.accounts.models import Person

    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            fail(f"no account named {username!r} (create it with: spasmtrack user add NAME)")
        return Person.objects.for_user(user)
    users = list(User.objects.order_by("id")[:2])
    if not users:
        fail("there is no account yet (create one with: spasmtrack user add NAME)")
    if len(users) > 1:
        fail("there are several accounts: say which with --user NAME")
    return Person.objects.for_user(users[0])


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


@user_app.command("add")
def user_add(
    name: str,
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
    tz: Annotated[str, typer.Option(help="IANA time zone, e.g. Europe/Berlin")] = "UTC",
) -> None:
    """Create an account (password from a prompt, or from standard input)."""
    setup_django()
    ensure_migrated()
    from django.contrib.auth.models import User
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from spasmtrack.accounts.models import Person, valid_tz

    if not valid_tz(tz):
        fail(f"unknown time zone {tz!r}")
    if User.objects.filter(username=name).exists():
        fail(f"an account named {name!r} already exists")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        validate_password(password, User(username=name))
    except ValidationError as e:
        fail("; ".join(e.messages))
    user = User.objects.create_user(name, password=password)
    Person.objects.create(user=user, tz=tz)
    typer.echo(f"Created account {name!r}.")


@token_app.command("create")
def token_create(name: str, label: str = "cli") -> None:
    """Issue an API token for account NAME; printed once, stored hashed."""
    setup_django()
    ensure_migrated()
    from spasmtrack.accounts.models import ApiToken

    _, secret = ApiToken.issue(person_for(name), label)
    typer.echo(secret)


@app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", help="json, csv or fhir")] = "json",
    output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
    user: UserOpt = None,
) -> None:
    """Export everything the person has (JSON document, a zip of CSVs, or a FHIR R4 Bundle)."""
    setup_django()
    ensure_migrated()
    from spasmtrack.interop.native import export_csv_zip, export_document

    person = person_for(user)
    if fmt == "json":
        data = json.dumps(export_document(person), indent=2).encode()
    elif fmt == "csv":
        if output is None:
            fail("--format csv writes a zip file: give -o FILE.zip")
        data = export_csv_zip(person)
    elif fmt == "fhir":
        from spasmtrack.interop.fhir import export_bundle

        data = json.dumps(export_bundle(person), indent=2, ensure_ascii=False).encode()
    else:
        fail(f"unknown format {fmt!r} (choose json, csv or fhir)", 2)
    from spasmtrack.accounts import audit

    audit.record(person, person, audit.EXPORT, detail=f"command line export {fmt}")
    if output is None:
        sys.stdout.buffer.write(data + b"\n")
    else:
        output.write_bytes(data)
        typer.echo(f"Wrote {output}")


@app.command("import")
def import_cmd(
    file: Path,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="json, csv, fhir, flaredown, flaredown-user, apple-health, fitbit, "
            "metrics-csv or weather-csv",
        ),
    ] = "json",
    source_user: Annotated[
        str | None, typer.Option("--source-user", help="flaredown: the user_id to import")
    ] = None,
    notes: Annotated[
        Path | None, typer.Option("--notes", help="flaredown-user: the notes export")
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind", help='flaredown-user: a column\'s kind, "NAME=rating|treatment|skip"'
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="flaredown-user: show the column kinds, write nothing")
    ] = False,
    user: UserOpt = None,
) -> None:
    """Import a file, all or nothing: a bad row aborts with file, row and reason."""
    setup_django()
    ensure_migrated()
    from spasmtrack.interop import limits
    from spasmtrack.interop.native import ImportRefused, import_document, read_csv_zip

    person = person_for(user)
    if not file.is_file():
        fail(f"{file}: no such file")
    if source_user is not None and fmt != "flaredown":
        fail("--source-user only applies to --format flaredown", 2)
    if (notes is not None or kind or dry_run) and fmt != "flaredown-user":
        fail("--notes, --kind and --dry-run only apply to --format flaredown-user", 2)
    try:
        if fmt == "flaredown-user":
            from spasmtrack.interop.flaredown_user import flaredown_user_cli

            flaredown_user_cli(person, file, notes, kind or [], dry_run, typer.echo)
            return
        if fmt == "flaredown":
            from spasmtrack.interop.flaredown import import_flaredown_file

            summary = import_flaredown_file(person, file, source_user)
            for line in summary.lines():
                typer.echo(line)
            if not (
                summary.ratings
                or summary.treatment_logs
                or summary.habit_logs
                or summary.weather_values
            ):
                fail(f"{file}: no records to import — nothing was imported")
            return
        from spasmtrack.measures.imports import IMPORT_FORMATS as measure_formats

        if fmt in measure_formats:
            from spasmtrack.measures.cli import run_import

            run_import(measure_formats[fmt], person, file)
            return
        if fmt not in ("json", "csv", "fhir"):
            known = ", ".join(
                ("json", "csv", "fhir", "flaredown", "flaredown-user", *measure_formats)
            )
            fail(f"unknown format {fmt!r} (choose {known})", 2)
        limits.check_size(file.stat().st_size, str(file))  # before reading it into memory
        if fmt == "csv":
            doc = read_csv_zip(file.read_bytes(), str(file))
        else:
            doc = limits.read_json(file.read_bytes(), str(file))
        if fmt == "fhir":
            from spasmtrack.interop.fhir import import_bundle

            counts = import_bundle(person, doc, where=str(file))
        else:
            counts = import_document(person, doc, where=str(file))
    except ImportRefused as e:
        fail(f"{e} — nothing was imported")
    total = sum(counts.values())
    if total == 0:
        fail(f"{file}: no records to import — nothing was imported")
    typer.echo(f"Imported {total} records from {file}.")


@app.command("log")
def log_cmd(
    text: str,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Save without asking.")] = False,
    user: UserOpt = None,
) -> None:
    """Log in your own words, e.g. "left calf cramp 7/10 for 20 min after yoga".

    Shows each entry the line would save; answer y to save, n to stop, or the numbers of the
    entries to remove (e.g. "2 3")."""
    setup_django()
    ensure_migrated()
    from spasmtrack.diary import quicklog

    person = person_for(user)
    reading = quicklog.read(person, text)
    removed: set[int] = set()
    while True:
        _show_reading(reading, removed)
        problems = quicklog.problems(reading, removed)
        asks = [p for p in problems if p in reading.questions]
        if problems and not (asks and not yes and _can_ask()):
            fail(
                "Not saved: add what is missing (marked ?) and log the line again."
                if asks
                else problems[0]
            )
        if yes:
            break
        if not _can_ask():
            typer.echo("Not saved: pass --yes to save without asking.")
            raise typer.Exit(1)
        question = (
            "Remove which? [numbers, or n to stop]"
            if asks
            else ("Save? [y = yes, n = no, or numbers to remove]")
        )
        answer = typer.prompt(question, default="n" if asks else "y").strip().lower()
        if answer in ("y", "yes") and not asks:
            break
        if answer in ("n", "no", "q"):
            typer.echo("Nothing saved.")
            raise typer.Exit(1)
        picked = {int(w) - 1 for w in answer.replace(",", " ").split() if w.isdigit()}
        if not picked or not all(0 <= i < len(reading.entries) for i in picked):
            typer.echo(f"Answer y, n or entry numbers from 1 to {len(reading.entries)}.")
            continue
        removed |= picked
    saved = quicklog.save_reading(person, reading, removed)
    typer.echo(f"Saved {len(saved)} entr{'y' if len(saved) == 1 else 'ies'}.")


def _can_ask() -> bool:
    """True when a person can answer at this terminal."""
    return sys.stdin.isatty()


def _show_reading(reading: Any, removed: set[int]) -> None:
    typer.echo("Understood:" if reading.entries else "Understood: nothing to save.")
    for i, e in enumerate(reading.entries):
        if i in removed:
            continue
        typer.echo(f"  {i + 1}. {e.label}")
        if e.question:
            typer.echo(f"     ? {e.question}")
    for n in reading.not_saved:
        typer.echo(f"Not saved: {n}")
    for typed, fixed in reading.corrections:
        typer.echo(f"Spelling: read “{typed}” as “{fixed}”.")
    if reading.notes:
        typer.echo(f"Kept as a note: {reading.notes}")
    for w in reading.warnings:
        typer.echo(f"Warning: {w}")


@app.command()
def demo(days: int = 180, seed: int = 1, tz: str = "Europe/Berlin") -> None:
    """Create account `demo` (password `demo-password`) with a synthetic diary."""
    setup_django()
    ensure_migrated()
    from spasmtrack.diary.demo import create_demo

    try:
        n = create_demo(days=days, seed=seed, tz=tz)
    except ValueError as e:
        fail(str(e))
    typer.echo(f"Created user 'demo' (password 'demo-password') with {n} entries over {days} days.")


# Each feature app adds its own commands (see `<app>/cli.py: register`).
for _feature in FEATURE_APPS:
    import_module(f"spasmtrack.{_feature}.cli").register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
