"""`spasmtrack report [--from DATE] [--to DATE] -o FILE.pdf [--user NAME]`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from spasmtrack.accounts.people import person_for
from spasmtrack.cli_kit import UserOpt, ensure_migrated, fail, setup_django


def report(
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the PDF.")],
    start: Annotated[
        datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], help="First day (default: 90 days ago)."),
    ] = None,
    end: Annotated[
        datetime | None,
        typer.Option("--to", formats=["%Y-%m-%d"], help="Last day (default: today)."),
    ] = None,
    user: UserOpt = None,
) -> None:
    """Write the clinician report (two A4 pages) for a period, as PDF."""
    if output.suffix.lower() != ".pdf":
        fail(f"{output}: the report is a PDF, name the file *.pdf", 2)
    if not output.parent.is_dir():
        fail(f"{output.parent}: no such directory")
    setup_django()
    ensure_migrated()
    from spasmtrack.reports.data import PeriodError, collect, default_period
    from spasmtrack.reports.pdf import render_pdf

    person = person_for(user)
    today = person.today()
    first, last = default_period(end.date() if end else today)
    first = start.date() if start else first
    try:
        data = collect(person, first, last, made_on=today)
    except PeriodError as e:
        fail(str(e), 2)
    output.write_bytes(render_pdf(data))
    typer.echo(f"Wrote {output} ({data.start} to {data.end}).")


def register(app: typer.Typer) -> None:
    """Add this app's commands to the `spasmtrack` command."""
    app.command("report")(report)
