"""No commands: the web app needs nothing run by hand."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Nothing to add to `spasmtrack`."""
