"""`spasmtrack period log|undo|status`: period days and the cycle figures from the terminal."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from spasmtrack.cli_kit import Group, UserOpt

period_app = typer.Typer(
    cls=Group,
    help="Menstrual cycle (optional, turn it on in Settings): log period days.",
    no_args_is_help=True,
)

DateOpt = Annotated[
    str | None, typer.Option("--date", help="The day, YYYY-MM-DD (default: today).")
]


def _start(user: str | None) -> Any:
    from spasmtrack.accounts.people import person_for
    from spasmtrack.cli_kit import ensure_migrated, setup_django

    setup_django()
    ensure_migrated()
    return person_for(user)


def _day(person: Any, text: str | None) -> date:
    from spasmtrack.cli_kit import fail

    if text is None:
        day: date = person.today()
        return day
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--date {text!r}: a date YYYY-MM-DD is needed", 2)


def _needs_on(person: Any) -> None:
    from spasmtrack.cli_kit import fail
    from spasmtrack.cycle.services import is_enabled

    if not is_enabled(person):
        fail("cycle tracking is off: turn it on in Settings (or `spasmtrack period on`) first")


@period_app.command("log")
def log(date_: DateOpt = None, user: UserOpt = None) -> None:
    """Mark a day (today by default) as a period day."""
    from spasmtrack.cli_kit import fail
    from spasmtrack.cycle.services import PeriodError, log_period_day

    person = _start(user)
    _needs_on(person)
    day = _day(person, date_)
    try:
        _, created = log_period_day(person, day)
    except PeriodError as e:
        fail(f"--date {day.isoformat()}: {e.message}", 2)
    typer.echo(
        f"{day.isoformat()} {'logged' if created else 'was already logged'} as a period day."
    )
    _echo_status(person)


@period_app.command("undo")
def undo(date_: DateOpt = None, user: UserOpt = None) -> None:
    """Take back a period day (today by default)."""
    from spasmtrack.cli_kit import fail
    from spasmtrack.cycle.services import unlog_period_day

    person = _start(user)
    day = _day(person, date_)
    if not unlog_period_day(person, day):
        fail(f"{day.isoformat()} is not a period day: nothing changed")
    typer.echo(f"{day.isoformat()} is no longer a period day.")


@period_app.command("status")
def status(user: UserOpt = None) -> None:
    """Today's cycle day and phase, your average cycle and the expected next period."""
    person = _start(user)
    _needs_on(person)
    _echo_status(person)


@period_app.command("on")
def turn_on(user: UserOpt = None) -> None:
    """Turn cycle tracking on (Today shows it, Insights uses it)."""
    from spasmtrack.cycle.services import set_enabled

    set_enabled(_start(user), True)
    typer.echo("Cycle tracking is on.")


@period_app.command("off")
def turn_off(user: UserOpt = None) -> None:
    """Turn cycle tracking off (hidden everywhere; logged days are kept)."""
    from spasmtrack.cycle.services import set_enabled

    set_enabled(_start(user), False)
    typer.echo("Cycle tracking is off; the days you logged are kept.")


def _echo_status(person: Any) -> None:
    from spasmtrack.cycle.services import summary_for

    s = summary_for(person)
    if s.last_start is None:
        typer.echo("No period days logged yet.")
        return
    if s.cycle_day is not None:
        phase = f", {s.phase} phase" if s.phase else ""
        typer.echo(f"Cycle day {s.cycle_day}{phase} (period started {s.last_start.isoformat()}).")
    if s.average_length is not None:
        typer.echo(
            f"Average cycle {s.average_length:.1f} days over {s.cycles_counted} "
            f"cycle{'s' if s.cycles_counted != 1 else ''} ({s.shortest}-{s.longest} days)."
        )
    if s.expected is not None and s.earliest is not None and s.latest is not None:
        late = " It is later than your past cycles suggest." if s.late else ""
        typer.echo(
            f"Next period expected {s.expected.isoformat()} "
            f"(between {s.earliest.isoformat()} and {s.latest.isoformat()}).{late}"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(period_app, name="period")
