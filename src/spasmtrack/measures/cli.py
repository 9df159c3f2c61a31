"""CLI side of the measurements: `spasmtrack import FILE --format apple-health|fitbit|
metrics-csv|weather-csv` runs `run_import` (the formats are `measures.imports.IMPORT_FORMATS`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer


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


def register(app: typer.Typer) -> None:
    """Add this app's commands to the `spasmtrack` command (none of its own yet)."""
