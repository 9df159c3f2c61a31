"""`spasmtrack export` and `import` (JSON, CSV, FHIR, Flaredown), and `backup` and `restore`
(one encrypted file holding the whole diary)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from spasmtrack.accounts.people import person_for
from spasmtrack.cli_kit import UserOpt, ensure_migrated, fail, setup_django
from spasmtrack.interop import formats

PASSPHRASE_ENV = "SPASMTRACK_PASSPHRASE"


# Format-specific options of `import`, by the ImportFormat option name.
IMPORT_OPTION_FLAGS = {
    "source_user": "--source-user",
    "notes": "--notes",
    "kind": "--kind",
    "dry_run": "--dry-run",
}


def export_cmd(
    fmt: Annotated[
        str, typer.Option("--format", help=formats.choices(formats.EXPORT_FORMATS))
    ] = "json",
    output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
    user: UserOpt = None,
) -> None:
    """Export everything the person has (JSON document, a zip of CSVs, or a FHIR R4 Bundle)."""
    setup_django()
    ensure_migrated()
    person = person_for(user)
    f = formats.EXPORT_FORMATS.get(fmt)
    if f is None:
        fail(f"unknown format {fmt!r} (choose {formats.choices(formats.EXPORT_FORMATS)})", 2)
    if f.needs_file and output is None:
        fail(f"--format {fmt} writes a {f.needs_file}: give -o FILE{f.suffix}")
    data = f.write(person)
    from spasmtrack.accounts import audit

    audit.record(person, person, audit.EXPORT, detail=f"command line export {fmt}")
    if output is None:
        sys.stdout.buffer.write(data + b"\n")
    else:
        output.write_bytes(data)
        typer.echo(f"Wrote {output}")


def import_cmd(
    file: Path,
    fmt: Annotated[
        str, typer.Option("--format", help=formats.choices(formats.IMPORT_FORMATS))
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
    from spasmtrack.exchange.limits import ImportRefused

    person = person_for(user)
    if not file.is_file():
        fail(f"{file}: no such file")
    options = {"source_user": source_user, "notes": notes, "kind": kind or [], "dry_run": dry_run}
    for other in formats.IMPORT_FORMATS.values():  # an option of another format is a mistake
        given = [o for o in other.options if options[o] not in (None, [], False)]
        if given and fmt != other.name:
            flags = formats.choices([IMPORT_OPTION_FLAGS[o] for o in other.options])
            verb = "applies" if len(other.options) == 1 else "apply"
            fail(f"{flags} only {verb} to --format {other.name}", 2)
    f = formats.IMPORT_FORMATS.get(fmt)
    if f is None:
        fail(f"unknown format {fmt!r} (choose {formats.choices(formats.IMPORT_FORMATS)})", 2)
    try:
        result = f.read(person, file, options, typer.echo)
    except ImportRefused as e:
        fail(f"{e} — nothing was imported")
    if result is None:  # the reader has said everything (e.g. a dry run)
        return
    if result.records == 0:
        fail(f"{file}: no records to import — nothing was imported")
    if not result.told:
        typer.echo(f"Imported {result.records} records from {file}.")


def _passphrase(confirm: bool) -> str:
    """From SPASMTRACK_PASSPHRASE, else a hidden prompt (typed twice for a new backup)."""
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env:
        return from_env
    return str(typer.prompt("Passphrase", hide_input=True, confirmation_prompt=confirm))


def backup(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write")],
    user: UserOpt = None,
) -> None:
    """Write an encrypted backup of everything (scrypt + AES-256-GCM, passphrase-protected)."""
    setup_django()
    ensure_migrated()
    from spasmtrack.interop.backup import BackupError, backup_bytes

    person = person_for(user)
    passphrase = _passphrase(confirm=True)
    try:
        data = backup_bytes(person, passphrase)
    except BackupError as e:
        fail(str(e))
    output.write_bytes(data)
    from spasmtrack.accounts import audit

    audit.record(person, person, audit.BACKUP, detail="command line backup")
    typer.echo(f"Wrote encrypted backup {output}. Without the passphrase it cannot be read.")


def restore(
    file: Path,
    replace: Annotated[
        bool, typer.Option("--replace", help="Delete the current diary first (asks to confirm)")
    ] = False,
    user: UserOpt = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Fresh install: the new account's password"),
    ] = False,
) -> None:
    """Restore an encrypted backup into an empty diary (or replace the diary: --replace).

    On a fresh install (no account yet) it creates the account of the backup (its name, or
    --user NAME; its time zone) with a new password, asked for or read with --password-stdin.
    """
    setup_django()
    ensure_migrated()
    from django.contrib.auth.models import User

    from spasmtrack.interop.backup import BackupError, diary_is_empty, read_backup, restore
    from spasmtrack.interop.native import ImportRefused

    fresh = not User.objects.exists()
    person = None if fresh else person_for(user)
    if not file.is_file():
        fail(f"{file}: no such file")
    try:
        doc = read_backup(file.read_bytes(), _passphrase(confirm=False))
    except BackupError as e:
        fail(f"{file}: {e} — nothing was changed")
    if person is None:
        _restore_fresh(file, doc, user, password_stdin)
        return
    if not diary_is_empty(person):
        if not replace:
            fail("this diary is not empty: restore into a new account, or use --replace")
        name = person.user.username
        typed = typer.prompt(f"This deletes every entry of {name!r}. Type the account name")
        if typed.strip() != name:
            fail("the name did not match — nothing was changed")
    try:
        counts = restore(person, doc, replace=replace, where=str(file))
    except (BackupError, ImportRefused) as e:
        fail(f"{e} — nothing was changed")
    from spasmtrack.accounts import audit

    audit.record(person, person, audit.RESTORE, detail="command line restore")
    typer.echo(f"Restored {sum(counts.values())} records from {file}.")


def _restore_fresh(file: Path, doc: dict[str, Any], user: str | None, password_stdin: bool) -> None:
    """No account yet: create the backup's account and restore into it (all or nothing)."""
    from spasmtrack.interop.backup import BackupError, restore_as_new_account
    from spasmtrack.interop.native import ImportRefused

    name = user or doc.get("username")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        label = f"New password for {name!r}" if isinstance(name, str) else "New password"
        password = str(typer.prompt(label, hide_input=True, confirmation_prompt=True))
    try:
        person, counts = restore_as_new_account(doc, password, user, where=str(file))
    except (BackupError, ImportRefused) as e:
        fail(f"{e} — nothing was changed")
    from spasmtrack.accounts import audit

    audit.record(person, person, audit.RESTORE, detail="command line restore, new account")
    typer.echo(
        f"Created account {person.user.username!r} ({person.tz}) and restored "
        f"{sum(counts.values())} records from {file}."
    )


def register_transfer(app: typer.Typer) -> None:
    """Add `export` and `import` (the top-level cli.py places them before `log`)."""
    app.command("export")(export_cmd)
    app.command("import")(import_cmd)


def register(app: typer.Typer) -> None:
    """Add this app's commands to the `spasmtrack` command."""
    app.command("backup")(backup)
    app.command("restore")(restore)
