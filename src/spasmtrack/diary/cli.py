"""`spasmtrack log` (the quick log, in your own words) and `spasmtrack demo`."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from spasmtrack.accounts.people import person_for
from spasmtrack.cli_kit import UserOpt, ensure_migrated, fail, setup_django

LOG_LINE = 'Log in your own words, e.g. "left calf cramp 7/10 for 20 min after yoga".'


def register(app: typer.Typer) -> None:
    """Add this app's commands to the `spasmtrack` command."""
    # Click's line for the listing would end at "e.g.".
    app.command("log", short_help=LOG_LINE)(log_cmd)
    app.command()(demo)


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
