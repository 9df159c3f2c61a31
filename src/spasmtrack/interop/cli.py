"""`spasmtrack backup` and `spasmtrack restore`: one encrypted file holding the whole diary."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

PASSPHRASE_ENV = "SPASMTRACK_PASSPHRASE"
UserOpt = Annotated[str | None, typer.Option("--user", help="Account (default: the only one).")]


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
    from spasmtrack.cli import ensure_migrated, fail, person_for, setup_django

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
    from spasmtrack.cli import ensure_migrated, fail, person_for, setup_django

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
    import sys

    from spasmtrack.cli import fail
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


def register(app: typer.Typer) -> None:
    """Add this app's commands to the `spasmtrack` command."""
    app.command("backup")(backup)
    app.command("restore")(restore)
