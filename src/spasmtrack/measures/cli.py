"""CLI side of the measurements: `spasmtrack import FILE --format apple-health|fitbit|
metrics-csv|weather-csv` runs `run_import` (the formats are `measures.imports.IMPORT_FORMATS`),
and `spasmtrack weather fetch [--since DATE] [--until DATE]` fetches the daily weather from
Open-Meteo when the person switched online weather on (`measures.weather`).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from spasmtrack.cli_kit import Group, UserOpt


def run_import(importer: Any, person: Any, file: Path) -> None:
    """Run one importer with a progress bar on a terminal; print its one-line summary.

    ImportRefused propagates to the caller (`spasmtrack import` prints it and exits 1)."""
    from spasmtrack.cli_kit import fail

    size = file.stat().st_size
    if sys.stderr.isatty() and size > 4 * 1024 * 1024:
        with typer.progressbar(length=size, label="Reading", file=sys.stderr) as bar:
            done = [0]

            def progress(read: int) -> None:
                # Bytes of the (unpacked) stream: capped at the file size for a zip.
                step = min(read, size) - done[0]
                if step > 0:
                    bar.update(step)
                    done[0] += step

            summary = importer(person, file, progress)
    else:
        summary = importer(person, file, None)
    if summary.total == 0:
        fail(f"{file}: no values to import — nothing was imported")
    typer.echo(summary.line())


def _reader(name: str) -> Any:
    """The `interop.formats` reader of one of this app's import formats."""

    def read(person: Any, file: Path, options: Any, echo: Any) -> None:
        from spasmtrack.measures.imports import IMPORT_FORMATS

        run_import(IMPORT_FORMATS[name], person, file)  # it prints its own summary

    return read


read_apple_health = _reader("apple-health")
read_fitbit = _reader("fitbit")
read_metrics_csv = _reader("metrics-csv")
read_weather_csv = _reader("weather-csv")


weather_app = typer.Typer(cls=Group, help="Daily weather from Open-Meteo (when switched on).")


def register(app: typer.Typer) -> None:
    """Add this app's commands to the `spasmtrack` command."""
    app.add_typer(weather_app, name="weather")


def _day(text: str | None, flag: str) -> date | None:
    from spasmtrack.cli_kit import fail

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{flag}: a date YYYY-MM-DD, not {text[:20]!r}", 2)


@weather_app.command("fetch")
def weather_fetch(
    since: Annotated[
        str | None,
        typer.Option(
            help="First day YYYY-MM-DD (default: a week before the last fetched day, "
            "or 90 days ago)"
        ),
    ] = None,
    until: Annotated[str | None, typer.Option(help="Last day YYYY-MM-DD (default: today)")] = None,
    user: UserOpt = None,
) -> None:
    """Fetch the daily weather of your place (rounded to 0.1°) and store it; only when online
    weather is switched on (the Weather page, /measures/weather/). Fetching the same days
    again changes nothing."""
    from spasmtrack.accounts.people import person_for
    from spasmtrack.cli_kit import ensure_migrated, fail, setup_django

    first, last = _day(since, "--since"), _day(until, "--until")
    setup_django()
    ensure_migrated()
    from spasmtrack.measures.weather import WeatherError, fetch_weather

    person = person_for(user)
    try:
        summary = fetch_weather(person, first, last)
    except WeatherError as e:
        fail(f"{e} — nothing was changed")
    typer.echo(summary.line())
